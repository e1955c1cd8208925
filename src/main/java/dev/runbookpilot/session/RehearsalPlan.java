package dev.runbookpilot.session;

import dev.runbookpilot.check.TargetCopy;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A rehearsal before its copy exists: the journal is created with the copy's name and place as its first line, and
 * owned (locked) from that moment, so a crash at any later point leaves a journal that says what to drop, and no
 * other process drops a copy still in use. The lock passes to the {@link Session} that then runs on the copy.
 */
public final class RehearsalPlan implements AutoCloseable {
    private final JournalEvent.RehearsalPlanned planned;
    private final Journal journal;
    private SessionLock lock;

    private RehearsalPlan(JournalEvent.RehearsalPlanned planned, Journal journal, SessionLock lock) {
        this.planned = planned;
        this.journal = journal;
        this.lock = lock;
    }

    /** Names the copy and journals it; nothing is made yet. */
    public static RehearsalPlan create(Runbook runbook, Path sessionDir, String operator, CheckSpec.Scratch where,
                                      TargetCopy.Data data, JournalEvent.Connection original,
                                      ServerInfo originalServer) throws SessionException, IOException {
        String id = Session.newId(runbook);
        String copyName = TargetCopy.copyName(where, id, originalServer.database());
        Path dataDir = TargetCopy.dataDir(where, id);
        Files.createDirectories(sessionDir);
        Path file = sessionDir.resolve(id + ".jsonl");
        SessionLock lock = SessionLock.acquire(file, operator);
        try {
            JournalEvent.RehearsalPlanned planned = new JournalEvent.RehearsalPlanned(id, runbook.sha256(),
                    TargetCopy.serverName(where), copyName, dataDir == null ? null : dataDir.toString(),
                    data.yamlName(), original, originalServer, operator, Instant.now());
            return new RehearsalPlan(planned, Journal.create(file, planned), lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public JournalEvent.RehearsalPlanned planned() {
        return planned;
    }

    public String copyDatabase() {
        return planned.copyDatabase();
    }

    public Path journalFile() {
        return journal.file();
    }

    Journal journal() {
        return journal;
    }

    /** The copy exists: journaled with the proof that it is not the original. */
    public void copyMade(ServerInfo copy, String describe, String proof, long millis) throws IOException {
        journal.append(new JournalEvent.RehearsalCopyMade(copy, describe, proof, millis, Instant.now()));
    }

    /** The copy could not be made, or is gone: journaled so no later start looks for it. */
    public void copyDropped(String note) throws IOException {
        journal.append(new JournalEvent.RehearsalCopyDropped(note, Instant.now()));
    }

    /** Runs the rehearsal's session on the copy; the session owns the journal from here. */
    public Session startSession(Runbook runbook, Database copy, JournalEvent.Connection connection,
                                RunListener listener) throws SessionException, IOException {
        return Session.startRehearsal(this, runbook, copy, connection, listener);
    }

    SessionLock handOverLock() {
        SessionLock l = lock;
        lock = null;
        return l;
    }

    /**
     * Whether a connection reaches the original database: the same database name on the same cluster (by system
     * identifier when both are readable, else by host and port as connected).
     */
    static boolean sameDatabase(ServerInfo copy, ServerInfo original, JournalEvent.Connection originalConnection,
                                JournalEvent.Connection copyConnection) {
        if (!copy.database().equals(original.database())) return false;
        if (copy.systemIdentifier() != null && original.systemIdentifier() != null) {
            return copy.systemIdentifier().equals(original.systemIdentifier());
        }
        return copyConnection.host().equals(originalConnection.host()) && copyConnection.port() == originalConnection.port();
    }

    /** Why the copy is not the original, in words the report shows. */
    public static String proofNotOriginal(ServerInfo copy, ServerInfo original) {
        String cluster = copy.systemIdentifier() != null && original.systemIdentifier() != null
                ? (copy.systemIdentifier().equals(original.systemIdentifier())
                ? "on the original's own cluster (system identifier " + copy.systemIdentifier() + ")"
                : "on another cluster (system identifier " + copy.systemIdentifier() + ", the original's is "
                + original.systemIdentifier() + ")")
                : "cluster identity not readable (needs superuser or pg_monitor)";
        return "the session's connection is to database '" + copy.database() + "' (current_database() on that"
                + " connection), not the original '" + original.database() + "'; " + cluster;
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock != null) journal.close();
        } finally {
            if (lock != null) lock.close();
            lock = null;
        }
    }

    /** A rehearsal journal in a session directory whose copy was never journaled as dropped. */
    public record Leftover(Path journal, JournalEvent.RehearsalPlanned planned) {}

    /**
     * The rehearsals in {@code sessionDir} whose copy may still exist: planned, never dropped, and not running now
     * (a journal another process owns is left alone). Each comes back owned by this process until {@link
     * #cleaned} or {@link #release}.
     */
    public static List<Owned> leftovers(Path sessionDir, String operator) throws IOException {
        List<Owned> out = new ArrayList<>();
        if (!Files.isDirectory(sessionDir)) return out;
        List<Path> journals;
        try (Stream<Path> s = Files.list(sessionDir)) {
            journals = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
        for (Path j : journals) {
            List<JournalEvent> events;
            try {
                events = Journal.read(j);
            } catch (IOException e) {
                continue;
            }
            if (events.isEmpty() || !(events.get(0) instanceof JournalEvent.RehearsalPlanned planned)) continue;
            if (events.stream().anyMatch(e -> e instanceof JournalEvent.RehearsalCopyDropped)) continue;
            SessionLock lock;
            try {
                lock = SessionLock.acquire(j, operator);
            } catch (SessionException busy) {
                continue;
            }
            // Read again under the lock: the owner may have dropped its copy between the first read and now.
            if (Journal.read(j).stream().anyMatch(e -> e instanceof JournalEvent.RehearsalCopyDropped)) {
                lock.close();
                continue;
            }
            out.add(new Owned(new Leftover(j, planned), lock));
        }
        return out;
    }

    /** A leftover rehearsal this process owns while it removes the copy. */
    public static final class Owned implements AutoCloseable {
        private final Leftover leftover;
        private final SessionLock lock;

        private Owned(Leftover leftover, SessionLock lock) {
            this.leftover = leftover;
            this.lock = lock;
        }

        public Leftover leftover() {
            return leftover;
        }

        /** Journals that the copy is gone. */
        public void cleaned(String note) throws IOException {
            try (Journal j = Journal.reopen(leftover.journal())) {
                j.append(new JournalEvent.RehearsalCopyDropped(note, Instant.now()));
            }
        }

        @Override
        public void close() throws IOException {
            lock.close();
        }
    }
}
