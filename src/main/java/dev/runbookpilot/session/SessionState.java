package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Snapshots;
import dev.runbookpilot.check.Status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A session as its journal tells it: the latest result of every check with waivers, confirmations and
 * signatures applied. Built by replaying events, so the live run, resume and the report all agree.
 */
public final class SessionState implements Snapshots {

    private JournalEvent.Started started;
    private final List<JournalEvent> events = new ArrayList<>();
    private final Map<String, CheckResult> results = new LinkedHashMap<>();
    private final Map<String, JournalEvent.Waived> waivers = new LinkedHashMap<>();
    private final Map<String, JournalEvent.Skipped> skips = new LinkedHashMap<>();
    private final Map<String, JournalEvent.Confirmed> confirmations = new LinkedHashMap<>();
    private final Map<String, Map<String, JournalEvent.Signed>> signatures = new LinkedHashMap<>();
    private final Map<String, JournalEvent.MigrationBegan> migrations = new LinkedHashMap<>();
    private final Map<String, JournalEvent.Settled> settlements = new LinkedHashMap<>();
    private final Map<String, Snapshots.Data> snapshots = new LinkedHashMap<>();
    private JournalEvent.Ended ended;
    private JournalEvent.RehearsalPlanned rehearsal;
    private final Map<String, JournalEvent.Rehearsed> rehearsed = new LinkedHashMap<>();
    private JournalEvent.RollbackBegan rollback;
    private final Map<String, JournalEvent.Overrun> overruns = new LinkedHashMap<>();

    public static SessionState replay(List<JournalEvent> events) {
        SessionState s = new SessionState();
        events.forEach(s::apply);
        if (s.started == null) throw new IllegalArgumentException("the journal has no 'started' event");
        return s;
    }

    public synchronized void apply(JournalEvent e) {
        events.add(e);
        if (e instanceof JournalEvent.Started st) {
            started = st;
        } else if (e instanceof JournalEvent.CheckFinished f) {
            String key = f.result().key();
            results.put(key, f.result());
            // A fresh result supersedes an older waiver or settlement of the same check.
            waivers.remove(key);
            settlements.remove(key);
            // PASSED settles a migration; FAILED settles one that ran in a transaction (it was rolled back). After an
            // ERROR a transaction's fate may be unknown (still running, connection lost during COMMIT), and a
            // migration without a transaction that FAILED ran some or all of its statements: keep the marker, so
            // nothing runs the file again before the server or a person has said what became of it.
            JournalEvent.MigrationBegan began = migrations.get(key);
            if (f.result().status() == Status.PASSED
                    || f.result().status() == Status.FAILED && began != null && began.xid() >= 0) {
                migrations.remove(key);
            }
        } else if (e instanceof JournalEvent.Waived w) {
            waivers.put(key(w.stepId(), w.index()), w);
        } else if (e instanceof JournalEvent.Skipped sk) {
            skips.put(sk.stepId(), sk);
        } else if (e instanceof JournalEvent.Confirmed c) {
            confirmations.put(key(c.stepId(), c.index()), c);
        } else if (e instanceof JournalEvent.ConfirmationWithdrawn w) {
            confirmations.remove(key(w.stepId(), w.index()));
        } else if (e instanceof JournalEvent.Signed sg) {
            signatures.computeIfAbsent(sg.stepId(), k -> new LinkedHashMap<>()).put(sg.role(), sg);
        } else if (e instanceof JournalEvent.MigrationBegan m) {
            migrations.put(key(m.stepId(), m.index()), m);
        } else if (e instanceof JournalEvent.MigrationResolved r) {
            if (r.cleared()) migrations.remove(key(r.stepId(), r.index()));
        } else if (e instanceof JournalEvent.Settled st) {
            settlements.put(key(st.stepId(), st.index()), st);
            migrations.remove(key(st.stepId(), st.index()));
        } else if (e instanceof JournalEvent.SnapshotRecorded sr) {
            snapshots.put(sr.data().name(), sr.data());
        } else if (e instanceof JournalEvent.Ended en) {
            ended = en;
        } else if (e instanceof JournalEvent.RehearsalPlanned rp) {
            rehearsal = rp;
        } else if (e instanceof JournalEvent.Rehearsed rh) {
            rehearsed.put(key(rh.stepId(), rh.index()), rh);
        } else if (e instanceof JournalEvent.RollbackBegan rb) {
            rollback = rb;
        } else if (e instanceof JournalEvent.Overrun o) {
            overruns.putIfAbsent(o.key(), o);
        }
    }

    public static String key(String stepId, int index) {
        return stepId + "#" + index;
    }

    public synchronized JournalEvent.Started started() {
        return started;
    }

    public synchronized List<JournalEvent> events() {
        return List.copyOf(events);
    }

    /**
     * The events applied after the first {@code from}, in journal order: a live view (the wizard's session log)
     * takes only what is new each time, from memory, without copying the whole session or reading the file.
     */
    public synchronized List<JournalEvent> eventsFrom(int from) {
        if (from >= events.size()) return List.of();
        return List.copyOf(events.subList(Math.max(0, from), events.size()));
    }

    public synchronized Optional<CheckResult> result(String stepId, int index) {
        return Optional.ofNullable(results.get(key(stepId, index)));
    }

    public synchronized Optional<JournalEvent.Waived> waiver(String stepId, int index) {
        return Optional.ofNullable(waivers.get(key(stepId, index)));
    }

