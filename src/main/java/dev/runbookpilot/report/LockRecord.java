package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.db.Locks;

import java.util.ArrayList;
import java.util.List;

/**
 * A writer's locks as the reports print them, the same in Markdown and PDF (and the wizard's check detail): a table
 * of relation, strongest mode and how long it was held, ACCESS EXCLUSIVE on a table first and marked, how they were
 * learned, then every lock timeout with the sessions it waited for.
 */
public final class LockRecord {
    /** Headings of {@link #heldRows}. */
    public static final List<String> HELD_HEADINGS = List.of("Relation", "Strongest mode", "Held for");
    /** Headings of {@link #blockerRows}. */
    public static final List<String> BLOCKER_HEADINGS = List.of("Pid", "User", "Application", "State",
            "Transaction age", "Query");
    /** Said next to an ACCESS EXCLUSIVE lock on a table. */
    public static final String BLOCKS_READERS = "blocks every reader";

    private LockRecord() {}

    /** The lock report of a migration's or command's result, or null when it has none. */
    public static Locks.Report of(CheckDetail d) {
        if (d instanceof CheckDetail.Notices n) return n.locks();
        if (d instanceof CheckDetail.CommandRun r) return r.locks();
        return null;
    }

    /** One row per relation: name (marked when an index), mode (with its own duration when shorter), held for. */
    public static List<String[]> heldRows(Locks.Report r) {
        List<String[]> rows = new ArrayList<>();
        for (Locks.HeldLock h : r.held()) {
            String mode = h.mode() + (h.blocksReaders() ? " (" + BLOCKS_READERS + ")" : "")
                    + (h.strongestMillis() < h.heldMillis() ? ", for " + Locks.human(h.strongestMillis()) : "");
            rows.add(new String[] {h.relation() + (h.index() ? " (index)" : ""), mode, Locks.human(h.heldMillis())});
        }
        return rows;
    }

    public static List<String[]> blockerRows(List<Locks.Blocker> blockers) {
        List<String[]> rows = new ArrayList<>();
        for (Locks.Blocker b : blockers) {
            rows.add(new String[] {Integer.toString(b.pid()), nz(b.user()), nz(b.application()), nz(b.state()),
                    b.transactionMillis() == null ? "no transaction" : Locks.human(b.transactionMillis()),
                    nz(b.query()).strip()});
        }
        return rows;
    }

    /** "Attempt 1: statement 2 (line 7) waited 5.0 s for a lock; tried again after 1 s." */
    public static String waitLine(Locks.LockWait w) {
        if (w.statement() == 0) {
            // A command's sessions: the watcher saw them wait, it cannot tell which statement of the tool did.
            return "The command's session waited for a lock (seen for " + Locks.human(w.lockTimeoutMillis()) + ")"
                    + (w.blockers().isEmpty() ? " (the watcher did not see who held it)" : "");
        }
        return "Attempt " + w.attempt() + ": statement " + w.statement() + " (line " + w.line() + ") waited "
                + Locks.human(w.lockTimeoutMillis()) + " for a lock"
                + (w.blockers().isEmpty() ? " (the watcher did not see who held it)" : "")
                + (w.retryInMillis() == null ? "; not tried again" : "; tried again after "
                + Locks.human(w.retryInMillis()));
    }

    /** What a DBA reads first: "none held" or how they were learned. */
    public static String heldTitle(Locks.Report r) {
        return r.held().isEmpty() ? "Locks held: none seen (" + r.method() + ")" : "Locks held (" + r.method() + ")";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
