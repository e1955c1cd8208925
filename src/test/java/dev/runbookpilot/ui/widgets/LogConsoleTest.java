package dev.runbookpilot.ui.widgets;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import javafx.application.Platform;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ApplicationExtension.class)
class LogConsoleTest {

    private static final int CAPACITY = 50;

    private UiLogAppender appender;
    private Logger logger;
    private LogConsole console;

    @Start
    void start(Stage stage) {
        // A logger of its own, not additive: the lines reach only this appender, not the test's stderr.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logger = context.getLogger("dev.runbookpilot.ui.widgets.LogConsoleTest.subject");
        logger.setAdditive(false);
        logger.setLevel(Level.DEBUG);
        appender = new UiLogAppender(CAPACITY);
        appender.attachTo(logger);
        console = new LogConsole(appender);
        WidgetStage.show(stage, new VBox(console));
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
        console.dispose();
    }

    @Test
    void startsCollapsedAndShowsALineLoggedOnAnotherThread(FxRobot robot) throws Exception {
        assertThat(console.isExpanded()).isFalse();
        Thread worker = new Thread(() -> logger.info("check orders#0 PASSED in {} ms", 12), "check-runner-1");
        worker.start();
        worker.join();
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(console.getLines()).hasSize(1);
        UiLogAppender.Line line = console.getLines().get(0);
        assertThat(line.thread()).isEqualTo("check-runner-1");
        assertThat(line.message()).isEqualTo("check orders#0 PASSED in 12 ms");
        assertThat(LogConsole.format(line)).contains(" INFO  [check-runner-1] subject — check orders#0 PASSED");
        assertThat(console.getListView().getItems()).containsExactly(line);
    }

    @Test
    void keepsOnlyTheNewestLinesWhenManyThreadsLog(FxRobot robot) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            pool.submit(() -> {
                for (int i = 0; i < 500; i++) logger.info("thread {} line {}", thread, i);
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        logger.warn("the last line");
        WaitForAsyncUtils.waitForFxEvents();

        List<UiLogAppender.Line> lines = console.getLines();
        assertThat(lines).hasSize(CAPACITY);
        assertThat(appender.lines()).hasSize(CAPACITY);
        assertThat(lines.get(CAPACITY - 1).message()).isEqualTo("the last line");
        assertThat(lines.get(CAPACITY - 1).seq()).isEqualTo(2001);
        // Strictly increasing: nothing duplicated or reordered by the coalesced refreshes.
        for (int i = 1; i < lines.size(); i++) assertThat(lines.get(i).seq()).isGreaterThan(lines.get(i - 1).seq());
        assertThat(console.getText()).isEqualTo("Log — ⚠ 1 warning");
    }

    @Test
    void aBurstOfLoggingWhileTheFxThreadIsBusyCostsOneRefresh(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        int before = console.refreshCount();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Platform.runLater(() -> {
            busy.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 300; i++) logger.info("burst {}", i);
        release.countDown();
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(console.refreshCount() - before).isEqualTo(1);
        assertThat(console.getLines()).hasSize(CAPACITY);
        assertThat(console.getLines().get(CAPACITY - 1).message()).isEqualTo("burst 299");
    }

    @Test
    void filtersByLevelAndCountsErrorsInTheTitle(FxRobot robot) {
        logger.debug("connecting");
        logger.info("connected");
        logger.error("check failed to run", new IllegalStateException("pool closed"));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(console.getListView().getItems()).extracting(UiLogAppender.Line::message)
                .containsExactly("connected", "check failed to run — java.lang.IllegalStateException: pool closed");

        robot.interact(() -> console.setLevel(Level.DEBUG));
        assertThat(console.getListView().getItems()).hasSize(3);
        robot.interact(() -> console.setLevel(Level.ERROR));
        assertThat(console.getListView().getItems()).extracting(UiLogAppender.Line::level)
                .containsExactly(Level.ERROR);
        assertThat(console.getText()).isEqualTo("Log — ✖ 1 error");
        assertThat(console.getStyleClass()).contains("log-has-errors");
    }

    @Test
    void installingTwiceGivesTheSameRootAppender() {
        UiLogAppender first = UiLogAppender.install();
        UiLogAppender second = UiLogAppender.install();
        assertThat(second).isSameAs(first);
        assertThat(first.capacity()).isEqualTo(UiLogAppender.DEFAULT_CAPACITY);
        assertThat(first.isStarted()).isTrue();
    }

    @Test
    void theAppenderStartedInTheBackgroundIsTheConsolesAndHearsLoggersTakenMeanwhile() {
        UiLogAppender.installInBackground();
        org.slf4j.Logger meanwhile = LoggerFactory.getLogger("dev.runbookpilot.test.Meanwhile");
        UiLogAppender console = UiLogAppender.install();
        UiLogAppender.installInBackground();
        assertThat(UiLogAppender.install()).isSameAs(console);
        assertThat(console.isStarted()).isTrue();
        meanwhile.warn("logged through a logger taken while Logback may still have been starting");
        assertThat(console.lines()).extracting(UiLogAppender.Line::message)
                .contains("logged through a logger taken while Logback may still have been starting");
    }
}
