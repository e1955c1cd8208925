package dev.runbookpilot.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.status.StatusUtil;
import ch.qos.logback.core.util.StatusPrinter;

import java.util.function.Supplier;

/**
 * Stands in for an appender that is costly to start and builds it, on the logging thread, when the first event
 * passing this one's filters arrives: that event and every later one go to it, so no line is lost, and a process that
 * never logs a line for it (most CLI runs write nothing to the log file) never pays for it. Starting Logback's
 * rolling file appender with its pattern layout takes 80-100 ms of CPU (docs/benchmarks.md); see ADR 0044.
 */
final class StartedOnFirstEvent extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final Supplier<Appender<ILoggingEvent>> build;
    private volatile Appender<ILoggingEvent> target;

    StartedOnFirstEvent(String name, Supplier<Appender<ILoggingEvent>> build) {
        this.build = build;
        setName(name);
    }

    @Override
    protected void append(ILoggingEvent event) {
        target().doAppend(event);
    }

    /** The appender this one stands for, built and started now if no event has needed it yet. */
    Appender<ILoggingEvent> target() {
        Appender<ILoggingEvent> t = target;
        if (t != null) return t;
        synchronized (this) {
            if (target == null) {
                Appender<ILoggingEvent> built = build.get();
                // Logback prints its status after configuring only when something went wrong; an appender started
                // later (an unwritable log directory) must be reported the same way, not dropped in silence.
                if (!built.isStarted() && !StatusUtil.contextHasStatusListener(getContext())) {
                    StatusPrinter.printInCaseOfErrorsOrWarnings(getContext());
                }
                target = built;
            }
            return target;
        }
    }

    @Override
    public void stop() {
        super.stop();
        Appender<ILoggingEvent> t = target;
        if (t != null) t.stop();
    }
}
