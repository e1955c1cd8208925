package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.Outcome;
import dev.runbookpilot.session.Rollbacks;
import dev.runbookpilot.session.SessionState;
import dev.runbookpilot.session.StepTimes;
import dev.runbookpilot.session.WindowTimes;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns a replayed journal into a {@link Report}; nothing is read from the runbook file or the database. */
public final class ReportBuilder {
    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private ReportBuilder() {}

    /** The report of a session's state in memory: it names no journal bytes, so it is never what is exported. */
    public static Report build(SessionState state) {
        return build(state, null, null);
    }

    /**
     * @param state         replayed from exactly the journal bytes {@code witness} names
     * @param lastRehearsal the last rehearsal of the same runbook, for a real session's report to show its times
     *                      beside its own; null for none
     */
    static Report build(SessionState state, SessionState lastRehearsal, JournalWitness witness) {
        JournalEvent.Started st = state.started();
        List<Report.PhaseReport> phases = new ArrayList<>();
        List<Report.Confirmation> confirmations = new ArrayList<>();
        List<Report.SignoffLine> signoffs = new ArrayList<>();
        for (JournalEvent.PhaseOutline p : st.outline()) {
            List<Report.StepReport> steps = new ArrayList<>();
            for (JournalEvent.StepOutline s : p.steps()) {
                List<Report.CheckReport> checks = new ArrayList<>();
                for (int i = 0; i < s.checks().size(); i++) {
                    JournalEvent.CheckOutline c = s.checks().get(i);
                    List<String> roles = c.roles();
                    Status status = state.status(s.id(), i, c.kind(), roles);
                    checks.add(check(state, s, i, c, status));
                    state.confirmation(s.id(), i).ifPresent(cf -> confirmations.add(
                            new Report.Confirmation(s.id(), c.label(), cf.operator(), cf.note(), cf.at())));
                    if ("signoff".equals(c.kind()) || "gate".equals(c.kind())) {
                        Map<String, JournalEvent.Signed> signed = state.signatures(s.id());
                        for (String role : roles) {
                            JournalEvent.Signed sg = signed.get(role);
                            signoffs.add(sg == null ? new Report.SignoffLine(s.id(), role, null, null,
                                    "gate".equals(c.kind()), null, null, null)
                                    : new Report.SignoffLine(s.id(), role, sg.name(), sg.at(),
                                    "gate".equals(c.kind()), sg.decision(), sg.reason(), sg.fingerprint()));
                        }
                    }
                }
                steps.add(new Report.StepReport(s.id(), s.title(),
                        Outcome.stepStatus(checks.stream().map(Report.CheckReport::status).toList()), checks,
                        s.source()));
            }
            phases.add(new Report.PhaseReport(p.name(), steps));
        }
        Outcome.Summary outcome = Outcome.of(state);
        Outcome.Counts n = outcome.counts();
        Report.Summary summary = new Report.Summary(n.checks(), n.passed(), n.failed(), n.errors(), n.waived(),
                n.confirmed(), n.pending(), n.skipped());
        List<Report.Waiver> waivers = outcome.waivers().stream().map(w -> new Report.Waiver(w.stepId(), w.check(),
                w.operator(), w.reason(), w.at(), w.inAdvance(), w.coversError())).toList();
        List<Report.Skip> skips = outcome.skips().stream().map(k -> new Report.Skip(k.stepId(), k.title(),
                k.operator(), k.reason(), k.at())).toList();
        Instant end = state.ended().map(JournalEvent.Ended::at).orElse(lastEventTime(state));
        var server = st.server();
        Report.Target target = new Report.Target(st.connection().host(), st.connection().port(), server.database(),
                server.user(), server.serverVersion(), server.systemIdentifier(), checkSafety(server));
        return new Report(st.runbookTitle(), st.runbookVersion(), st.runbookFile(), st.runbookSha256(),
                st.sessionId(), target, st.environment(), st.operator(), st.at(), end, outcome.verdict(), summary,
                phases, waivers, skips, confirmations, signoffs, timeline(state), st.toolVersion(),
                rollback(state, outcome.rollback()), rehearsal(state), times(state, lastRehearsal),
                st.runbookDescription(), migrations(state, phases), plan(state, end), window(state, end), witness);
    }

    /** The window's planned start and end against the first and last action; null when the journal plans none. */
    private static Report.WindowLine window(SessionState state, Instant end) {
        WindowTimes.Times times = WindowTimes.of(state);
        if (times.window() == null) return null;
        WindowTimes.Actions actions = WindowTimes.actions(state);
        boolean open = state.ended().isEmpty();
        boolean overrun = state.overruns().containsKey(WindowTimes.WINDOW_KEY)
                || times.overruns(end).stream().anyMatch(o -> o.key().equals(WindowTimes.WINDOW_KEY))
                || actions != null && actions.last().isAfter(times.window().end());
        return new Report.WindowLine(times.window().shown(), times.window().start(), times.window().end(),
                actions == null ? null : actions.first(), actions == null ? null : actions.last(), open, overrun);
    }

