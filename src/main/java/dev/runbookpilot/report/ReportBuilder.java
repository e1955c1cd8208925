package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.SessionState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns a replayed journal into a {@link Report}; nothing is read from the runbook file or the database. */
public final class ReportBuilder {

    private ReportBuilder() {}

    public static Report build(SessionState state) {
        JournalEvent.Started st = state.started();
        List<Report.PhaseReport> phases = new ArrayList<>();
        List<Report.Waiver> waivers = new ArrayList<>();
        List<Report.Confirmation> confirmations = new ArrayList<>();
        List<Report.SignoffLine> signoffs = new ArrayList<>();
        int[] counts = new int[Status.values().length];
        int total = 0;
        for (JournalEvent.PhaseOutline p : st.outline()) {
            List<Report.StepReport> steps = new ArrayList<>();
            for (JournalEvent.StepOutline s : p.steps()) {
                List<Report.CheckReport> checks = new ArrayList<>();
                for (int i = 0; i < s.checks().size(); i++) {
                    JournalEvent.CheckOutline c = s.checks().get(i);
                    List<String> roles = c.roles();
                    Status status = state.status(s.id(), i, c.kind(), roles);
                    counts[status.ordinal()]++;
                    total++;
                    checks.add(check(state, s, i, c, status));
                    int index = i;
                    state.waiver(s.id(), i).filter(w -> status == Status.WAIVED).ifPresent(w -> waivers.add(
                            new Report.Waiver(s.id(), label(c, index), w.operator(), w.reason(), w.at())));
                    state.confirmation(s.id(), i).ifPresent(cf -> confirmations.add(
                            new Report.Confirmation(s.id(), c.label(), cf.operator(), cf.note(), cf.at())));
                    if ("signoff".equals(c.kind())) {
                        Map<String, JournalEvent.Signed> signed = state.signatures(s.id());
                        for (String role : roles) {
                            JournalEvent.Signed sg = signed.get(role);
                            signoffs.add(new Report.SignoffLine(s.id(), role, sg == null ? null : sg.name(),
                                    sg == null ? null : sg.at()));
                        }
                    }
                }
                steps.add(new Report.StepReport(s.id(), s.title(), stepStatus(checks), checks));
            }
            phases.add(new Report.PhaseReport(p.name(), steps));
        }
        Report.Summary summary = new Report.Summary(total, counts[Status.PASSED.ordinal()],
                counts[Status.FAILED.ordinal()], counts[Status.ERROR.ordinal()], counts[Status.WAIVED.ordinal()],
                counts[Status.CONFIRMED.ordinal()], counts[Status.PENDING.ordinal()] + counts[Status.RUNNING.ordinal()],
                counts[Status.SKIPPED.ordinal()]);
        Report.Verdict verdict = summary.failed() + summary.errors() > 0 ? Report.Verdict.FAILED
                : summary.pending() > 0 ? Report.Verdict.INCOMPLETE : Report.Verdict.PASSED;
        Instant end = state.ended().map(JournalEvent.Ended::at).orElse(lastEventTime(state));
        var server = st.server();
        Report.Target target = new Report.Target(st.connection().host(), st.connection().port(), server.database(),
                server.user(), server.serverVersion(), server.systemIdentifier());
        return new Report(st.runbookTitle(), st.runbookVersion(), st.runbookFile(), st.runbookSha256(),
                st.sessionId(), target, st.environment(), st.operator(), st.at(), end, verdict, summary, phases,
                waivers, confirmations, signoffs, timeline(state), st.toolVersion());
    }

    private static String label(JournalEvent.CheckOutline c, int index) {
        return "#" + (index + 1) + " " + c.label();
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

    private static Status stepStatus(List<Report.CheckReport> checks) {
        if (checks.stream().anyMatch(c -> c.status() == Status.ERROR)) return Status.ERROR;
        if (checks.stream().anyMatch(c -> c.status() == Status.FAILED)) return Status.FAILED;
        if (checks.stream().anyMatch(c -> !c.status().isFinished())) return Status.PENDING;
        if (checks.stream().anyMatch(c -> c.status() == Status.WAIVED)) return Status.WAIVED;
        if (!checks.isEmpty() && checks.stream().allMatch(c -> c.status() == Status.CONFIRMED)) return Status.CONFIRMED;
        return Status.PASSED;
    }

    private static Instant lastEventTime(SessionState state) {
        List<JournalEvent> events = state.events();
        return events.isEmpty() ? null : events.get(events.size() - 1).at();
    }

    private static List<Report.TimelineEntry> timeline(SessionState state) {
        List<Report.TimelineEntry> out = new ArrayList<>();
        for (JournalEvent e : state.events()) {
            String what = null;
            if (e instanceof JournalEvent.Started s) what = "session started by " + s.operator();
            else if (e instanceof JournalEvent.Resumed r) what = "session resumed by " + r.operator();
            else if (e instanceof JournalEvent.CheckFinished f) what = f.result().key() + " " + f.result().label()
                    + ": " + f.result().status();
            else if (e instanceof JournalEvent.MigrationBegan m) what = m.stepId() + " migration began (xid "
                    + m.xid() + ")";
            else if (e instanceof JournalEvent.Confirmed c) what = c.stepId() + "#" + c.index() + " confirmed by "
                    + c.operator();
            else if (e instanceof JournalEvent.Waived w) what = w.stepId() + "#" + w.index() + " waived by "
                    + w.operator();
            else if (e instanceof JournalEvent.Signed sg) what = sg.stepId() + " signed as " + sg.role() + " by "
                    + sg.name();
            else if (e instanceof JournalEvent.Ended en) what = "session ended";
            else if (e instanceof JournalEvent.MigrationResolved r) what = r.stepId() + "#" + r.index()
                    + " interrupted migration's transaction " + r.xid() + ": " + r.fate() + " (txid_status)";
            else if (e instanceof JournalEvent.Settled st) what = st.stepId() + "#" + st.index() + " settled as "
                    + st.decision().words() + " by " + st.operator() + ": " + st.note() + " (what was known: "
                    + st.evidence() + ")";
            else if (e instanceof JournalEvent.Stopped sp) what = "stopped: " + sp.reason()
                    + (sp.cancelled().isEmpty() ? "" : "; cancelled on the server: " + String.join(", ",
                    sp.cancelled()));
            if (what != null) out.add(new Report.TimelineEntry(e.at(), what));
        }
        return out;
    }
}
