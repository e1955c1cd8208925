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

    private static final Path RUNBOOKS = TestPostgres.projectDir().resolve("runbooks");
    private static final Path BROKEN = TestPostgres.projectDir().resolve("src/test/resources/broken-migrations");

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
            assertThat(execute(runbook).file()).as(name).isEqualTo(
                    RUNBOOKS.resolve(name).resolve("demo/migration.sql").toAbsolutePath().normalize());
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void migrationRaisesTheExpectedNoticesAndRollbackRestoresTheBeforeState(String name) throws Exception {
        Runbook runbook = runbook(name);
        String db = freshSample(name);
        List<String> tablesBefore = tables(db);
        Map<String, Long> countsBefore = rowCounts(db);
        assertThat(countsBefore.values().stream().mapToLong(Long::longValue).max().orElse(0))
                .as("rows in the largest table of " + name).isGreaterThanOrEqualTo(100_000);

        List<String> notices = runInTransaction(db, demo(name, "migration.sql"));
        assertThat(notices).as("notices of " + name).containsAll(execute(runbook).expectNotices());
        assertThat(tables(db)).isNotEqualTo(tablesBefore);

        runInTransaction(db, demo(name, "rollback.sql"));
        assertThat(tables(db)).as("tables after rollback").isEqualTo(tablesBefore);
        assertThat(rowCounts(db)).as("row counts after rollback").isEqualTo(countsBefore);
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
        assertThat(notices).containsAll(execute(runbook).expectNotices());
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

    // ------------------------------------------------------------------ helpers

    private static Runbook runbook(String name) throws Exception {
        return RunbookLoader.load(RUNBOOKS.resolve(name).resolve("runbook.yaml"));
    }

    private static CheckSpec.Execute execute(Runbook runbook) {
        return runbook.phases().stream().flatMap(p -> p.steps().stream()).flatMap(s -> s.checks().stream())
                .filter(c -> c instanceof CheckSpec.Execute).map(c -> (CheckSpec.Execute) c)
                .findFirst().orElseThrow(() -> new AssertionError("no execute step in " + runbook.title()));
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
}