    /** Planned against actual per phase and step, when the runbook gave any budget or an overrun was journaled. */
    private static List<Report.PlanLine> plan(SessionState state, Instant end) {
        WindowTimes.Times times = WindowTimes.of(state);
        boolean budgets = times.phases().stream().anyMatch(p -> p.span().budget() != null
                || p.steps().stream().anyMatch(s -> s.budget() != null));
        if (!budgets && state.overruns().isEmpty()) return List.of();
        List<Report.PlanLine> out = new ArrayList<>();
        for (WindowTimes.PhaseTimes p : times.phases()) {
            out.add(line(p.span().name(), p.span(), end, state));
            for (WindowTimes.Span s : p.steps()) out.add(line(p.span().name(), s, end, state));
        }
        return out;
    }

    private static Report.PlanLine line(String phase, WindowTimes.Span s, Instant end, SessionState state) {
        boolean overrun = s.overrun(end) || state.overruns().containsKey(s.overrunKey());
        return new Report.PlanLine(phase, s.stepId(), s.name(), s.budget() == null ? null : s.budget().toMillis(),
                s.start() == null ? null : s.elapsed(end).toMillis(), s.start() != null && !s.finished(), overrun);
    }

    private static Report.Rehearsal rehearsal(SessionState state) {
        JournalEvent.RehearsalPlanned p = state.rehearsal().orElse(null);
        if (p == null) return null;
        JournalEvent.RehearsalCopyMade made = null;
        JournalEvent.RehearsalCopyDropped dropped = null;
        for (JournalEvent e : state.events()) {
            if (e instanceof JournalEvent.RehearsalCopyMade m) made = m;
            if (e instanceof JournalEvent.RehearsalCopyDropped d) dropped = d;
        }
        String original = p.originalServer().database() + " on " + p.original().host() + ":" + p.original().port()
                + " (PostgreSQL " + p.originalServer().serverVersion() + ")";
        return new Report.Rehearsal(made == null ? p.copyDatabase() : made.describe(), original, p.data(),
                made == null ? "the copy was not made" : made.proof(),
                dropped == null ? "NOT dropped: the next 'rehearse' drops it" : dropped.note() + " at " + dropped.at());
    }

    /** Per-step times: a rehearsal's with the plan they give; a real session's beside its last rehearsal's. */
    private static List<Report.StepTime> times(SessionState state, SessionState lastRehearsal) {
        boolean rehearsal = state.rehearsal().isPresent();
        if (!rehearsal && lastRehearsal == null) return List.of();
        Map<String, Long> own = StepTimes.measured(state);
        Map<String, Long> rehearsed = rehearsal ? own
                : lastRehearsal != null ? StepTimes.measured(lastRehearsal) : Map.of();
        List<Report.StepTime> out = new ArrayList<>();
        for (JournalEvent.PhaseOutline p : state.started().outline()) {
            for (JournalEvent.StepOutline s : p.steps()) {
                Long mine = own.get(s.id());
                Long before = rehearsed.get(s.id());
                out.add(new Report.StepTime(s.id(), s.title(), mine, rehearsal ? null : before,
                        before == null ? null : StepTimes.planned(before)));
            }
        }
        return out;
    }

    /** The rollback section, from the journal: each rollback under its own step id, then the proof. */
    private static Report.Rollback rollback(SessionState state, Outcome.Rollback o) {
        if (o == null) return null;
        Map<String, String> titles = new java.util.HashMap<>();
        for (JournalEvent.PhaseOutline p : state.started().outline()) {
            for (JournalEvent.StepOutline s : p.steps()) titles.put(s.id(), s.title());
        }
        List<Report.StepReport> steps = new ArrayList<>();
        for (Outcome.RollbackStep rs : o.steps()) {
            String forward = rs.forwardKey().substring(0, rs.forwardKey().lastIndexOf('#'));
            List<Report.CheckReport> checks = rs.result() == null ? List.of()
                    : List.of(resultCheck(state, rs.stepId(), rs.status(), rs.result()));
            steps.add(new Report.StepReport(rs.stepId(), "Roll back: " + titles.getOrDefault(forward, forward),
                    rs.status(), checks));
        }
        Report.StepReport proof = o.proof() == null ? null : new Report.StepReport(Rollbacks.PROOF_STEP,
                "Proof: back at the baseline", o.proof().status(),
                List.of(resultCheck(state, Rollbacks.PROOF_STEP, o.proof().status(), o.proof())));
        return new Report.Rollback(o.statement(), o.began().operator(), o.began().reason(), o.began().at(),
                o.began().stop(), steps, proof);
    }

