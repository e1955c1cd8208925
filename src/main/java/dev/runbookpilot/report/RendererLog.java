package dev.runbookpilot.report;

import com.openhtmltopdf.util.Diagnostic;
import com.openhtmltopdf.util.XRLog;
import com.openhtmltopdf.util.XRLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.logging.Level;

/** Sends openhtmltopdf's log (java.util.logging by default, straight to stderr) through SLF4J like the rest. */
final class RendererLog implements XRLogger {
    private static final Logger LOG = LoggerFactory.getLogger("dev.runbookpilot.report.pdf");
    private static boolean installed;

    private RendererLog() {}

    static synchronized void install() {
        if (installed) return;
        XRLog.setLoggerImpl(new RendererLog());
        installed = true;
    }

    @Override
    public void log(String where, Level level, String msg) {
        log(where, level, msg, null);
    }

    @Override
    public void log(String where, Level level, String msg, Throwable th) {
        if (level.intValue() >= Level.SEVERE.intValue()) LOG.error("{}: {}", where, msg, th);
        else if (level.intValue() >= Level.WARNING.intValue()) LOG.warn("{}: {}", where, msg, th);
        else LOG.debug("{}: {}", where, msg, th);
    }

    @Override
    public void setLevel(String logger, Level level) {
        // Levels are configured in logback, not by the renderer.
    }

    @Override
    public boolean isLogLevelEnabled(Diagnostic diagnostic) {
        Level level = diagnostic.getLevel();
        return level.intValue() >= Level.WARNING.intValue() ? LOG.isWarnEnabled() : LOG.isDebugEnabled();
    }
}
