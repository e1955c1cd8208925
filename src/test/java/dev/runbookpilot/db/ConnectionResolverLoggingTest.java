package dev.runbookpilot.db;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the resolver tells the operator through the log, and that it never tells the password. */
class ConnectionResolverLoggingTest {
    private static final String SECRET = "s3cr3t-Pa55";

    @TempDir
    Path home;
    private final Logger dbLogger = (Logger) LoggerFactory.getLogger("dev.runbookpilot.db");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level previousLevel;

    @BeforeEach
    void capture() {
        previousLevel = dbLogger.getLevel();
        dbLogger.setLevel(Level.ALL);
        appender.start();
        dbLogger.addAppender(appender);
    }

    @AfterEach
    void release() {
        dbLogger.detachAppender(appender);
        dbLogger.setLevel(previousLevel);
    }

    private List<String> messages() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void worldReadablePasswordFileIsSkippedWithAWarningThatSaysHowToFixIt() throws Exception {
        Path pgpass = Files.writeString(home.resolve(".pgpass"), "*:*:*:*:" + SECRET + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r--r--"));

        ConnectionSettings s = new ConnectionResolver(Map.of(), home).resolve("host=h user=u");

        assertThat(s.password()).isNull();
        assertThat(appender.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains(pgpass.toString(), "group or world access", "chmod 600");
        });
    }

    @Test
    void ignoredKeywordsAreNamedButTheirValuesAndPasswordsAreNotLogged() throws Exception {
        Map<String, String> env = Map.of("PGOPTIONS", "-c work_mem=1GB", "PGPASSWORD", SECRET);

        new ConnectionResolver(env, home).resolve("host=h user=u sslpassword=" + SECRET
                + " client_encoding=LATIN1 options='-c statement_timeout=0'");

        assertThat(messages())
                .anySatisfy(m -> assertThat(m).contains("ignoring client_encoding", "position"))
                .anySatisfy(m -> assertThat(m).contains("ignoring options", "connection string"))
                .allSatisfy(m -> assertThat(m).doesNotContain(SECRET, "LATIN1", "statement_timeout", "work_mem"));
    }
}