    private static Report.CheckReport resultCheck(SessionState state, String stepId, Status status, CheckResult r) {
        String actual = state.settlement(stepId, 0).map(st -> "settled as " + st.decision().words() + " by "
                + st.operator() + " (" + st.note() + "); last attempt: " + r.actual()).orElse(r.actual());
        return new Report.CheckReport(0, r.kind(), r.label(), status, r.expected(), actual, r.sql(),
                r.durationMillis(), r.sqlState(), r.error(), r.detail());
    }

    /** Every execute check in runbook order, with the file hash its last start journaled. */
    private static List<Report.Migration> migrations(SessionState state, List<Report.PhaseReport> phases) {
        Map<String, String> began = new java.util.HashMap<>();
        for (JournalEvent e : state.events()) {
            if (e instanceof JournalEvent.MigrationBegan m) {
                began.put(SessionState.key(m.stepId(), m.index()), m.fileSha256());
            }
        }
        List<Report.Migration> out = new ArrayList<>();
        for (Report.PhaseReport p : phases) {
            for (Report.StepReport s : p.steps()) {
                for (Report.CheckReport c : s.checks()) {
                    if (!"execute".equals(c.kind())) continue;
                    out.add(new Report.Migration(s.id(), c.index(), c.label(),
                            began.get(SessionState.key(s.id(), c.index())), c.status()));
                }
            }
        }
        return out;
    }

    /** Says plainly with which privileges checks ran; journals from before it was recorded say that instead. */
    static String checkSafety(ServerInfo server) {
        String privileges = server.checkPrivileges() != null ? server.checkPrivileges()
                : "check privileges not recorded (journal from an earlier version)";
        return "read checks ran in read-only transactions that were rolled back; " + privileges
                + ". Probes (rejects/accepts) ran in transactions that were rolled back; a sequence value a probe"
                + " drew stays drawn.";
    }

    private static Report.CheckReport check(SessionState state, JournalEvent.StepOutline s, int i,
                                            JournalEvent.CheckOutline c, Status status) {
        CheckResult r = state.result(s.id(), i).orElse(null);
        if (r == null) {
            String actual = state.confirmation(s.id(), i).map(cf -> "confirmed by " + cf.operator()
                    + (cf.note().isBlank() ? "" : ": " + cf.note())).orElse(null);
            if ("signoff".equals(c.kind())) {
                // In the runbook's order of roles: the signatures map has no stable order across JVM runs.
                Map<String, JournalEvent.Signed> signed = state.signatures(s.id());
                actual = signed.isEmpty() ? null : c.roles().stream().filter(signed::containsKey)
                        .map(role -> role + ": " + signed.get(role).name()).reduce((a, b) -> a + "; " + b)
                        .orElse(null);
            }
            return new Report.CheckReport(i, c.kind(), c.label(), status, c.description(), actual, c.sql(), null,
                    null, null, null);
        }
        // A settle decision stands beside the evidence of the attempt it settled: it is not a result of its own.
        String actual = state.settlement(s.id(), i).map(st -> "settled as " + st.decision().words() + " by "
                + st.operator() + " (" + st.note() + "); last attempt: " + r.actual()).orElse(r.actual());
        return new Report.CheckReport(i, r.kind(), r.label(), status, r.expected(), actual, r.sql(),
                r.durationMillis(), r.sqlState(), r.error(), r.detail());
    }

    private static Instant lastEventTime(SessionState state) {
        List<JournalEvent> events = state.events();
        return events.isEmpty() ? null : events.get(events.size() - 1).at();
    }

