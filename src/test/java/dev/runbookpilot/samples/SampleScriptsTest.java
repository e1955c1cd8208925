package dev.runbookpilot.samples;

import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample runbooks' demo scripts against a real PostgreSQL: each before-state builds from an empty database,
 * each migration runs as the tool runs it (one multi-statement string in a transaction) and raises the notices its
 * runbook expects, each rollback restores the before-state, and the facts the runbook checks hold before and after.
 */
class SampleScriptsTest {

    static final List<String> SAMPLES = List.of("schema-alignment", "schema-fixes-3.7.0", "staging-core-schema",
            "production-cleanup", "alembic-upgrade");

    private static final List<String> RETIRED = List.of("quests", "quest_moves", "quest_milestones",
            "capability_nodes", "maneuver_prerequisites", "quick_wins", "cohort_relations", "move_decisions",
            "notifications");

    /** Tables a sample's rollback recreates without their rows (those come from the pre-migration backup). */
    private static final Map<String, List<String>> RESTORED_EMPTY = Map.of("production-cleanup", RETIRED);

    /**
     * For each broken migration, queries that return true when its deliberate defect is in the database: proof
     * that the fixture really carries the mistake its expected-failures file says the runbook catches.
     */
    private static final Map<String, List<String>> DEFECTS = Map.of(
            "schema-alignment", List.of(
                    "SELECT (SELECT count(*) FROM technology_templates) + (SELECT count(*) FROM technology_patterns)"
                            + " = 5000",
                    "SELECT to_regclass('public.technology_templates_identifier_index') IS NULL"),
            "schema-fixes-3.7.0", List.of(
                    "SELECT format_type(atttypid, atttypmod) = 'character varying(255)' FROM pg_attribute"
                            + " WHERE attrelid = 'attention_checks'::regclass AND attname = 'image_id'",
                    "SELECT to_regclass('public.payments_created_pending') IS NULL",
                    "SELECT count(*) = 9 FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '%WHERE%'"),
            "staging-core-schema", List.of(
                    "SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'jobs_job_type_idempotency_key_key')",
                    "SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'trg_prevent_audit_delete')"),
            "production-cleanup", List.of(
                    "SELECT count(*) > 0 FROM agent_trust_scores WHERE workspace_id IS NULL",
                    "SELECT NOT attnotnull FROM pg_attribute"
                            + " WHERE attrelid = 'agent_trust_scores'::regclass AND attname = 'workspace_id'"),
            "alembic-upgrade", List.of("SELECT to_regclass('public.ix_reports_user_id') IS NULL"));

    /** Plans the broken variants must degrade (the runbooks' explain checks that are expected to fail). */
    private static final Map<String, String> DEGRADED_PLANS = Map.of(
            "schema-alignment", "SELECT * FROM technology_templates WHERE identifier = 'test'",
            "schema-fixes-3.7.0", "SELECT * FROM payments WHERE status = 'pending' ORDER BY created_at LIMIT 50",
            "alembic-upgrade", "SELECT * FROM reports WHERE user_id = 42");

    private static final Path RUNBOOKS = TestPostgres.projectDir().resolve("runbooks");
    private static final Path BROKEN = TestPostgres.projectDir().resolve("src/test/resources/broken-migrations");

    private static final String IMAGE_ID_TYPES = "SELECT count(DISTINCT format_type(atttypid, atttypmod))"
            + " FROM pg_attribute WHERE attrelid IN ('attention_checks'::regclass, 'images'::regclass)"
            + " AND attname = 'image_id'";
    private static final String PARTIAL_INDEXES =
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '%WHERE%'";
    private static final String FOREIGN_KEYS = "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n"
            + " ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.contype = 'f'";

    /** Columns, indexes, constraints, triggers, policies, RLS flags and functions of public, one per line. */
    private static final String SCHEMA_FINGERPRINT = """
            SELECT string_agg(x, E'\\n' ORDER BY x) FROM (
              SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                     || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
              WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                AND a.attnum > 0 AND NOT a.attisdropped
              UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
              UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
              FROM pg_constraint WHERE connamespace = 'public'::regnamespace
              UNION ALL SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname FROM pg_trigger t
              JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
              UNION ALL SELECT 'policy ' || tablename || '.' || policyname || ' ' || coalesce(qual, '')
              FROM pg_policies WHERE schemaname = 'public'
              UNION ALL SELECT 'rls ' || relname FROM pg_class
              WHERE relnamespace = 'public'::regnamespace AND relrowsecurity
              UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
            ) f(x)""";