    /** The skip of an optional step, if it was skipped. */
    public synchronized Optional<JournalEvent.Skipped> skip(String stepId) {
        return Optional.ofNullable(skips.get(stepId));
    }

    public synchronized Optional<JournalEvent.Confirmed> confirmation(String stepId, int index) {
        return Optional.ofNullable(confirmations.get(key(stepId, index)));
    }

    public synchronized Map<String, JournalEvent.Signed> signatures(String stepId) {
        return Map.copyOf(signatures.getOrDefault(stepId, Map.of()));
    }

    /**
     * A migration whose start was journaled but whose outcome was not (the process died while it ran), or whose
     * last outcome was an ERROR that leaves its transaction's fate to be asked of the server.
     */
    public synchronized Optional<JournalEvent.MigrationBegan> interruptedMigration(String stepId, int index) {
        return Optional.ofNullable(migrations.get(key(stepId, index)));
    }

    /** The settle decision that stands for a migration: none once a later result replaced it. */
    public synchronized Optional<JournalEvent.Settled> settlement(String stepId, int index) {
        return Optional.ofNullable(settlements.get(key(stepId, index)));
    }

    @Override
    public synchronized Optional<Snapshots.Data> get(String name) {
        return Optional.ofNullable(snapshots.get(name));
    }

    /** The latest start of a rollback of this window, if it was rolled back (or began to be). */
    public synchronized Optional<JournalEvent.RollbackBegan> rollback() {
        return Optional.ofNullable(rollback);
    }

    /** The first NO-GO answered to a gate: it ended the window as ABORTED. */
    public synchronized Optional<JournalEvent.Signed> abort() {
        return events.stream().filter(e -> e instanceof JournalEvent.Signed s && s.noGo())
                .map(e -> (JournalEvent.Signed) e).findFirst();
    }

    /** The overruns journaled, by key ({@code window}, {@code phase:NAME}, {@code step:ID}), first seen first. */
    public synchronized Map<String, JournalEvent.Overrun> overruns() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(overruns));
    }

    public synchronized Optional<JournalEvent.Ended> ended() {
        return Optional.ofNullable(ended);
    }

    /** What this session rehearses on which copy; empty for a real window. */
    public synchronized Optional<JournalEvent.RehearsalPlanned> rehearsal() {
        return Optional.ofNullable(rehearsal);
    }

    /** The rehearsal's walk-through of a manual check or sign-off, if it was recorded. */
    public synchronized Optional<JournalEvent.Rehearsed> rehearsed(String stepId, int index) {
        return Optional.ofNullable(rehearsed.get(key(stepId, index)));
    }

    /**
     * The status the operator sees for a check: its latest result, WAIVED when a waiver followed a failure,
     * CONFIRMED for a confirmed manual check or a fully signed sign-off, SKIPPED for every check of a skipped
     * step, PENDING when nothing happened yet.
     */
    public synchronized Status status(String stepId, int index, String kind, List<String> signoffRoles) {
        String key = key(stepId, index);
        if (skips.containsKey(stepId)) return Status.SKIPPED;
        // Only a rehearsal's journal can say "rehearsed": a line of it in a real window's journal satisfies nothing.
        if (rehearsal != null && ("manual".equals(kind) || "signoff".equals(kind) || "gate".equals(kind))
                && rehearsed.containsKey(key)) {
            return Status.REHEARSED;
        }
        if ("manual".equals(kind)) return confirmations.containsKey(key) ? Status.CONFIRMED : Status.PENDING;
        if ("signoff".equals(kind)) {
            Map<String, JournalEvent.Signed> signed = signatures.getOrDefault(stepId, Map.of());
            return signed.keySet().containsAll(signoffRoles) ? Status.CONFIRMED : Status.PENDING;
        }
        if ("gate".equals(kind)) {
            // One NO-GO fails the gate for good; only GO from every role opens the next phase.
            Map<String, JournalEvent.Signed> answers = signatures.getOrDefault(stepId, Map.of());
            if (answers.values().stream().anyMatch(JournalEvent.Signed::noGo)) return Status.FAILED;
            return answers.keySet().containsAll(signoffRoles) ? Status.CONFIRMED : Status.PENDING;
        }
        JournalEvent.Settled settled = settlements.get(key);
        if (settled != null) return settledStatus(settled);
        CheckResult r = results.get(key);
        if (r == null) return Status.PENDING;
        if (r.status().isBlocking() && waivers.containsKey(key)) return Status.WAIVED;
        return r.status();
    }

    /** The result with a waiver applied (its evidence kept); the waiver itself is in {@link #waiver}. */
    public synchronized Optional<CheckResult> effectiveResult(String stepId, int index) {
        CheckResult r = results.get(key(stepId, index));
        if (r == null) return Optional.empty();
        JournalEvent.Settled settled = settlements.get(key(stepId, index));
        if (settled != null) return Optional.of(r.withStatus(settledStatus(settled), r.detail()));
        JournalEvent.Waived w = waivers.get(key(stepId, index));
        if (w != null && r.status().isBlocking()) {
            return Optional.of(r.withStatus(Status.WAIVED, r.detail()));
        }
        return Optional.of(r);
    }

    /** Settled as applied, a person confirmed the migration took effect; otherwise it waits to run again. */
    private static Status settledStatus(JournalEvent.Settled settled) {
        return settled.decision() == JournalEvent.Settlement.APPLIED ? Status.CONFIRMED : Status.PENDING;
    }
}
