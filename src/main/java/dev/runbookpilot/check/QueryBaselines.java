package dev.runbookpilot.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbookpilot.db.QueryData;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.sql.StatementGuard;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Hot queries timed before a migration and compared after it. A measurement is one untimed warm-up run and then N
 * timed runs of {@code EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)}, all in one read-only transaction that is rolled back;
 * the time of a run is the server's own "Execution Time". How two measurements are judged is {@link #judge}, and
 * docs/decisions/0010-query-baselines.md explains the rule.
 */
final class QueryBaselines {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Below this median on both sides, times are not judged, only the plan: EXPLAIN ANALYZE's own per-node clock
     * reads and the scheduler move sub-millisecond times by more than any tolerance a runbook would give.
     */
    static final double FLOOR_MS = 1.0;

    static final String PREFIX = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ";

    /** How the times compared. */
    enum Timing { WITHIN, SLOWER, TOO_NOISY, BELOW_FLOOR }

    record Judgement(Timing timing, String words) {}

    private QueryBaselines() {}

    /** Times each hot query of a snapshot, in the order the runbook lists them. */
    static Map<String, CheckDetail.Measurement> baseline(CheckSpec.Snapshot spec, EvalContext ctx)
            throws SQLException {
        Map<String, CheckDetail.Measurement> out = new LinkedHashMap<>();
        for (CheckSpec.HotQuery q : spec.queries()) {
            out.put(q.name(), measure(ctx, q.name(), q.sql(), q.runs(), spec.meta().timeout()));
        }
        return out;
    }

    /**
     * One measurement. The guard admits only statements that read (EXPLAIN ANALYZE executes what it explains), and
     * the read-only transaction refuses a write that got past it, such as a data-modifying WITH.
     */
    static CheckDetail.Measurement measure(EvalContext ctx, String name, String sql, int runs, Duration timeout)
            throws SQLException {
        try {
            StatementGuard.check(sql, StatementGuard.Use.EXPLAIN_ANALYZE, ctx.db().standardConformingStrings());
        } catch (StatementGuard.Refusal r) {
            throw r.asSqlException();
        }
        List<QueryData> results = ReadOnlyExecution.runbookRepeated(ctx.db(), ctx.token(), timeout, PREFIX + sql,
                runs + 1);
        List<Double> times = new ArrayList<>();
        List<JsonNode> plans = new ArrayList<>();
        for (QueryData data : results.subList(1, results.size())) {
            JsonNode root;
            try {
                root = JSON.readTree(data.rows().get(0).get(0)).get(0);
            } catch (Exception e) {
                throw new SQLException("unreadable plan of '" + name + "': " + e.getMessage(), e);
            }
            if (root == null || !root.path("Execution Time").isNumber() || !root.has("Plan")) {
                throw new SQLException("the plan of '" + name + "' has no execution time");
            }
            times.add(root.path("Execution Time").asDouble());
            plans.add(root.path("Plan"));
        }
        JsonNode shown = plans.get(medianIndex(times));
        List<String> lines = new ArrayList<>();
        ReadChecks.render(shown, 0, lines);
        List<CheckDetail.PlanNode> nodes = new ArrayList<>();
        shape(shown, 0, nodes);
        Set<String> indexNames = new HashSet<>();
        nodes.forEach(n -> {
            if (n.index() != null) indexNames.add(n.index());
        });
        Map<String, List<Long>> oids = indexOids(ctx, timeout, indexNames);
        return new CheckDetail.Measurement(name, sql, times, String.join("\n", lines), nodes, oids);
    }