    /**
     * What happened when, for an auditor reading front to back: approvals, writes, waivers, sign-offs, gate answers
     * and overruns one line each. Check results are shown in full in their step, so a run of results of one step in
     * a row is one line here: when it began and ended, how many passed, and every other result by check.
     */
    private static List<Report.TimelineEntry> timeline(SessionState state) {
        List<Report.TimelineEntry> out = new ArrayList<>();
        List<JournalEvent.CheckFinished> results = new ArrayList<>();
        for (JournalEvent e : state.events()) {
            if (e instanceof JournalEvent.CheckFinished f) {
                if (!results.isEmpty() && !results.get(0).result().stepId().equals(f.result().stepId())) {
                    out.add(results(results));
                    results.clear();
                }
                results.add(f);
                continue;
            }
            String what = null;
            if (e instanceof JournalEvent.Started s) what = "session started by " + s.operator();
            else if (e instanceof JournalEvent.Resumed r) what = "session resumed by " + r.operator();
            else if (e instanceof JournalEvent.MigrationBegan m) what = m.stepId() + " migration began (xid "
                    + m.xid() + ")";
            else if (e instanceof JournalEvent.CommandBegan cb) what = cb.stepId() + "#" + cb.index()
                    + " command started in " + cb.cwd() + ": " + cb.command();
            else if (e instanceof JournalEvent.Confirmed c) what = c.stepId() + "#" + c.index() + " confirmed by "
                    + c.operator();
            else if (e instanceof JournalEvent.ConfirmationWithdrawn cw) what = cw.stepId() + "#" + cw.index()
                    + " confirmation withdrawn by " + cw.operator();
            else if (e instanceof JournalEvent.Waived w) what = w.stepId() + "#" + w.index() + " waived by "
                    + w.operator() + (w.inAdvance() ? " (granted in advance)" : "");
            else if (e instanceof JournalEvent.Skipped sk) what = sk.stepId() + " skipped by " + sk.operator();
            else if (e instanceof JournalEvent.Signed sg && sg.decision() != null) what = sg.stepId() + " gate: "
                    + sg.decision() + " from " + sg.role() + " (" + sg.name() + ")" + (sg.noGo() ? ": " + sg.reason()
                    + "; the window ended ABORTED" : "");
            else if (e instanceof JournalEvent.Signed sg) what = sg.stepId() + " signed as " + sg.role() + " by "
                    + sg.name();
            else if (e instanceof JournalEvent.Overrun o) what = "OVERRUN " + o.name() + " (" + o.key() + "): "
                    + dev.runbookpilot.io.Durations.human(o.elapsed()) + " when "
                    + dev.runbookpilot.io.Durations.human(o.budget()) + " were planned";
            else if (e instanceof JournalEvent.Ended en) what = "session ended";
            else if (e instanceof JournalEvent.RollbackBegan rb) what = "rollback begun by " + rb.operator() + ": "
                    + rb.reason();
            else if (e instanceof JournalEvent.MigrationResolved r) what = r.stepId() + "#" + r.index()
                    + " interrupted migration's transaction " + r.xid() + ": " + r.fate() + " (txid_status)";
            else if (e instanceof JournalEvent.Settled st) what = st.stepId() + "#" + st.index() + " settled as "
                    + st.decision().words() + " by " + st.operator() + ": " + st.note() + " (what was known: "
                    + st.evidence() + ")";
            else if (e instanceof JournalEvent.LockWaited lw) what = lw.stepId() + "#" + lw.index() + " "
                    + LockRecord.waitLine(lw.lockWait()).replaceFirst("^A", "a") + (lw.lockWait().blockers().isEmpty()
                    ? "" : "; waited for " + String.join("; ", lw.lockWait().blockers().stream()
                    .map(dev.runbookpilot.db.Locks.Blocker::describe).toList()));
            else if (e instanceof JournalEvent.BlockerStopped bs) what = bs.stepId() + "#" + bs.index() + " "
                    + bs.action() + " of blocking " + bs.blocker().describe() + " " + bs.outcome() + " by "
                    + bs.operator() + " (" + bs.approval() + "): " + bs.reason();
            else if (e instanceof JournalEvent.Stopped sp) what = "stopped: " + sp.reason()
                    + (sp.cancelled().isEmpty() ? "" : "; cancelled on the server: " + String.join(", ",
                    sp.cancelled()));
            if (what == null) continue;
            if (!results.isEmpty()) {
                out.add(results(results));
                results.clear();
            }
            out.add(new Report.TimelineEntry(e.at(), what));
        }
        if (!results.isEmpty()) out.add(results(results));
        return out;
    }

    /**
     * "old-shape: 7 check results until 11:14:25 UTC, 6 PASSED; #3 FAILED": results in the order they arrived, the
     * passed ones counted, every other one named by its check (numbered from 0 like the timeline's other lines).
     */
    private static Report.TimelineEntry results(List<JournalEvent.CheckFinished> events) {
        List<CheckResult> results = events.stream().map(JournalEvent.CheckFinished::result).toList();
        CheckResult first = results.get(0);
        Instant from = events.get(0).at();
        Instant to = events.get(events.size() - 1).at();
        StringBuilder b = new StringBuilder(first.stepId()).append(": ");
        if (results.size() == 1) {
            return new Report.TimelineEntry(from, b.append('#').append(first.index()).append(' ')
                    .append(first.label()).append(": ").append(first.status()).toString());
        }
        b.append(results.size()).append(" check results");
        if (to.getEpochSecond() != from.getEpochSecond()) {
            b.append(" until ").append(UNTIL.format(to));
        }
        long passed = results.stream().filter(r -> r.status() == Status.PASSED).count();
        List<String> others = results.stream().filter(r -> r.status() != Status.PASSED)
                .map(r -> "#" + r.index() + " " + r.status()).toList();
        if (passed > 0) b.append(", ").append(passed).append(" PASSED");
        if (!others.isEmpty()) b.append(passed > 0 ? "; " : ", ").append(String.join(", ", others));
        return new Report.TimelineEntry(from, b.toString());
    }
}
