package dev.runbookpilot.runbook;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One check of a step, exactly as the runbook declares it. The YAML key of each kind is {@link #kind()};
 * docs/runbook-format.md documents every field.
 *
 * <p>Each record refuses, in its constructor, a spec that could pass without proving anything (a rejects with no
 * SQLSTATE and no message, an activity check with no limit, an object check with nothing to look for): the loader
 * reports these with their location first, and code that builds a spec without it cannot get around them.
 */
public sealed interface CheckSpec {

    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** Options every kind accepts: a display name and a statement timeout. */
    record Meta(String name, Duration timeout, SourceLocation location) {
        public Meta {
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
            if (timeout.isNegative()) throw new IllegalArgumentException("a timeout cannot be negative");
            location = location == null ? SourceLocation.UNKNOWN : location;
        }
    }

    Meta meta();

    /** The YAML key naming this kind of check. */
    String kind();

    /** What the operator sees in the check table: the runbook's name, or a summary derived from the spec. */
    default String label() {
        return meta().name() != null ? meta().name() : describe();
    }

    String describe();

    /** A scalar or a row set meets an expectation. */
    record Query(Meta meta, String sql, Expectation expect) implements CheckSpec {
        public Query {
            requireText(sql, "a query check needs its SQL");
            java.util.Objects.requireNonNull(expect, "a query check needs an expectation");
        }
        public String kind() { return "query"; }
        public String describe() { return "query " + expect.describe(); }
    }

    /**
     * Catalog objects exist, are absent, match exactly, or number as expected.
     *
     * @param table   restricts the objects to one table (columns require it)
     * @param exist   objects that must exist, with the properties given
     * @param absent  names that must not exist
     * @param exact   when not null, the complete set of objects (names and given properties)
     * @param count   when not null, the number of objects (after {@code filter}) must meet it
     * @param filter  property filter applied before counting and before {@code exact}, e.g. {@code type: foreign key}
     */
    record CatalogObjects(Meta meta, ObjectKind objectKind, String schema, String table, List<ObjectSpec> exist,
                   List<String> absent, List<ObjectSpec> exact, Expectation count, Map<String, String> filter)
            implements CheckSpec {
        public CatalogObjects {
            java.util.Objects.requireNonNull(objectKind, "objectKind");
            if (exist.isEmpty() && absent.isEmpty() && exact == null && count == null) {
                throw new IllegalArgumentException("a " + objectKind.yamlKey()
                        + " check needs exist, absent, exact or count");
            }
            if (objectKind == ObjectKind.COLUMNS && table == null) {
                throw new IllegalArgumentException("a columns check needs its table");
            }
            exist = List.copyOf(exist);
            absent = List.copyOf(absent);
            exact = exact == null ? null : List.copyOf(exact);
            filter = Map.copyOf(filter);
        }

        public String kind() { return objectKind.yamlKey(); }

        public String describe() {
            StringBuilder b = new StringBuilder(objectKind.yamlKey());
            if (table != null) b.append(" of ").append(table);
            if (!exist.isEmpty()) b.append(", ").append(exist.size()).append(" present");
            if (!absent.isEmpty()) b.append(", ").append(absent.size()).append(" absent");
            if (exact != null) b.append(", exactly ").append(exact.size());
            if (count != null) b.append(", count ").append(count.describe());
            return b.toString();
        }
    }

    /** A named object expected in the catalog, with the properties the runbook cares about (all as text). */
    record ObjectSpec(String name, Map<String, String> properties) {
        public ObjectSpec {
            java.util.Objects.requireNonNull(name, "name");
            properties = Map.copyOf(properties);
        }
    }

    /**
     * Records exact row counts and the schema under a name, for {@code rowCounts}, {@code schemaDiff} and
     * {@code restored}.
     *
     * @param tables    row-count tables; empty with {@code allTables} counts every table of the schema
     * @param checksums tables whose content checksum the snapshot records, for a later {@code restored} check; each
     *                  is a full read of the table
     */
    record Snapshot(Meta meta, String name, List<String> tables, boolean allTables, String schema,
                    List<HotQuery> queries, List<String> checksums) implements CheckSpec {
        public Snapshot {
            requireText(name, "a snapshot needs a name");
            tables = List.copyOf(tables);
            queries = queries == null ? List.of() : List.copyOf(queries);
            if (queries.stream().map(HotQuery::name).distinct().count() != queries.size()) {
                throw new IllegalArgumentException("each hot query of a snapshot needs its own name");
            }
            checksums = checksums == null ? List.of() : List.copyOf(checksums);
            checksums.forEach(t -> requireText(t, "a checksum names its table"));
            if (checksums.stream().distinct().count() != checksums.size()) {
                throw new IllegalArgumentException("a snapshot checksums each table once");
            }
        }

        /** A snapshot that records no content checksum. */
        public Snapshot(Meta meta, String name, List<String> tables, boolean allTables, String schema,
                        List<HotQuery> queries) {
            this(meta, name, tables, allTables, schema, queries, List.of());
        }

        /** A snapshot of row counts and schema only, with no hot query timed and no checksum. */
        public Snapshot(Meta meta, String name, List<String> tables, boolean allTables, String schema) {
            this(meta, name, tables, allTables, schema, List.of(), List.of());
        }
        public String kind() { return "snapshot"; }
        public String describe() {
            return "snapshot '" + name + "' of " + (allTables ? "all tables" : tables.size() + " tables")
                    + (queries.isEmpty() ? "" : ", " + queries.size() + " hot " + (queries.size() == 1 ? "query"
                    : "queries") + " timed")
                    + (checksums.isEmpty() ? "" : ", " + checksums.size() + " content "
                    + (checksums.size() == 1 ? "checksum" : "checksums"));
        }
    }

    /** Fewest timed runs of a hot query: a median of fewer would rest on one or two samples. */
    int MIN_RUNS = 3;
    /** Most timed runs: each runs the query for real, within the check's timeout. */
    int MAX_RUNS = 100;
    /** Timed runs of a hot query when the runbook does not say (after one untimed warm-up run). */
    int DEFAULT_RUNS = 5;

    /**
     * A hot query a snapshot times for a later {@link ExplainCompare}: its plan and the execution times of
     * {@code runs} EXPLAIN ANALYZE runs after a warm-up. The statement runs for real, read-only.
     */
    record HotQuery(String name, String sql, int runs) {
        public HotQuery {
            requireText(name, "a hot query needs a name");
            requireText(sql, "a hot query needs its SQL");
            requireRuns(runs);
        }
    }

    private static void requireRuns(int runs) {
        if (runs < MIN_RUNS || runs > MAX_RUNS) {
            throw new IllegalArgumentException("runs must be between " + MIN_RUNS + " and " + MAX_RUNS);
        }
    }

    /**
     * Row counts now against a snapshot.
     *
     * @param tables  tables to compare (snapshot names); empty means every table the snapshot counted
     * @param map     old name to new name(s); several new names are compared by their sum (a split)
     * @param dropped snapshot tables that are meant to be gone
     */
    record RowCounts(Meta meta, String compareTo, List<String> tables, Map<String, List<String>> map,
                     List<String> dropped, Tolerance tolerance) implements CheckSpec {
        public RowCounts {
            requireText(compareTo, "a rowCounts check needs the snapshot it compares to");
            tables = List.copyOf(tables);
            map = Map.copyOf(map);
            dropped = List.copyOf(dropped);
            tolerance = tolerance == null ? Tolerance.EXACT : tolerance;
        }
        public String kind() { return "rowCounts"; }
        public String describe() { return "row counts vs '" + compareTo + "' " + tolerance.describe(); }
    }

    /**
     * The database is back at a snapshot taken earlier (after a rollback): PASSED only when the schema shows no change
     * at all against it, the row count of every table it counted is exactly the same (except the tables in
     * {@code countsMayDiffer}), and each table in {@code checksums} has the content checksum the snapshot recorded.
     * Whatever it cannot compare (no such snapshot in the session, a table gone, a checksum never recorded) is ERROR.
     *
     * @param baseline        the snapshot's name
     * @param countsMayDiffer tables the snapshot counted whose counts may legitimately differ now (an audit log the
     *                        rollback itself writes to)
     * @param checksums       tables whose content must equal the snapshot's, by the checksum it recorded for them
     * @param ignore          what the schema comparison leaves out: nothing in a runbook; owners and privileges in a
     *                        rehearsal, whose copy was restored without them
     */
    record Restored(Meta meta, String baseline, List<String> countsMayDiffer, List<String> checksums,
                    java.util.Set<Ignorable> ignore) implements CheckSpec {
        /** The proof as a runbook writes it: every owner, privilege and comment counts. */
        public Restored(Meta meta, String baseline, List<String> countsMayDiffer, List<String> checksums) {
            this(meta, baseline, countsMayDiffer, checksums, java.util.Set.of());
        }

        public Restored {
            ignore = ignore == null || ignore.isEmpty() ? java.util.Set.of()
                    : java.util.Set.copyOf(java.util.EnumSet.copyOf(ignore));
            requireText(baseline, "a restored check needs the baseline snapshot it compares to");
            countsMayDiffer = countsMayDiffer == null ? List.of() : List.copyOf(countsMayDiffer);
            checksums = checksums == null ? List.of() : List.copyOf(checksums);
            countsMayDiffer.forEach(t -> requireText(t, "countsMayDiffer names tables"));
            checksums.forEach(t -> requireText(t, "checksums names tables"));
            if (checksums.stream().anyMatch(countsMayDiffer::contains)) {
                // A table whose row count may differ cannot also have to hold exactly the same rows.
                throw new IllegalArgumentException("a table is in countsMayDiffer or in checksums, not in both");
            }
        }
        public String kind() { return "restored"; }
        public String describe() {
            return "back at '" + baseline + "': no schema change, row counts equal"
                    + (countsMayDiffer.isEmpty() ? "" : " (except " + String.join(", ", countsMayDiffer) + ")")
                    + (checksums.isEmpty() ? "" : ", contents equal of " + String.join(", ", checksums));
        }
    }

    /** Allowed difference between a count before and after: absolute rows or a percentage of before. */
    record Tolerance(long rows, double percent) {
        public static final Tolerance EXACT = new Tolerance(0, 0);

        public boolean accepts(long before, long after) {
            long delta = Math.abs(after - before);
            return delta <= rows || (percent > 0 && delta <= Math.abs(before) * percent / 100.0);
        }

        public String describe() {
            if (rows == 0 && percent == 0) return "(exact)";
            return percent > 0 ? "(±" + percent + "%)" : "(±" + rows + " rows)";
        }
    }

    /**
     * Schema now against a snapshot. Every change must be declared; declared changes that did not happen fail too.
     * Entries are {@code kind:name} patterns ({@code table:users}, {@code index:users_*}, {@code column:users.email}).
     */
    record SchemaDiff(Meta meta, String compareTo, List<String> added, List<String> removed, List<String> changed,
                      Map<String, String> renamed, java.util.Set<Ignorable> ignore) implements CheckSpec {
        public SchemaDiff {
            requireText(compareTo, "a schemaDiff check needs the snapshot it compares to");
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            changed = List.copyOf(changed);
            renamed = Map.copyOf(renamed);
            ignore = ignore.isEmpty() ? java.util.Set.of() : java.util.Set.copyOf(java.util.EnumSet.copyOf(ignore));
        }

        /** A schemaDiff that compares everything: owners, privileges and comments count. */
        public SchemaDiff(Meta meta, String compareTo, List<String> added, List<String> removed, List<String> changed,
                          Map<String, String> renamed) {
            this(meta, compareTo, added, removed, changed, renamed, java.util.Set.of());
        }
        public String kind() { return "schemaDiff"; }
        public String describe() { return "schema vs '" + compareTo + "'"; }
    }

    /**
     * Classes of schema change a {@code schemaDiff} may leave out ({@code ignore: [comments]}); by default every
     * one of them counts, as pg_dump writes them all.
     */
    enum Ignorable {
        COMMENTS("comments"), PRIVILEGES("privileges"), OWNERS("owners");

        private final String yamlName;

        Ignorable(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() { return yamlName; }

        public static java.util.Optional<Ignorable> ofYamlName(String name) {
            return java.util.Arrays.stream(values()).filter(i -> i.yamlName.equals(name)).findFirst();
        }
    }

    enum PlanExpectation { INDEX_SCAN, NO_SEQ_SCAN, MAX_COST }

    /**
     * A query's plan. {@code INDEX_SCAN}: an index is used (on {@code table} when given) and that table is never
     * read by a Seq Scan; {@code NO_SEQ_SCAN}: no Seq Scan (on {@code table} when given); {@code MAX_COST}: the
     * planner's total cost stays at or below {@code maxCost}.
     */
    record Explain(Meta meta, String sql, PlanExpectation expect, String table, Double maxCost, boolean analyze)
            implements CheckSpec {
        public Explain {
            requireText(sql, "an explain check needs its SQL");
            java.util.Objects.requireNonNull(expect, "expect");
            if ((expect == PlanExpectation.MAX_COST) != (maxCost != null)) {
                throw new IllegalArgumentException("maxCost goes with expect MAX_COST, and only with it");
            }
            if (maxCost != null && (maxCost.isNaN() || maxCost < 0)) {
                throw new IllegalArgumentException("maxCost must be a number of at least 0");
            }
        }
        public String kind() { return "explain"; }
        public String describe() {
            return switch (expect) {
                case INDEX_SCAN -> "plan uses an index" + (table == null ? "" : " on " + table);
                case NO_SEQ_SCAN -> "plan has no Seq Scan" + (table == null ? "" : " on " + table);
                case MAX_COST -> "plan cost <= " + maxCost;
            };
        }
    }

    /**
     * A hot query now against the baseline a snapshot recorded for it: FAILS when its median execution time grew by
     * more than {@code slowerByPercent} (and its runs moved clear of the baseline's) or its plan lost an index it
     * used; ERROR when there is no baseline or the timings are too noisy to tell
     * (docs/decisions/0010-query-baselines.md has the rule).
     *
     * @param query the baseline's name in the snapshot; null to find it by {@code sql}
     * @param sql   the query to time now (a migration that renames a table gives the new text here, with
     *              {@code query} naming the baseline); the loader fills in the snapshot's SQL when the runbook gives
     *              none, and null runs the SQL the baseline recorded
     * @param runs  timed runs now; null for as many as the baseline had
     */
    record ExplainCompare(Meta meta, String compareTo, String query, String sql, double slowerByPercent,
                          Integer runs) implements CheckSpec {
        public ExplainCompare {
            requireText(compareTo, "a plan comparison needs the snapshot it compares to");
            if ((query == null || query.isBlank()) && (sql == null || sql.isBlank())) {
                throw new IllegalArgumentException("a plan comparison needs the query's name or its SQL");
            }
            if (Double.isNaN(slowerByPercent) || slowerByPercent < 0) {
                throw new IllegalArgumentException("slowerBy must be a percentage of at least 0");
            }
            if (runs != null) requireRuns(runs);
        }
        public String kind() { return "explain"; }
        public String describe() {
            return (query == null ? "query" : "'" + query + "'") + " at most " + percent(slowerByPercent)
                    + " slower than in '" + compareTo + "', indexes kept";
        }

        static String percent(double p) {
            return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
        }
    }

    /**
     * A statement is rejected with a SQLSTATE ({@code rejects}) or accepted ({@code accepts}), in a transaction
     * that is always rolled back. {@code setup} runs first in the same transaction.
     */
    record Statement(Meta meta, boolean expectRejection, String setup, String sql, String sqlstate,
                     String messageContains) implements CheckSpec {
        public Statement {
            requireText(sql, "a rejects or accepts check needs its SQL");
            if (expectRejection && sqlstate == null && messageContains == null) {
                // Any failure at all (a typo, a missing table) would pass it.
                throw new IllegalArgumentException("a rejects check needs sqlstate or message");
            }
            if (!expectRejection && (sqlstate != null || messageContains != null)) {
                throw new IllegalArgumentException("an accepts check has no sqlstate or message");
            }
        }
        public String kind() { return expectRejection ? "rejects" : "accepts"; }
        public String describe() {
            return expectRejection ? "rejected" + (sqlstate == null ? "" : " with SQLSTATE " + sqlstate) : "accepted";
        }
    }

    /**
     * Other activity on the database is within limits. A null limit is not checked.
     *
     * @param longTransactionAge a transaction open longer than this counts as long
     */
    record Activity(Meta meta, Integer otherSessions, Integer longTransactions, Duration longTransactionAge,
                    Integer blockingLocks) implements CheckSpec {
        public Activity {
            if (otherSessions == null && longTransactions == null && blockingLocks == null) {
                throw new IllegalArgumentException("an activity check needs a limit");
            }
            for (Integer limit : new Integer[] {otherSessions, longTransactions, blockingLocks}) {
                if (limit != null && limit < 0) throw new IllegalArgumentException("a limit cannot be negative");
            }
            if (longTransactions != null && (longTransactionAge == null || longTransactionAge.isNegative()
                    || longTransactionAge.isZero())) {
                throw new IllegalArgumentException("longTransactions needs a positive longTransactionAge");
            }
        }
        public String kind() { return "activity"; }
        public String describe() {
            StringBuilder b = new StringBuilder("activity:");
            if (otherSessions != null) b.append(" other sessions <= ").append(otherSessions);
            if (longTransactions != null) b.append(" long transactions <= ").append(longTransactions);
            if (blockingLocks != null) b.append(" blocking locks <= ").append(blockingLocks);
            return b.toString();
        }
    }

    /** The operator confirms something a machine cannot check, with a note where required. */
    record Manual(Meta meta, String text, boolean requireNote) implements CheckSpec {
        public Manual {
            requireText(text, "a manual check says what the operator confirms");
        }
        public String kind() { return "manual"; }
        public String describe() { return text; }
    }

    /**
     * A check that changes the target for good: approved before it runs, journaled before it starts, never run
     * twice, and never waived when it did not complete.
     */
    sealed interface Writer extends CheckSpec permits Execute, Command {
        /** How to undo it, run only by a rollback; null when the runbook declares none. */
        Rollback rollback();
    }

    /**
     * A writer's way back: what undoes it ({@link Execute} for a SQL file, {@link Command} for the team's tool; never
     * with a rollback of its own) and the options of the {@code restored} proof that runs after the rollbacks.
     *
     * @param baseline        the snapshot the database must be back at; null: the last snapshot taken before the
     *                        first applied writer
     * @param countsMayDiffer tables whose row counts may legitimately differ from the baseline's
     * @param checksums       tables whose content checksums (recorded by the baseline snapshot) must match
     */
    record Rollback(Writer undo, String baseline, List<String> countsMayDiffer, List<String> checksums) {
        public Rollback {
            java.util.Objects.requireNonNull(undo, "a rollback needs what undoes the writer");
            if (undo.rollback() != null) throw new IllegalArgumentException("a rollback has no rollback of its own");
            if (undo instanceof Command c && !c.verify().isEmpty()) {
                throw new IllegalArgumentException("a rollback command has no verify checks; the proof checks it");
            }
            countsMayDiffer = countsMayDiffer == null ? List.of() : List.copyOf(countsMayDiffer);
            checksums = checksums == null ? List.of() : List.copyOf(checksums);
        }
    }

    /**
     * Runs a migration SQL file; the only check that writes for good. Needs confirmation.
     *
     * @param lockTimeout how long one statement waits for a lock before it fails ({@code lock_timeout})
     * @param lockRetries how many more attempts follow a lock timeout that left nothing applied (a transaction
     *                    rolled back whole, or the first statement of a file without one), with a growing pause
     * @param rollback    how to undo it; null when the runbook declares none
     */
    record Execute(Meta meta, Path file, boolean transaction, List<String> expectNotices, java.time.Duration lockTimeout,
                   int lockRetries, Rollback rollback) implements Writer {
        /** Today's default: a migration never queues behind traffic for longer than this. */
        public static final java.time.Duration DEFAULT_LOCK_TIMEOUT = java.time.Duration.ofSeconds(5);

        public Execute {
            java.util.Objects.requireNonNull(file, "file");
            expectNotices = List.copyOf(expectNotices);
            if (lockTimeout == null) lockTimeout = DEFAULT_LOCK_TIMEOUT;
            if (lockTimeout.isNegative() || lockTimeout.isZero()) {
                throw new IllegalArgumentException("a lock timeout is longer than zero");
            }
            if (lockRetries < 0) throw new IllegalArgumentException("lock retries are 0 or more");
        }

        /** A SQL file with the default lock timeout, no retries and no way back declared. */
        public Execute(Meta meta, Path file, boolean transaction, List<String> expectNotices) {
            this(meta, file, transaction, expectNotices, DEFAULT_LOCK_TIMEOUT, 0, null);
        }
        public String kind() { return "execute"; }
        public String describe() { return "execute " + file + (transaction ? " in a transaction" : ""); }
    }

    /**
     * Runs the team's own migration tool against the connected target (a {@code sh -c} line or an argv list) and
     * judges it by its exit code and what it printed. A writer exactly like {@link Execute}.
     *
     * @param run          what runs
     * @param cwd          working directory (resolved against the runbook's folder)
     * @param env          extra variables; values may reference the target's as {@code ${PGHOST}}
     * @param expectOutput regexes that must each match some output line
     * @param rejectOutput regexes no output line may match
     * @param rollback     how to undo it, run only by a rollback; null when none is declared
     * @param verify       read checks of the step that run on the target right after the command, in order; they
     *                     follow the command in {@link Step#checks()}
     */
    record Command(Meta meta, Run run, Path cwd, Map<String, String> env, int expectExit, List<String> expectOutput,
                   List<String> rejectOutput, Rollback rollback, List<CheckSpec> verify) implements Writer, Program {
        public Command {
            java.util.Objects.requireNonNull(run, "a command check needs what to run");
            java.util.Objects.requireNonNull(cwd, "cwd");
            env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
            expectOutput = List.copyOf(expectOutput);
            rejectOutput = List.copyOf(rejectOutput);
            verify = List.copyOf(verify);
            // A pattern that does not compile would make the check fail (or pass) for a reason nobody wrote.
            expectOutput.forEach(java.util.regex.Pattern::compile);
            rejectOutput.forEach(java.util.regex.Pattern::compile);
            if (verify.stream().anyMatch(v -> v instanceof Writer || v instanceof Manual || v instanceof Signoff
                    || v instanceof Snapshot)) {
                throw new IllegalArgumentException("a command's verify checks only read");
            }
        }
        public String kind() { return "command"; }
        public String describe() { return "command " + run.shown(); }
    }

    /**
     * What {@link Command} and {@link StatusCommand} share: a program run against the connected target, judged by its
     * exit code and by regexes over its output lines.
     */
    interface Program {
        Meta meta();
        Run run();
        Path cwd();
        Map<String, String> env();
        int expectExit();
        List<String> expectOutput();
        List<String> rejectOutput();
    }

    /**
     * Runs a migration tool's status command ({@code alembic current}, {@code flyway info}) against the connected
     * target and judges its exit code and output, like a {@link Command}, but as a check: no migration lock, no
     * "never twice", run again whenever the step runs. The tool promises it only reads; Runbook Pilot cannot prove
     * that, so on production a step holding one is approved first, and libpq-based tools get
     * {@code default_transaction_read_only} (ADR 0032).
     *
     * @param expectOutput regexes that must each match some output line
     * @param rejectOutput regexes no output line may match
     */
    record StatusCommand(Meta meta, Run run, Path cwd, Map<String, String> env, int expectExit,
                         List<String> expectOutput, List<String> rejectOutput) implements CheckSpec, Program {
        public StatusCommand {
            java.util.Objects.requireNonNull(run, "a statusCommand check needs what to run");
            java.util.Objects.requireNonNull(cwd, "cwd");
            env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
            expectOutput = List.copyOf(expectOutput);
            rejectOutput = List.copyOf(rejectOutput);
            expectOutput.forEach(java.util.regex.Pattern::compile);
            rejectOutput.forEach(java.util.regex.Pattern::compile);
            if (meta.timeout().isZero()) {
                // A status command that never ends would hold the step open forever, and a check always ends.
                throw new IllegalArgumentException("a statusCommand check needs a timeout longer than zero");
            }
        }
        public String kind() { return "statusCommand"; }
        public String describe() { return "status of " + run.shown(); }
    }

    /**
     * A program to run: a shell line (run as {@code sh -c LINE}) or an argv list run as is, without a shell.
     * Exactly one of the two is set.
     */
    record Run(String shell, List<String> argv) {
        public Run {
            argv = argv == null ? List.of() : List.copyOf(argv);
            if ((shell == null || shell.isBlank()) == argv.isEmpty()) {
                throw new IllegalArgumentException("a command is a shell line or an argv list");
            }
            if (!argv.isEmpty() && argv.get(0).isBlank()) throw new IllegalArgumentException("no program to run");
        }

        /** The program and arguments handed to the operating system. */
        public List<String> program() {
            return shell != null ? List.of("sh", "-c", shell) : argv;
        }

        /** The command line as the operator reads it: the shell line, or the argv list quoted for a shell. */
        public String shown() {
            if (shell != null) return shell;
            return argv.stream().map(Run::quote).collect(java.util.stream.Collectors.joining(" "));
        }

        private static String quote(String arg) {
            if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_@%+=:,./-]+")) return arg;
            return "'" + arg.replace("'", "'\\''") + "'";
        }
    }

    /**
     * Takes a backup of the connected database with {@code pg_dump} and proves it: read back with
     * {@code pg_restore --list}, or restored into a scratch database whose row counts must equal those counted in
     * the snapshot the dump saw. Reads the target only (unless the scratch database is on the target itself).
     *
     * @param dir     where the dump goes ({@code ~} expanded and relative paths resolved by the loader)
     * @param jobs    parallel jobs of pg_dump (directory format only) and of pg_restore
     * @param scratch where a restore drill restores; null with {@code verify: list}
     */
    record Backup(Meta meta, Path dir, BackupFormat format, int jobs, BackupVerify verify, Scratch scratch)
            implements CheckSpec {
        public Backup {
            java.util.Objects.requireNonNull(dir, "dir");
            java.util.Objects.requireNonNull(format, "format");
            java.util.Objects.requireNonNull(verify, "verify");
            if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1");
            if (jobs > 1 && format != BackupFormat.DIRECTORY) {
                throw new IllegalArgumentException("pg_dump runs parallel jobs only in the directory format");
            }
            if (verify == BackupVerify.RESTORE && scratch == null) scratch = Scratch.EMBEDDED;
            if (verify == BackupVerify.LIST && scratch != null) {
                throw new IllegalArgumentException("a scratch database is only used by verify: restore");
            }
        }
        public String kind() { return "backup"; }
        public String describe() {
            return "backup (" + format.yamlName() + ") proven by " + (verify == BackupVerify.LIST
                    ? "pg_restore --list" : "a restore into " + scratch.describe());
        }
    }

    enum BackupFormat {
        CUSTOM("custom"), DIRECTORY("directory");

        private final String yamlName;

        BackupFormat(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() { return yamlName; }
    }

    enum BackupVerify {
        LIST("list"), RESTORE("restore");

        private final String yamlName;

        BackupVerify(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() { return yamlName; }
    }

    /**
     * Where a restore drill restores: a throw-away embedded server, the target server itself (explicit opt-in), or
     * another server named by a libpq connection string or URI without a password ({@code connection}).
     */
    record Scratch(ScratchKind where, String connection) {
        public static final Scratch EMBEDDED = new Scratch(ScratchKind.EMBEDDED, null);
        public static final Scratch TARGET = new Scratch(ScratchKind.TARGET, null);

        public Scratch {
            java.util.Objects.requireNonNull(where, "where");
            if ((where == ScratchKind.SERVER) != (connection != null && !connection.isBlank())) {
                throw new IllegalArgumentException("a scratch server is named by its connection, and only it");
            }
        }

        public String describe() {
            return switch (where) {
                case EMBEDDED -> "a throw-away embedded PostgreSQL";
                case TARGET -> "a scratch database on the target server";
                case SERVER -> "a scratch database on " + connection;
            };
        }
    }

    enum ScratchKind { EMBEDDED, TARGET, SERVER }

    private static void requireText(String value, String message) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(message);
    }

    /** Named people sign in their roles. */
    record Signoff(Meta meta, List<String> roles) implements CheckSpec {
        public Signoff {
            roles = List.copyOf(roles);
            if (roles.isEmpty()) throw new IllegalArgumentException("a sign-off needs at least one role");
            roles.forEach(r -> requireText(r, "a sign-off role needs a name"));
        }
        public String kind() { return "signoff"; }
        public String describe() { return "sign-off by " + String.join(", ", roles); }
    }


    /**
     * How long the step's writer may take ({@code expectDuration:} on its step): judged from the writer's journaled
     * result, after it. A slower migration stays applied; this check FAILS and, unlike the writer, may be waived.
     *
     * @param limit     the planned duration
     * @param inclusive {@code <=} (true) or {@code <} (false)
     * @param writer    the index of the writer in its step
     */
    record ExpectDuration(Meta meta, Duration limit, boolean inclusive, int writer) implements CheckSpec {
        public ExpectDuration {
            java.util.Objects.requireNonNull(limit, "limit");
            if (limit.isNegative() || limit.isZero()) throw new IllegalArgumentException("a planned duration is > 0");
            if (writer < 0) throw new IllegalArgumentException("an expected duration times a writer of its step");
        }

        /** Whether a run of {@code millis} is within the plan. */
        public boolean accepts(long millis) {
            return inclusive ? millis <= limit.toMillis() : millis < limit.toMillis();
        }

        public String kind() { return "duration"; }
        public String describe() {
            return "runs in " + (inclusive ? "<= " : "< ") + dev.runbookpilot.io.Durations.human(limit);
        }
    }

    /**
     * A go/no-go decision: every role answers GO before any later phase opens; one NO-GO (with its reason) ends the
     * window as ABORTED.
     */
    record Gate(Meta meta, List<String> roles, String question) implements CheckSpec {
        public Gate {
            roles = List.copyOf(roles);
            if (roles.isEmpty()) throw new IllegalArgumentException("a gate needs at least one role");
            roles.forEach(r -> requireText(r, "a gate role needs a name"));
            if (roles.stream().distinct().count() != roles.size()) {
                throw new IllegalArgumentException("each role answers a gate once");
            }
            requireText(question, "a gate asks its question");
        }
        public String kind() { return "gate"; }
        public String describe() { return question + " (GO from " + String.join(", ", roles) + ")"; }
    }

}
