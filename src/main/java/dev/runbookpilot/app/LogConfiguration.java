package dev.runbookpilot.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.DefaultJoranConfigurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;

import java.net.URL;
import java.nio.file.Path;

/**
 * Runbook Pilot's logging, configured in code (ADR 0044): Logback finds it through its service loader and runs it
 * before it would look for a {@code logback.xml}, whose reading took about 700 classes (Joran and the JDK's XML
 * parser) in every process that logs. The terminal belongs to the operator: only warnings reach stderr; everything
 * from INFO goes to the workspace's log file, rolled daily and at 10 MB, 14 days and 200 MB kept. Each appender
 * starts on the first line it must write ({@link StartedOnFirstEvent}).
 *
 * <p>A configuration given Logback's usual way ({@code -Dlogback.configurationFile}, or a {@code logback-test.xml}
 * or {@code logback.xml} on the class path, as the tests have) wins: this one then steps aside and Logback reads that.
 */
// The rank Logback gives an unannotated service configurator: one a deployment adds with a higher rank runs first.
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class LogConfiguration extends ContextAwareBase implements Configurator {

    static final String CONSOLE_APPENDER = "STDERR";
    static final String FILE_APPENDER = "FILE";
    static final String FILE_NAME = "runbook-pilot.log";
    static final String ROLLED_FILE_PATTERN = "runbook-pilot.%d{yyyy-MM-dd}.%i.log";
    static final FileSize MAX_FILE_SIZE = FileSize.valueOf("10MB");
    static final int MAX_HISTORY_DAYS = 14;
    static final FileSize TOTAL_SIZE_CAP = FileSize.valueOf("200MB");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        URL theirs = userConfiguration(context);
        if (theirs != null) {
            addInfo("Leaving the configuration to " + theirs);
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, logDirectory());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Runbook Pilot's appenders and levels, the log file in {@code dir}. */
    static void apply(LoggerContext context, Path dir) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        // Both appenders start on the first line that reaches them: their pattern layouts and the rolling policy are
        // the dearest part of logging's start, and most CLI runs never log a line.
        StartedOnFirstEvent stderr = new StartedOnFirstEvent(CONSOLE_APPENDER, () -> console(context));
        stderr.setContext(context);
        stderr.addFilter(warningsOnly(context));
        stderr.start();
        root.addAppender(stderr);
        StartedOnFirstEvent file = new StartedOnFirstEvent(FILE_APPENDER, () -> file(context, dir));
        file.setContext(context);
        file.start();
        root.addAppender(file);
        context.getLogger("io.zonky").setLevel(Level.WARN);
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        // PDFBox maps the 14 standard PDF fonts to system fonts and warns for each this machine lacks; our reports
        // embed their own fonts, so the 13 warnings told the operator nothing but looked alarming in the log console.
        context.getLogger("org.apache.pdfbox.pdmodel.font.PDType1Font").setLevel(Level.ERROR);
    }

    /** The file Logback's own search would read ({@code logback.configurationFile}, then the class path), if any. */
    private static URL userConfiguration(LoggerContext context) {
        var search = new DefaultJoranConfigurator() {
            URL find() {
                return performMultiStepConfigurationFileSearch(false);
            }
        };
        search.setContext(context);
        return search.find();
    }

    /**
     * {@code $RUNBOOK_PILOT_HOME/logs}, else {@code ~/.runbook-pilot/logs}: the variable looked up as Logback looked
     * up {@code ${RUNBOOK_PILOT_HOME:-…}} in the XML this replaces (a system property first, then the environment).
     */
    static Path logDirectory() {
        String home = System.getProperty("RUNBOOK_PILOT_HOME");
        if (home == null) home = System.getenv("RUNBOOK_PILOT_HOME");
        if (home == null) home = System.getProperty("user.home") + "/.runbook-pilot";
        return Path.of(home, "logs");
    }

    private static ThresholdFilter warningsOnly(LoggerContext context) {
        ThresholdFilter warnings = new ThresholdFilter();
        warnings.setContext(context);
        warnings.setLevel(Level.WARN.levelStr);
        warnings.start();
        return warnings;
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(CONSOLE_APPENDER);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder(context, "%-5level %msg%n"));
        stderr.start();
        return stderr;
    }

    private static RollingFileAppender<ILoggingEvent> file(LoggerContext context, Path dir) {
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(context);
        file.setName(FILE_APPENDER);
        file.setFile(dir.resolve(FILE_NAME).toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(file);
        policy.setFileNamePattern(dir.resolve(ROLLED_FILE_PATTERN).toString());
        policy.setMaxFileSize(MAX_FILE_SIZE);
        policy.setMaxHistory(MAX_HISTORY_DAYS);
        policy.setTotalSizeCap(TOTAL_SIZE_CAP);
        policy.start();
        file.setRollingPolicy(policy);
        file.setEncoder(encoder(context, "%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n"));
        file.start();
        return file;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }
}
