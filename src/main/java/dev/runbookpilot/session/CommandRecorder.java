package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.proc.ChildProcess;
import dev.runbookpilot.runbook.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Journals what a running command prints, as it comes: lines are gathered for {@link #BATCH} and written as one
 * {@link JournalEvent.CommandOutput} (one fsync per batch, not per line, so a chatty tool is not slowed down by the
 * disk), then the listener hears them. The first {@link #LIVE_LIMIT} lines are journaled whole; later ones only
 * reach the listener, and the check's result keeps the tail. A crash loses at most the last batch.
 */
final class CommandRecorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommandRecorder.class);

    static final Duration BATCH = Duration.ofMillis(200);
    /** Lines journaled live; the result keeps the head and the tail of anything longer. */
    static final int LIVE_LIMIT = 1000;

    /** Writes one event to the journal (and the session state). */
    interface Sink {
        void record(JournalEvent e) throws IOException;
    }

    private final Step step;
    private final int index;
    private final Sink sink;
    private final RunListener listener;
    private final List<CheckDetail.OutputLine> pending = new ArrayList<>();
    private ScheduledExecutorService flusher;

    CommandRecorder(Step step, int index, Sink sink, RunListener listener) {
        this.step = step;
        this.index = index;
        this.sink = sink;
        this.listener = listener;
    }

    /** Called from the process's reader threads. */
    void accept(ChildProcess.Line line) {
        CheckDetail.OutputLine out = new CheckDetail.OutputLine(line.number(), line.at(), line.stream().name(),
                line.text());
        synchronized (this) {
            pending.add(out);
            if (flusher == null) {
                flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "command-output-" + step.id());
                    t.setDaemon(true);
                    return t;
                });
                flusher.scheduleWithFixedDelay(this::flush, BATCH.toMillis(), BATCH.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Journals what is pending (within the limit), then tells the listener. */
    void flush() {
        List<CheckDetail.OutputLine> batch;
        synchronized (this) {
            if (pending.isEmpty()) return;
            batch = new ArrayList<>(pending);
            pending.clear();
        }
        List<CheckDetail.OutputLine> journaled = batch.stream().filter(l -> l.number() <= LIVE_LIMIT).toList();
        if (!journaled.isEmpty()) {
            try {
                sink.record(new JournalEvent.CommandOutput(step.id(), index, journaled, Instant.now()));
            } catch (IOException e) {
                // The result still carries the head and the tail; the live record is what a crash would keep.
                log.warn("cannot journal the output of {}#{}: {}", step.id(), index, e.getMessage());
            }
        }
        for (CheckDetail.OutputLine l : batch) listener.commandOutput(step, l);
    }

    /** Stops the timer and journals the rest: called before the command's result is journaled. */
    @Override
    public void close() {
        ScheduledExecutorService f;
        synchronized (this) {
            f = flusher;
        }
        if (f != null) {
            f.shutdown();
            try {
                f.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }
}
