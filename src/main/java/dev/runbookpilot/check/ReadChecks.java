package dev.runbookpilot.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.CatalogReader;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.db.QueryData;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.sql.StatementGuard;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Checks that only read, each on a connection of the read-only pool. */
final class ReadChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReadChecks() {}

    /** Runs our own {@code sql} (never a runbook's) on a read-only connection with a timeout, cancellable. */
    static QueryData query(EvalContext ctx, Duration timeout, String sql, Object... params) throws SQLException {
        return ReadOnlyExecution.ours(ctx.db(), timeout, Connection.TRANSACTION_READ_COMMITTED,
                c -> ReadOnlyExecution.query(c, ctx.token(), sql, params));
    }

    /**
     * Runs a runbook's own statement: the guard first (one statement, an allowed kind, no denied function), with the
     * connection's own reading of string literals, then the connection's layers ({@link ReadOnlyExecution}).
     */
    static QueryData runbookQuery(EvalContext ctx, Duration timeout, String sql, StatementGuard.Use use,
                                  String prefix) throws SQLException {
        try {
            StatementGuard.check(sql, use, ctx.db().standardConformingStrings());
        } catch (StatementGuard.Refusal r) {
            throw r.asSqlException();
        }
        return ReadOnlyExecution.runbook(ctx.db(), ctx.token(), timeout, prefix + sql);
    }

    static CheckOutcome query(CheckSpec.Query spec, EvalContext ctx) throws SQLException {
        QueryData data = runbookQuery(ctx, spec.meta().timeout(), spec.sql(), StatementGuard.Use.READ, "");
        Expectations.Verdict v = Expectations.test(spec.expect(), data);
        CheckDetail rows = new CheckDetail.Rows(data.columns(), data.rows(), data.truncated());
        return new CheckOutcome(v.status(), spec.expect().describe(), v.actual(), spec.sql(), rows);
    }

    /** The whole catalog of {@code schema}, its kinds read side by side in one snapshot. */
    static SchemaSnapshot catalog(EvalContext ctx, String schema, Duration timeout)
            throws SQLException, InterruptedException {
        return CatalogReader.read(ctx.db(), schema, ctx.countWorkers(), ctx.countParallelism(), ctx.token(), timeout);
    }

    static CheckOutcome objects(CheckSpec.CatalogObjects spec, EvalContext ctx) throws SQLException,
            InterruptedException {
        // Only the catalogs the check compares, read once for the step's object checks running beside it.
        return ObjectChecks.evaluate(spec, ctx.stepCatalog().snapshot(spec, ctx));
    }

    static CheckOutcome schemaDiff(CheckSpec.SchemaDiff spec, EvalContext ctx) throws SQLException,
            InterruptedException {
        Snapshots.Data before = ctx.snapshots().get(spec.compareTo()).orElse(null);
        if (before == null || before.catalog() == null) {
            return new CheckOutcome(Status.ERROR, "schema as declared vs '" + spec.compareTo() + "'",
                    "snapshot '" + spec.compareTo() + "' has not been taken in this session", null, null);
        }
        return SchemaDiffs.evaluate(spec, before.catalog(), catalog(ctx, before.schema(), spec.meta().timeout()));
    }

    static CheckOutcome explain(CheckSpec.Explain spec, EvalContext ctx) throws SQLException {
        String prefix = "EXPLAIN (FORMAT JSON" + (spec.analyze() ? ", ANALYZE" : "") + ") ";
        String sql = prefix + spec.sql();
        boolean named = spec.table() != null && spec.expect() != CheckSpec.PlanExpectation.MAX_COST;
        QueryData data = runbookQuery(ctx, spec.meta().timeout(), spec.sql(),
                spec.analyze() ? StatementGuard.Use.EXPLAIN_ANALYZE : StatementGuard.Use.EXPLAIN, prefix);
        // Our own catalog read, after the plan: the runbook's statement ran on a connection of its own.
        Set<String> tableAndChildren = named ? ReadOnlyExecution.ours(ctx.db(), spec.meta().timeout(),
                Connection.TRANSACTION_READ_COMMITTED, c -> tableAndChildren(c, ctx.token(), spec.table()))
                : Set.of();
        JsonNode plan;
        try {
            plan = JSON.readTree(data.rows().get(0).get(0)).get(0).get("Plan");
        } catch (Exception e) {
            return new CheckOutcome(Status.ERROR, spec.describe(), "unreadable plan: " + e.getMessage(), sql, null);
        }
        List<String> lines = new ArrayList<>();
        render(plan, 0, lines);
        List<String> seqScans = new ArrayList<>();
        List<String> indexScans = new ArrayList<>();
        Set<String> scanned = new TreeSet<>();
        collect(plan, named ? tableAndChildren : null, seqScans, indexScans, scanned);
        double cost = plan.path("Total Cost").asDouble();
        CheckDetail.Plan detail = new CheckDetail.Plan(String.join("\n", lines), List.of(), cost);
        if (named && scanned.stream().noneMatch(tableAndChildren::contains)) {
            // Nothing about a table the plan never reads is proven: a typo, or the wrong query.
            return new CheckOutcome(Status.ERROR, spec.describe(), "table '" + spec.table()
                    + "' is in no scan of this plan; the plan scans " + (scanned.isEmpty() ? "no table"
                    : String.join(", ", scanned)), spec.sql(), detail);
        }
        List<String> findings = new ArrayList<>();
        boolean passed;
        String actual;
        switch (spec.expect()) {
            case INDEX_SCAN -> {
                passed = !indexScans.isEmpty() && seqScans.isEmpty();
                findings.addAll(indexScans);
                findings.addAll(seqScans);
                actual = indexScans.isEmpty() ? "no index used" + (seqScans.isEmpty() ? "" : "; " + seqScans.get(0))
                        : seqScans.isEmpty() ? indexScans.get(0) : seqScans.get(0);
            }
            case NO_SEQ_SCAN -> {
                passed = seqScans.isEmpty();
                findings.addAll(seqScans);
                actual = seqScans.isEmpty() ? "no Seq Scan" : String.join("; ", seqScans);
            }
            default -> {
                passed = cost <= spec.maxCost();
                actual = "total cost " + cost;
            }
        }
        return CheckOutcome.of(passed, spec.describe(), actual, spec.sql(),
                new CheckDetail.Plan(String.join("\n", lines), findings, cost));
    }

    private static String unqualified(String table) {
        int dot = table.lastIndexOf('.');
        return dot < 0 ? table : table.substring(dot + 1);
    }

    /**
     * The named table and every table that inherits from it, partitions of partitions included: a plan on a
     * partitioned table scans its partitions under their own names, and those scans are scans of the table. Read
     * in the check's own read-only transaction. A table the server does not know yields just its own name.
     */
    private static Set<String> tableAndChildren(Connection c, CancelToken token, String table) throws SQLException {
        Set<String> names = new LinkedHashSet<>();
        names.add(unqualified(table));
        QueryData d = ReadOnlyExecution.query(c, token, "WITH RECURSIVE tree(oid) AS (SELECT to_regclass(?)::oid"
                + " UNION SELECT i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.oid)"
                + " SELECT c.relname FROM tree JOIN pg_class c ON c.oid = tree.oid", table);
        for (List<String> row : d.rows()) names.add(row.get(0));
        return names;
    }

    /**
     * Walks the plan tree, adding every scanned relation to {@code scanned}; when {@code tables} is given, scans
     * of other tables are ignored.
     */
    private static void collect(JsonNode node, Set<String> tables, List<String> seq, List<String> index,
                                Set<String> scanned) {
        String type = node.path("Node Type").asText();
        String relation = node.path("Relation Name").asText(null);
        if (relation != null) scanned.add(relation);
        boolean onTable = tables == null || tables.contains(relation);
        if (type.equals("Seq Scan") && onTable) {
            seq.add("Seq Scan on " + relation);
        } else if ((type.equals("Index Scan") || type.equals("Index Only Scan")) && onTable) {
            index.add(type + " using " + node.path("Index Name").asText() + " on " + relation);
        } else if (type.equals("Bitmap Heap Scan") && onTable) {
            List<String> names = new ArrayList<>();
            for (JsonNode child : node.path("Plans")) {
                if (child.path("Node Type").asText().equals("Bitmap Index Scan")) {
                    names.add(child.path("Index Name").asText());
                }
            }
            index.add("Bitmap Heap Scan on " + relation + " using " + String.join(", ", names));
        }
        for (JsonNode child : node.path("Plans")) collect(child, tables, seq, index, scanned);
    }

    static void render(JsonNode node, int depth, List<String> out) {
        StringBuilder b = new StringBuilder("  ".repeat(depth)).append(depth == 0 ? "" : "->  ");
        b.append(node.path("Node Type").asText());
        if (node.has("Index Name")) b.append(" using ").append(node.path("Index Name").asText());
        if (node.has("Relation Name")) b.append(" on ").append(node.path("Relation Name").asText());
        b.append(String.format("  (cost=%.2f..%.2f rows=%d)", node.path("Startup Cost").asDouble(),
                node.path("Total Cost").asDouble(), node.path("Plan Rows").asLong()));
        if (node.has("Actual Total Time")) {
            b.append(String.format(" (actual time=%.3f rows=%d)", node.path("Actual Total Time").asDouble(),
                    node.path("Actual Rows").asLong()));
        }
        out.add(b.toString());
        for (String key : List.of("Index Cond", "Filter", "Recheck Cond", "Hash Cond", "Join Filter")) {
            if (node.has(key)) out.add("  ".repeat(depth + 2) + key + ": " + node.path(key).asText());
        }
        if (node.has("Shared Hit Blocks")) {
            // Present only with EXPLAIN (BUFFERS): whether the rows came from the cache or from disk.
            out.add("  ".repeat(depth + 2) + "Buffers: shared hit=" + node.path("Shared Hit Blocks").asLong()
                    + " read=" + node.path("Shared Read Blocks").asLong());
        }
        for (JsonNode child : node.path("Plans")) render(child, depth + 1, out);
    }

    static CheckOutcome activity(CheckSpec.Activity spec, EvalContext ctx) throws SQLException {
        // This process's own connections, and only those, carry its tag (see Database.PROCESS_TAG). A backend still
        // authenticating has no application name yet (state NULL, or 'starting' on 17+): the pool replaces every
        // connection a runbook's SQL ran on, so one of ours is often in that state for a moment.
        String others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                + "AND backend_type = 'client backend' AND coalesce(state, 'starting') <> 'starting' "
                + "AND right(coalesce(application_name, ''), ?) <> ?";
        Object[] own = {Database.PROCESS_TAG.length(), Database.PROCESS_TAG};
        String columns = "SELECT pid, usename AS user, application_name, client_addr::text AS client, state, "
                + "date_trunc('second', now() - xact_start)::text AS transaction_age, left(query, 200) AS query ";
        List<String> problems = new ArrayList<>();
        List<String> demanded = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        List<String> sql = new ArrayList<>();
        QueryData shown = null;
        if (spec.otherSessions() != null) {
            String q = columns + others + " ORDER BY pid";
            QueryData d = query(ctx, spec.meta().timeout(), q, own);
            sql.add(q);
            demanded.add("other sessions <= " + spec.otherSessions());
            seen.add("other sessions = " + d.rowCount());
            if (d.rowCount() > spec.otherSessions()) problems.add("other sessions");
            shown = d;
        }
        if (spec.longTransactions() != null) {
            String q = columns + others + " AND xact_start < now() - make_interval(secs => ?) ORDER BY xact_start";
            QueryData d = query(ctx, spec.meta().timeout(), q, own[0], own[1],
                    (double) spec.longTransactionAge().toMillis() / 1000);
            sql.add(q);
            demanded.add("transactions older than " + spec.longTransactionAge().toSeconds() + "s <= "
                    + spec.longTransactions());
            seen.add("long transactions = " + d.rowCount());
            if (d.rowCount() > spec.longTransactions()) {
                problems.add("long transactions");
                shown = d;
            }
        }
        if (spec.blockingLocks() != null) {
            String q = columns + ", pg_blocking_pids(pid)::text AS blocked_by FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0 ORDER BY pid";
            QueryData d = query(ctx, spec.meta().timeout(), q);
            sql.add(q);
            demanded.add("blocked sessions <= " + spec.blockingLocks());
            seen.add("blocked sessions = " + d.rowCount());
            if (d.rowCount() > spec.blockingLocks()) {
                problems.add("blocking locks");
                shown = d;
            }
        }
        CheckDetail detail = shown == null ? null : new CheckDetail.Rows(shown.columns(), shown.rows(),
                shown.truncated());
        return CheckOutcome.of(problems.isEmpty(), String.join(", ", demanded), String.join(", ", seen),
                String.join(";\n", sql), detail);
    }

}
