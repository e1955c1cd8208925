package dev.runbookpilot.ui.widgets;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps the last log lines in memory for the log console: a Logback appender with a bounded ring buffer,
 * safe to feed from any thread. Listeners hear that lines arrived (on the logging thread) and pull them with
 * {@link #linesAfter(long)}, so a burst of logging costs the UI one refresh, not one per line.
 */
public final class UiLogAppender extends AppenderBase<ILoggingEvent> {

    public static final int DEFAULT_CAPACITY = 2000;
    static final String NAME = "RUNBOOK_PILOT_UI";
    private static volatile CompletableFuture<UiLogAppender> early;

    /** One log line; {@code seq} increases by one per line appended. */
    public record Line(long seq, Instant time, Level level, String thread, String logger, String message) {}

    private final int capacity;
    private final ArrayDeque<Line> buffer;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private long nextSeq = 1;

    public UiLogAppender(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        this.capacity = capacity;
        this.buffer = new ArrayDeque<>(Math.min(capacity, 4096));
        setName(NAME);
    }

    /**
     * Attaches an appender keeping the last {@value #DEFAULT_CAPACITY} lines to the root logger and returns it;
     * calling again returns the same one. Without Logback behind SLF4J, returns an appender nothing feeds.
     */
    public static UiLogAppender install() {
        CompletableFuture<UiLogAppender> started = early;
        if (started != null) {
            try {
                return started.join();
            } catch (CompletionException e) {
                // The early attempt failed; try once more here, where a failure is seen.
            }
        }
        return attachToRoot();
    }

    /**
     * Starts Logback (SLF4J's provider lookup over the class path, then {@code app.LogConfiguration}) and installs
     * the appender on a thread of its own, so that work overlaps the JavaFX toolkit's start instead of delaying the
     * first window on the FX thread. {@link #install()} afterwards returns the same appender, waiting for it only if
     * called before it is ready. Loggers taken meanwhile are SLF4J's substitutes, which forward once Logback is up.
     */
    public static void installInBackground() {
        synchronized (UiLogAppender.class) {
            if (early != null) return;
            CompletableFuture<UiLogAppender> f = new CompletableFuture<>();
            early = f;
            Thread t = new Thread(() -> {
                try {
                    f.complete(attachToRoot());
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "logging-start");
            t.setDaemon(true);
            t.start();
        }
    }

    private static UiLogAppender attachToRoot() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) return new UiLogAppender(DEFAULT_CAPACITY);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        synchronized (UiLogAppender.class) {
            if (root.getAppender(NAME) instanceof UiLogAppender existing) return existing;
            UiLogAppender appender = new UiLogAppender(DEFAULT_CAPACITY);
            appender.attachTo(root);
            return appender;
        }
    }

    /** Starts this appender and attaches it to a logger (the root logger, or one logger in tests). */
    public void attachTo(Logger logger) {
        setContext(logger.getLoggerContext());
        if (!isStarted()) start();
        logger.addAppender(this);
    }

    public int capacity() {
        return capacity;
    }

    /** Called on the logging thread after lines arrive: keep it short (schedule work, don't do it). */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** The buffered lines with {@code seq > afterSeq}, oldest first (older ones may have been dropped). */
    public List<Line> linesAfter(long afterSeq) {
        synchronized (lock) {
            List<Line> out = new ArrayList<>();
            for (Line l : buffer) {
                if (l.seq() > afterSeq) out.add(l);
            }
            return out;
        }
    }

    public List<Line> lines() {
        return linesAfter(0);
    }

    @Override
    protected void append(ILoggingEvent event) {
        synchronized (lock) {
            if (buffer.size() == capacity) buffer.removeFirst();
            buffer.addLast(new Line(nextSeq++, Instant.ofEpochMilli(event.getTimeStamp()), event.getLevel(),
                    event.getThreadName(), event.getLoggerName(), message(event)));
        }
        for (Runnable l : listeners) l.run();
    }

    private static String message(ILoggingEvent event) {
        String msg = event.getFormattedMessage();
        IThrowableProxy t = event.getThrowableProxy();
        // The first line of each cause is enough on screen; the log file keeps the stack trace.
        while (t != null) {
            msg += " — " + t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
            t = t.getCause();
        }
        return msg;
    }
}