    /** Which run's plan to show: the one whose time is the median (the lower middle one for an even count). */
    private static int medianIndex(List<Double> times) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) order.add(i);
        order.sort((a, b) -> Double.compare(times.get(a), times.get(b)));
        return order.get((times.size() - 1) / 2);
    }

    private static void shape(JsonNode node, int depth, List<CheckDetail.PlanNode> out) {
        out.add(new CheckDetail.PlanNode(depth, node.path("Node Type").asText(),
                node.path("Relation Name").asText(null), node.path("Index Name").asText(null)));
        for (JsonNode child : node.path("Plans")) shape(child, depth + 1, out);
    }

    /**
     * The oids of indexes by name, read by us after the runs. Plans name an index without its schema, so every
     * index of that name is listed; an index the migration renamed keeps its oid and is still the same index.
     */
    private static Map<String, List<Long>> indexOids(EvalContext ctx, Duration timeout, Collection<String> names)
            throws SQLException {
        if (names.isEmpty()) return Map.of();
        QueryData d = ReadOnlyExecution.ours(ctx.db(), timeout, Connection.TRANSACTION_READ_COMMITTED,
                c -> ReadOnlyExecution.query(c, ctx.token(), "SELECT relname::text, oid::bigint FROM pg_class"
                        + " WHERE relkind IN ('i', 'I') AND relname = ANY (?) ORDER BY oid",
                        (Object) c.createArrayOf("text", names.toArray())));
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (List<String> row : d.rows()) {
            out.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(Long.parseLong(row.get(1)));
        }
        return out;
    }

    /** A hot query now against its baseline. */
    static CheckOutcome compare(CheckSpec.ExplainCompare spec, EvalContext ctx) throws SQLException {
        String expected = "at most " + percent(spec.slowerByPercent()) + " slower than in '" + spec.compareTo()
                + "' (by the median), and every index the plan used still used";
        Snapshots.Data snapshot = ctx.snapshots().get(spec.compareTo()).orElse(null);
        if (snapshot == null) {
            return new CheckOutcome(Status.ERROR, expected, "snapshot '" + spec.compareTo()
                    + "' has not been taken in this session", spec.sql(), null);
        }
        CheckDetail.Measurement before = find(spec, snapshot);
        if (before == null) {
            String recorded = snapshot.queries().isEmpty() ? "it timed no query"
                    : "it timed " + String.join(", ", snapshot.queries().keySet());
            return new CheckOutcome(Status.ERROR, expected, "snapshot '" + spec.compareTo() + "' has no baseline for "
                    + (spec.query() != null ? "query '" + spec.query() + "'" : "this SQL") + "; " + recorded,
                    spec.sql(), null);
        }
        String sql = spec.sql() != null ? spec.sql() : before.sql();
        int runs = spec.runs() != null ? spec.runs() : before.runsMs().size();
        CheckDetail.Measurement after = measure(ctx, before.name(), sql, runs, spec.meta().timeout());
        List<String> lost = lostIndexes(before, after);
        Judgement j = judge(before, after, spec.slowerByPercent());
        CheckDetail.PlanComparison detail = new CheckDetail.PlanComparison(spec.compareTo(), before, after,
                spec.slowerByPercent(), lost, j.words());
        Status status = !lost.isEmpty() || j.timing() == Timing.SLOWER ? Status.FAILED
                : j.timing() == Timing.TOO_NOISY ? Status.ERROR : Status.PASSED;
        String indexes = lost.isEmpty()
                ? (before.indexes().isEmpty() ? "the plan used no index before" : "indexes kept: "
                + String.join(", ", before.indexes()))
                : "index no longer used: " + String.join(", ", lost) + " (now: " + scans(after) + ")";
        return new CheckOutcome(status, expected, j.words() + "; " + indexes, sql, detail);
    }

    private static CheckDetail.Measurement find(CheckSpec.ExplainCompare spec, Snapshots.Data snapshot) {
        if (spec.query() != null) return snapshot.queries().get(spec.query());
        return snapshot.queries().values().stream().filter(m -> m.sql().strip().equals(spec.sql().strip()))
                .findFirst().orElse(null);
    }

    /**
     * Indexes the baseline plan used that the plan now does not: neither by name nor by oid (a rename keeps the
     * oid; an index rebuilt under its old name keeps the name).
     */
    static List<String> lostIndexes(CheckDetail.Measurement before, CheckDetail.Measurement after) {
        Set<String> namesNow = new HashSet<>(after.indexes());
        Set<Long> oidsNow = new HashSet<>();
        after.indexOids().values().forEach(oidsNow::addAll);
        List<String> lost = new ArrayList<>();
        for (String index : before.indexes()) {
            boolean kept = namesNow.contains(index)
                    || before.indexOids().getOrDefault(index, List.of()).stream().anyMatch(oidsNow::contains);
            if (!kept) lost.add(index);
        }
        return lost;
    }

    private static String scans(CheckDetail.Measurement m) {
        List<String> scans = m.nodes().stream().filter(n -> n.relation() != null || n.index() != null)
                .map(n -> n.type() + (n.index() != null ? " using " + n.index() : "")
                        + (n.relation() != null ? " on " + n.relation() : "")).toList();
        return scans.isEmpty() ? "no scan of a relation" : String.join(", ", scans);
    }

    /**
     * The timing rule. With the runs of each side sorted, the middle of a side is what remains once its fastest and
     * slowest quarter (rounded down) are set aside: for 5 runs, the 2nd to the 4th. With {@code limit = 1 +
     * slowerBy}:
     * <ul>
     *   <li>both medians below {@link #FLOOR_MS}: not judged, only the plan is;</li>
     *   <li>median after above median before × limit, and the fastest of the after middle above the slowest of the
     *       before middle: SLOWER (the check fails);</li>
     *   <li>median after above median before × limit, but the two middles overlap: TOO_NOISY, since the same runs
     *       in other proportions, as a loaded server gives them, move a median that far without any slowdown;</li>
     *   <li>else the slowest of the after middle at most the fastest of the before middle × limit: WITHIN;</li>
     *   <li>else TOO_NOISY: the medians say "within" but the spread of the runs is wider than the tolerance, so a
     *       slowdown of the allowed size could hide in it.</li>
     * </ul>
     * TOO_NOISY makes the check ERROR, which never counts as a pass.
     */
    static Judgement judge(CheckDetail.Measurement before, CheckDetail.Measurement after, double slowerByPercent) {
        double mb = before.medianMs();
        double ma = after.medianMs();
        double limit = 1 + slowerByPercent / 100;
        String change = mb > 0 ? String.format(Locale.ROOT, " (%+.1f%%)", (ma - mb) / mb * 100) : "";
        String runs = "before " + before.summary() + ", now " + after.summary();
        if (mb < FLOOR_MS && ma < FLOOR_MS) {
            return new Judgement(Timing.BELOW_FLOOR, String.format(Locale.ROOT, "times not judged: both medians are"
                    + " below %.0f ms, where timer overhead and noise outweigh any difference, so only the plan is"
                    + " judged; %s", FLOOR_MS, runs));
        }
        double fastestBefore = middle(before.sortedMs(), true);
        double slowestBefore = middle(before.sortedMs(), false);
        double fastestAfter = middle(after.sortedMs(), true);
        double slowestAfter = middle(after.sortedMs(), false);
        if (ma > mb * limit) {
            if (fastestAfter > slowestBefore) {
                return new Judgement(Timing.SLOWER, String.format(Locale.ROOT, "slower: median %.3f ms against"
                        + " %.3f ms%s, more than the %s allowed; %s", ma, mb, change, percent(slowerByPercent), runs));
            }
            return new Judgement(Timing.TOO_NOISY, String.format(Locale.ROOT, "too noisy to judge %s: the median"
                    + " (%.3f ms against %.3f ms%s) is beyond it, but the middle runs now start at %.3f ms, not above"
                    + " the slowest middle run before (%.3f ms), so the runs of both sides overlap and noise alone"
                    + " could move the median that far; %s. Run it again on a quieter server, or with more runs",
                    percent(slowerByPercent), ma, mb, change, fastestAfter, slowestBefore, runs));
        }
        if (slowestAfter <= fastestBefore * limit) {
            return new Judgement(Timing.WITHIN, String.format(Locale.ROOT, "within %s: median %.3f ms against"
                    + " %.3f ms%s; %s", percent(slowerByPercent), ma, mb, change, runs));
        }
        return new Judgement(Timing.TOO_NOISY, String.format(Locale.ROOT, "too noisy to judge %s: the medians"
                + " (%.3f ms against %.3f ms%s) are within it, but the middle runs now reach %.3f ms, beyond %.3f ms"
                + " (%s above the fastest middle run before); %s. Run it again on a quieter server, with more runs,"
                + " or with a wider slowerBy", percent(slowerByPercent), ma, mb, change, slowestAfter,
                fastestBefore * limit, percent(slowerByPercent), runs));
    }

    /** The fastest ({@code low}) or slowest time of the middle runs: the sorted runs less a quarter at each end. */
    static double middle(List<Double> sorted, boolean low) {
        int cut = sorted.size() / 4;
        return low ? sorted.get(cut) : sorted.get(sorted.size() - 1 - cut);
    }

    private static String percent(double p) {
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
    }
}