    static Stream<String> samples() {
        return SAMPLES.stream();
    }

    @Test
    void everySampleRunbookLoadsWithoutProblemsAndNamesItsDatabase() throws Exception {
        List<String> found;
        try (Stream<Path> dirs = Files.list(RUNBOOKS)) {
            found = dirs.filter(d -> Files.isRegularFile(d.resolve("runbook.yaml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(SAMPLES);
        for (String name : found) {
            Runbook runbook = RunbookLoader.load(RUNBOOKS.resolve(name).resolve("runbook.yaml"));
            assertThat(runbook.target().database()).as(name).matches("[a-z_][a-z0-9_]*");
            assertThat(runbook.phases()).as(name).extracting(Phase::name)
                    .containsExactly("Pre-migration", "Execute", "Verify", "Sign-off");
            assertThat(migration(runbook).file()).as(name).isEqualTo(
                    RUNBOOKS.resolve(name).resolve("demo/migration.sql").toAbsolutePath().normalize());
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void migrationRaisesTheExpectedNoticesAndRollbackRestoresTheBeforeState(String name) throws Exception {
        Runbook runbook = runbook(name);
        String db = freshSample(name);
        List<String> tablesBefore = tables(db);
        String schemaBefore = text(db, SCHEMA_FINGERPRINT);
        Map<String, Long> countsBefore = rowCounts(db);
        assertThat(countsBefore.values().stream().mapToLong(Long::longValue).max().orElse(0))
                .as("rows in the largest table of " + name).isGreaterThanOrEqualTo(100_000);

        List<String> notices = runInTransaction(db, demo(name, "migration.sql"));
        migration(runbook).assertRaised(notices, name);
        assertThat(text(db, SCHEMA_FINGERPRINT)).as("schema after the migration").isNotEqualTo(schemaBefore);

        runInTransaction(db, demo(name, "rollback.sql"));
        assertThat(tables(db)).as("tables after rollback").isEqualTo(tablesBefore);
        assertThat(text(db, SCHEMA_FINGERPRINT)).as("schema after rollback").isEqualTo(schemaBefore);
        // Dropped tables come back empty: their rows exist only in the backup the runbook requires.
        Map<String, Long> expectedAfterRollback = new LinkedHashMap<>(countsBefore);
        RESTORED_EMPTY.getOrDefault(name, List.of()).forEach(t -> expectedAfterRollback.put(t, 0L));
        assertThat(rowCounts(db)).as("row counts after rollback").isEqualTo(expectedAfterRollback);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void brokenMigrationRunsCleanlyAndNamesOnlyVerifyChecksThatExist(String name) throws Exception {
        Runbook runbook = runbook(name);
        Phase verify = runbook.phases().stream().filter(p -> p.name().equals("Verify")).findFirst().orElseThrow();
        List<String> expected = Files.readAllLines(BROKEN.resolve(name + ".expected-failures.txt"),
                StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertThat(expected).as("expected failures of " + name).isNotEmpty().doesNotHaveDuplicates();
        for (String entry : expected) {
            assertThat(entry).matches("[A-Za-z0-9][A-Za-z0-9_.-]*#\\d+");
            String stepId = entry.substring(0, entry.indexOf('#'));
            int index = Integer.parseInt(entry.substring(entry.indexOf('#') + 1));
            Step step = verify.steps().stream().filter(s -> s.id().equals(stepId)).findFirst().orElse(null);
            assertThat(step).as(entry + " names a Verify step").isNotNull();
            assertThat(index).as(entry + " names one of the step's checks").isLessThan(step.checks().size());
        }

        // The broken variant must get past Execute exactly like the real one, so only Verify can catch it.
        String db = freshSample(name);
        List<String> notices = runInTransaction(db, BROKEN.resolve(name + ".sql"));
        migration(runbook).assertRaised(notices, name);
        for (String defect : DEFECTS.get(name)) assertThat(bool(db, defect)).as(defect).isTrue();
        if (DEGRADED_PLANS.containsKey(name)) {
            assertThat(plan(db, DEGRADED_PLANS.get(name))).contains("Seq Scan");
        }
    }

    // ------------------------------------------------------------------ per-sample facts

    @Test
    void schemaAlignmentRenamesAndSplitsWithoutLosingRows() throws Exception {
        String db = freshSample("schema-alignment");
        long events = scalar(db, "SELECT count(*) FROM detection_events");
        long sessions = scalar(db, "SELECT count(*) FROM git_sessions");
        long knowledge = scalar(db, "SELECT count(*) FROM technology_knowledge");
        assertThat(knowledge).isGreaterThan(scalar(db,
                "SELECT count(*) FROM technology_knowledge WHERE kind IN ('template', 'pattern')"));

        runInTransaction(db, demo("schema-alignment", "migration.sql"));

        assertThat(tables(db)).contains("codebase_snapshots", "git_agent_sessions", "git_pending_merges",
                "git_merge_history", "technology_templates", "technology_patterns")
                .doesNotContain("detection_events", "git_sessions", "technology_knowledge");
        assertThat(scalar(db, "SELECT count(*) FROM codebase_snapshots")).isEqualTo(events);
        assertThat(scalar(db, "SELECT count(*) FROM git_agent_sessions")).isEqualTo(sessions);
        assertThat(scalar(db, "SELECT (SELECT count(*) FROM technology_templates)"
                + " + (SELECT count(*) FROM technology_patterns)")).isEqualTo(knowledge);
        assertThat(scalar(db, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname IN ("
                + "'codebase_snapshots_codebase_id_snapshot_id_index', 'git_agent_sessions_agent_id_index',"
                + "'git_pending_merges_branch_index', 'technology_templates_identifier_index',"
                + "'technology_patterns_name_type_index') AND indexdef LIKE 'CREATE UNIQUE%'")).isEqualTo(5);
        assertThat(scalar(db, "SELECT count(*) FROM schema_migrations WHERE version = 20250101000014")).isEqualTo(1);
    }

    @Test
    void schemaFixesMoveFrom360To370AndRepairTheData() throws Exception {
        String db = freshSample("schema-fixes-3.7.0");
        assertThat(text(db, "SELECT value FROM database_metadata WHERE key = 'version'")).isEqualTo("3.6.0");
        assertThat(scalar(db, IMAGE_ID_TYPES)).isEqualTo(2);
        assertThat(scalar(db, PARTIAL_INDEXES)).isEqualTo(1);
        assertThat(scalar(db, "SELECT count(*) FROM attention_stats WHERE attention_score < 0 OR attention_score > 1"))
                .isPositive();
        assertThat(scalar(db, "SELECT count(*) FROM submissions WHERE ai_suspected AND quality_score IS NULL"))
                .isPositive();

        runInTransaction(db, demo("schema-fixes-3.7.0", "migration.sql"));

        assertThat(text(db, "SELECT value FROM database_metadata WHERE key = 'version'")).isEqualTo("3.7.0");
        assertThat(scalar(db, IMAGE_ID_TYPES)).isEqualTo(1);
        assertThat(text(db, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'attention_checks'::regclass AND attname = 'image_id'"))
                .isEqualTo("character varying(200)");
        assertThat(scalar(db, "SELECT count(*) FROM information_schema.check_constraints"
                + " WHERE constraint_name LIKE '%score%'")).isGreaterThanOrEqualTo(4);
        assertThat(scalar(db, PARTIAL_INDEXES)).isEqualTo(10);
        assertThat(scalar(db, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND (indexname LIKE '%_true'"
                + " OR indexname LIKE '%_paid' OR indexname LIKE '%_pending')")).isGreaterThanOrEqualTo(6);
        assertThat(scalar(db, "SELECT (SELECT count(*) FROM attention_stats WHERE attention_score < 0 OR attention_score > 1)"
                + " + (SELECT count(*) FROM submissions WHERE quality_score < 0 OR quality_score > 1)"
                + " + (SELECT count(*) FROM submissions WHERE ai_suspected AND quality_score IS NULL)")).isZero();
        assertThat(plan(db, "SELECT * FROM payments WHERE status = 'pending' ORDER BY created_at LIMIT 50"))
                .contains("payments_created_pending").doesNotContain("Seq Scan");
    }

    @Test
    void stagingCoreSchemaEnforcesIdempotencyApprovalAndAppendOnlyAudit() throws Exception {
        String db = freshSample("staging-core-schema");
        assertThat(tables(db)).containsExactly("schema_migrations", "users", "worker_queue");
        long legacyJobs = scalar(db, "SELECT count(*) FROM worker_queue");

        runInTransaction(db, demo("staging-core-schema", "migration.sql"));

        assertThat(tables(db)).contains("jobs", "users", "markets", "audit_event", "events", "snapshots",
                "channel_counters");
        assertThat(scalar(db, "SELECT count(*) FROM jobs")).isEqualTo(legacyJobs);
        String firstJob = "INSERT INTO jobs (idempotency_key, job_type, payload) VALUES ('test-001', 'manual_test', '{}')";
        assertThat(sqlstate(db, firstJob, firstJob)).isEqualTo("23505");
        assertThat(sqlstate(db, firstJob,
                "INSERT INTO jobs (idempotency_key, job_type, payload) VALUES ('test-001', 'different_type', '{}')"))
                .isNull();
        assertThat(sqlstate(db, null, "INSERT INTO markets (symbol, type, title, created_by, human_approval_audit_id)"
                + " VALUES ('TEST-MKT-2', 'economic', 'Test Market 2', (SELECT user_id FROM users LIMIT 1), NULL)"))
                .isEqualTo("23502");
        String audit = "INSERT INTO audit_event (action, actor_type) VALUES ('test_action', 'human')";
        assertThat(sqlstate(db, audit, "UPDATE audit_event SET action = 'modified'")).isEqualTo("AP001");
        assertThat(sqlstate(db, audit, "DELETE FROM audit_event")).isEqualTo("AP001");
        assertThat(scalar(db, "SELECT count(*) FROM audit_event")).as("every probe was rolled back").isZero();
        assertThat(plan(db, "SELECT * FROM jobs WHERE status = 'pending' AND next_attempt_at < now()"
                + " ORDER BY created_at LIMIT 10")).contains("Index").doesNotContain("Seq Scan");
    }

    @Test
    void productionCleanupGoesFrom52To43TablesAnd38To42ForeignKeys() throws Exception {
        String db = freshSample("production-cleanup");
        assertThat(tables(db)).hasSize(52).containsAll(RETIRED);
        assertThat(scalar(db, FOREIGN_KEYS)).isEqualTo(38);
        assertThat(scalar(db, "SELECT count(*) FROM pg_policies WHERE schemaname = 'public'")).isEqualTo(16);
        assertThat(scalar(db, "SELECT count(*) FROM agent_trust_scores WHERE workspace_id IS NULL")).isPositive();

        runInTransaction(db, demo("production-cleanup", "migration.sql"));

        assertThat(tables(db)).hasSize(43).doesNotContainAnyElementsOf(RETIRED);
        assertThat(scalar(db, FOREIGN_KEYS)).isEqualTo(42);
        assertThat(scalar(db, "SELECT count(*) FROM pg_policies WHERE schemaname = 'public'")).isEqualTo(18);
        assertThat(scalar(db, "SELECT count(*) FROM agent_trust_scores WHERE workspace_id IS NULL")).isZero();
        assertThat(scalar(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'agent_recommendations'"
                + " AND column_name IN ('workspace_id', 'outcome_status', 'outcome_quality_score')")).isEqualTo(3);
    }

    @Test
    void alembicUpgradeMovesToHeadAndAddsOnlyTheColumnAndIndex() throws Exception {
        String db = freshSample("alembic-upgrade");
        assertThat(text(db, "SELECT version_num FROM alembic_version")).isEqualTo("b7e1c9d2a4f0");
        long indexes = scalar(db, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'");

        runInTransaction(db, demo("alembic-upgrade", "migration.sql"));

        assertThat(text(db, "SELECT version_num FROM alembic_version")).isEqualTo("e4c2f81a9b3d");
        assertThat(text(db, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'payments'::regclass AND attname = 'external_reference'"))
                .isEqualTo("character varying(64)");
        assertThat(scalar(db, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")).isEqualTo(indexes + 1);
        assertThat(scalar(db, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")).isEqualTo(14);
        assertThat(scalar(db, FOREIGN_KEYS)).isEqualTo(3);
        assertThat(plan(db, "SELECT * FROM payments WHERE external_reference = 'INV-2025-000042'"))
                .contains("ix_payments_external_reference");
    }

    // ------------------------------------------------------------------ helpers

    private static Runbook runbook(String name) throws Exception {
        return RunbookLoader.load(RUNBOOKS.resolve(name).resolve("runbook.yaml"));
    }

    /**
     * A sample's migration: the file an {@code execute} step runs and the notices it expects, or the file a
     * {@code command} step hands to {@code psql -f} and the output patterns it expects (psql prints each notice as
     * {@code NOTICE:  text}).
     */
    private record Migration(Path file, List<String> notices, List<String> patterns) {
        void assertRaised(List<String> raised, String name) {
            assertThat(raised).as("notices of " + name).containsAll(notices);
            for (String p : patterns) {
                assertThat(raised).as("a notice of " + name + " matching /" + p + "/")
                        .anyMatch(n -> java.util.regex.Pattern.compile(p).matcher("NOTICE:  " + n).find());
            }
        }
    }

    private static Migration migration(Runbook runbook) {
        CheckSpec.Writer w = runbook.phases().stream().flatMap(p -> p.steps().stream())
                .flatMap(s -> s.checks().stream()).filter(c -> c instanceof CheckSpec.Writer)
                .map(c -> (CheckSpec.Writer) c).findFirst()
                .orElseThrow(() -> new AssertionError("no execute or command step in " + runbook.title()));
        if (w instanceof CheckSpec.Execute ex) return new Migration(ex.file(), ex.expectNotices(), List.of());
        CheckSpec.Command c = (CheckSpec.Command) w;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-f (\\S+)").matcher(c.run().shown());
        assertThat(m.find()).as("psql -f FILE in " + c.run().shown()).isTrue();
        return new Migration(c.cwd().resolve(m.group(1)).normalize(), List.of(), c.expectOutput());
    }

    private static Path demo(String name, String file) {
        return RUNBOOKS.resolve(name).resolve("demo").resolve(file);
    }

    /** A new database holding the sample's before-state, loaded the way the tool loads it. */
    private static String freshSample(String name) throws Exception {
        String db = TestPostgres.freshDatabase(name.replaceAll("[^a-z0-9]", "_"));
        TestPostgres.runScript(db, demo(name, "setup.sql"));
        return db;
    }

    /** Runs a script as one string inside BEGIN/COMMIT, as the tool's execute step does; returns its notices. */
    private static List<String> runInTransaction(String db, Path script) throws SQLException, IOException {
        String sql = Files.readString(script, StandardCharsets.UTF_8);
        List<String> notices = new ArrayList<>();
        try (Connection c = TestPostgres.connect(db)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) notices.add(w.getMessage());
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        return notices;
    }

    private static List<String> tables(String db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
            while (rs.next()) names.add(rs.getString(1));
        }
        return names;
    }

    private static Map<String, Long> rowCounts(String db) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String t : tables(db)) counts.put(t, scalar(db, "SELECT count(*) FROM public.\"" + t + "\""));
        return counts;
    }

    private static long scalar(String db, String sql) throws SQLException {
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from " + sql).isTrue();
            return rs.getLong(1);
        }
    }

    private static String text(String db, String sql) throws SQLException {
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from " + sql).isTrue();
            return rs.getString(1);
        }
    }

    private static boolean bool(String db, String sql) throws SQLException {
        return "t".equals(text(db, sql));
    }

    private static String plan(String db, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) plan.append(rs.getString(1)).append('\n');
        }
        return plan.toString();
    }

    /** Runs setup then sql in a transaction that is always rolled back; the SQLSTATE sql failed with, or null. */
    private static String sqlstate(String db, String setup, String sql) throws SQLException {
        try (Connection c = TestPostgres.connect(db)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (setup != null) s.execute(setup);
                s.execute(sql);
                return null;
            } catch (SQLException e) {
                return e.getSQLState();
            } finally {
                c.rollback();
            }
        }
    }
}
