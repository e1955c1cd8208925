package dev.runbookpilot.importer;

import dev.runbookpilot.check.CheckEngine;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.EvalContext;
import dev.runbookpilot.check.Snapshots;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.importer.CorpusTrace.Traced;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measuring corpus: checklists under {@code checklists/unseen/}, written in styles the importer was not developed
 * against, each with its ground truth ({@link CorpusTruth}). For each, the test imports it with the current importer,
 * counts the ground-truth statements that became an automated check ({@link CorpusTrace}), and runs the generated
 * checks through the real check engine: on the right state every check it can run must PASS, and on each wrong
 * state at least one check of every broken statement must not PASS — a check that passes when the checklist's
 * intent fails is the one defect that matters most. A check that errs on a wrong state stops the operator too, so it
 * counts as catching it; on the right state an error is a wrong check like a failure.
 *
 * <p>One database for the class; each state rebuilds its schemas (the checklists' catalogue queries name
 * {@code public} or no schema, so each state gets the database to itself rather than a schema of its own).
 */
class ImportCorpusTest {

    private static final Path CORPUS = TestPostgres.projectDir().resolve("src/test/resources/checklists/unseen");
    private static final String RESET = """
            DO $$
            DECLARE s text;
            BEGIN
              FOR s IN SELECT nspname FROM pg_namespace
                       WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
                EXECUTE format('DROP SCHEMA %I CASCADE', s);
              END LOOP;
              CREATE SCHEMA public;
            END $$""";

    private static String database;
    private static ExecutorService countWorkers;
    private static final Map<String, Measurement> MEASURED = new TreeMap<>();

    /**
     * A check that is wrong: on the right state it did not pass ({@code line} is the check's), or on a wrong state
     * every check of a broken statement passed ({@code line} is the statement's).
     */
    record WrongCheck(String state, int line, String what) {
        String key() {
            return state + " @ line " + line;
        }
    }

    /** What one checklist measured. */
    record Measurement(int statements, int automated, int floor, List<WrongCheck> wrongChecks, int checksRun,
                       int notRun, List<String> unverified) {
        double ratio() {
            return (double) automated / statements;
        }

        String row(String name) {
            return String.format(Locale.ROOT, "%-24s statements %2d, automated %2d (%3.0f%%), floor %2d,"
                            + " wrong checks %d, checks run %d, not run here %d,"
                            + " broken statements no run check could catch %d",
                    name, statements, automated, ratio() * 100, floor, wrongChecks.size(), checksRun, notRun,
                    unverified.size());
        }
    }

    @BeforeAll
    static void database() {
        database = TestPostgres.freshDatabase("corpus");
        countWorkers = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void report() throws SQLException {
        countWorkers.shutdownNow();
        TestPostgres.exec("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        StringBuilder b = new StringBuilder("Import corpus (checklists/unseen):\n");
        int statements = 0;
        int automated = 0;
        for (Map.Entry<String, Measurement> e : MEASURED.entrySet()) {
            b.append("  ").append(e.getValue().row(e.getKey())).append('\n');
            statements += e.getValue().statements();
            automated += e.getValue().automated();
        }
        if (statements > 0) {
            b.append(String.format(Locale.ROOT, "  total: %d of %d statements automated (%.0f%%)%n", automated,
                    statements, 100.0 * automated / statements));
        }
        System.out.print(b);
    }

    static Stream<String> checklists() throws Exception {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".md")).sorted().toList()
                    .stream();
        }
    }

    @Test
    void everyChecklistOfTheCorpusHasItsGroundTruthAndTheCorpusIsLargeEnoughToMeasure() throws Exception {
        List<String> names = checklists().toList();
        assertThat(names).hasSizeGreaterThanOrEqualTo(12);
        int statements = 0;
        for (String name : names) statements += truth(CORPUS.resolve(name)).statements().size();
        assertThat(statements).as("statements in the corpus").isGreaterThanOrEqualTo(60);
        try (Stream<Path> files = Files.list(CORPUS)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".truth.yaml"))
                    .map(f -> f.replace(".truth.yaml", ".md"))).as("sidecars without a checklist")
                    .allMatch(names::contains);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checklists")
    void noGeneratedCheckPassesWhenTheChecklistsIntentFailsAndTheRatioIsNotBelowItsFloor(String name)
            throws Exception {
        CorpusTruth truth = truth(CORPUS.resolve(name));
        Measurement m = measure(CORPUS.resolve(name), truth);
        MEASURED.put(name, m);
        Map<String, String> found = new TreeMap<>();
        for (WrongCheck w : m.wrongChecks()) found.merge(w.key(), w.what(), (a, b) -> a + "\n" + b);
        Map<String, String> known = new TreeMap<>();
        for (CorpusTruth.KnownWrong k : truth.knownWrong()) known.put(k.state() + " @ line " + k.line(), k.note());
        assertThat(found.keySet()).as(m.row(name) + "\nwrong checks (state @ line):\n"
                + String.join("\n", found.values()) + "\nknown_wrong in the truth: " + known
                + "\n(a new one is a defect of the importer; a known one that no longer happens is fixed: delete it"
                + " from known_wrong)").isEqualTo(known.keySet());
        assertThat(m.automated()).as(m.row(name) + ": automated statements fell below the floor")
                .isGreaterThanOrEqualTo(m.floor());
    }

    /**
     * The yardstick itself: a checklist whose query is weaker than what it states (an index that is listed in
     * {@code pg_indexes} but left invalid by a failed build) must be reported as a wrong check, and the wrong state
     * its query does notice must not be.
     */
    @Test
    void aCheckThatPassesWhenTheStatedIntentFailsIsReportedAsAWrongCheck() throws Exception {
        Path checklist = TestPostgres.projectDir()
                .resolve("src/test/resources/checklists/corpus-self-test/weaker-check.md");
        Measurement m = measure(checklist, truth(checklist));

        assertThat(m.automated()).isEqualTo(2);
        assertThat(m.wrongChecks()).extracting(WrongCheck::key).containsExactly("index left invalid @ line 13");
        assertThat(m.wrongChecks().get(0).what()).contains("ix_orders_customer exists and is valid")
                .contains("PASSED");
    }

    /** docs/import.md's corpus table says what the importer automates today, row by row. */
    @Test
    void theCorpusTableInTheImportDocsMatchesWhatTheImporterAutomates() throws Exception {
        String docs = Files.readString(TestPostgres.projectDir().resolve("docs/import.md"));
        int section = docs.indexOf("## The measuring corpus");
        assertThat(section).as("docs/import.md has the section").isNotNegative();
        Pattern row = Pattern.compile("^\\| `([^`]+\\.md)` \\|[^|]*\\| (\\d+) \\| (\\d+) \\((\\d+)%\\) \\|$");
        Map<String, String> documented = new TreeMap<>();
        for (String line : docs.substring(section).lines().toList()) {
            Matcher m = row.matcher(line);
            if (m.matches()) documented.put(m.group(1), m.group(2) + " " + m.group(3) + " " + m.group(4) + "%");
        }
        Map<String, String> actual = new TreeMap<>();
        for (String name : checklists().toList()) {
            CorpusTruth truth = truth(CORPUS.resolve(name));
            int automated = automated(CORPUS.resolve(name), truth, imported(CORPUS.resolve(name)));
            actual.put(name, truth.statements().size() + " " + automated + " "
                    + Math.round(100.0 * automated / truth.statements().size()) + "%");
        }
        assertThat(documented).as("docs/import.md, The measuring corpus: statements, automated (ratio)")
                .isEqualTo(actual);
    }

    // ------------------------------------------------------------------ measuring

    private static List<String> source(Path checklist) throws Exception {
        return Files.readString(checklist, StandardCharsets.UTF_8).lines().toList();
    }

    private static CorpusTruth truth(Path checklist) throws Exception {
        return CorpusTruth.load(checklist.resolveSibling(
                checklist.getFileName().toString().replaceFirst("\\.md$", ".truth.yaml")), source(checklist));
    }

    private static ImportResult imported(Path checklist) throws Exception {
        return ChecklistImporter.importMarkdown(Files.readString(checklist, StandardCharsets.UTF_8),
                checklist.getFileName().toString());
    }

    private static int automated(Path checklist, CorpusTruth truth, ImportResult imported) throws Exception {
        List<Traced> checks = CorpusTrace.trace(imported, ImportFixtures.load(imported), source(checklist));
        return (int) truth.statements().stream().filter(s -> !CorpusTrace.of(s, checks).isEmpty()).count();
    }

    private Measurement measure(Path checklist, CorpusTruth truth) throws Exception {
        ImportResult imported = imported(checklist);
        Runbook runbook = ImportFixtures.load(imported);
        List<Traced> checks = CorpusTrace.trace(imported, runbook, source(checklist));
        int automated = automated(checklist, truth, imported);

        List<Traced> before = new ArrayList<>();
        List<Traced> after = new ArrayList<>();
        int notRun = 0;
        for (Traced c : checks) {
            if (!c.automated() || truth.conditional(c.line())) continue;
            if (!c.runnable()) {
                notRun++;
                continue;
            }
            (c.line() < truth.afterFrom() ? before : after).add(c);
        }

        List<WrongCheck> wrongChecks = new ArrayList<>();
        List<String> unverified = new ArrayList<>();
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        try (Database db = Database.open(TestPostgres.jdbcUrl(database), props, 2, CheckDefaults.LOCK_TIMEOUT);
             Harness harness = new Harness()) {
            Map<Traced, CheckResult> right = run(harness, db, runbook, truth, null, before, after);
            right.forEach((c, r) -> {
                if (r.status() != Status.PASSED) wrongChecks.add(new WrongCheck("right", c.line(), describe(c, r)));
            });
            for (CorpusTruth.Wrong w : truth.wrong()) {
                Map<Traced, CheckResult> results = run(harness, db, runbook, truth, w, before, after);
                for (String id : w.breaks()) {
                    List<Traced> proving = CorpusTrace.of(truth.statement(id), checks).stream()
                            .filter(results::containsKey).toList();
                    if (proving.isEmpty()) {
                        unverified.add(w.name() + ": " + id);
                    } else if (proving.stream().allMatch(c -> results.get(c).status() == Status.PASSED)) {
                        StringBuilder b = new StringBuilder("wrong state '" + w.name() + "' breaks " + id + " ("
                                + truth.statement(id).asserts() + "), yet its checks pass:");
                        for (Traced c : proving) b.append("\n    ").append(describe(c, results.get(c)));
                        wrongChecks.add(new WrongCheck(w.name(), truth.statement(id).line(), b.toString()));
                    }
                }
            }
        }
        return new Measurement(truth.statements().size(), automated, truth.floor(), wrongChecks,
                before.size() + after.size(), notRun, unverified);
    }

    /**
     * Builds one state and runs the checks on it: the before-state and the checks above {@code after_from}, then
     * (unless the wrong state is a before-state) the migration and the checks below it. The ground truth's oracles
     * are asked first: a state that does not break exactly what it declares is a mistake of the corpus, not of the
     * importer, and fails at once.
     */
    private Map<Traced, CheckResult> run(Harness harness, Database db, Runbook runbook, CorpusTruth truth,
                                         CorpusTruth.Wrong wrong, List<Traced> before, List<Traced> after)
            throws Exception {
        Map<Traced, CheckResult> results = new LinkedHashMap<>();
        Map<String, Snapshots.Data> snapshots = new HashMap<>();
        awaitNoOtherClients();
        harness.run("reset", RESET, "before", truth.before(), "wrong", breaks(wrong, CorpusTruth.BEFORE));
        evaluatePhase(harness, db, runbook, truth, wrong, CorpusTruth.BEFORE, before, snapshots, results);
        if (wrong == null || wrong.when().equals(CorpusTruth.AFTER)) {
            harness.run("migration", truth.migration(), "wrong", breaks(wrong, CorpusTruth.AFTER));
            evaluatePhase(harness, db, runbook, truth, wrong, CorpusTruth.AFTER, after, snapshots, results);
        }
        return results;
    }

    /** The wrong state's script when it runs in this phase, else null. */
    private static String breaks(CorpusTruth.Wrong wrong, String phase) {
        return wrong != null && wrong.when().equals(phase) ? wrong.sql() : null;
    }

    private void evaluatePhase(Harness harness, Database db, Runbook runbook, CorpusTruth truth,
                               CorpusTruth.Wrong wrong, String phase, List<Traced> checks,
                               Map<String, Snapshots.Data> snapshots, Map<Traced, CheckResult> results)
            throws Exception {
        boolean breaksHere = wrong != null && wrong.when().equals(phase);
        List<Connection> others = new ArrayList<>();
        try {
            for (int i = 0; breaksHere && i < wrong.sessions(); i++) others.add(otherClient());
            harness.assertOracles(truth, wrong, phase, breaksHere ? truth.broken(wrong) : Set.of());
            EvalContext ctx = new EvalContext(db, runbook.target().schema(),
                    name -> Optional.ofNullable(snapshots.get(name)), countWorkers, 2, new CancelToken(),
                    EvalContext.ExecuteListener.NONE, runbook.title() + " @ " + database);
            for (Traced c : checks) {
                CheckEngine.Evaluation ev = CheckEngine.evaluate(c.step().id(), c.index(), c.spec(), ctx);
                if (ev.snapshot() != null) snapshots.put(ev.snapshot().name(), ev.snapshot());
                results.put(c, ev.result());
            }
        } finally {
            for (Connection o : others) o.close();
        }
    }

    /**
     * The other clients an earlier state held open are closed, but their server processes leave pg_stat_activity a
     * moment later (seconds on a loaded machine): a state is only measured once they are gone, so an activity check
     * counts the clients of its own state and nothing left over from another.
     */
    private static void awaitNoOtherClients() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("ApplicationName", Database.applicationName("corpus wait"));
        try (Connection c = DriverManager.getConnection(TestPostgres.jdbcUrl(database), p);
             java.sql.PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                     + " AND backend_type = 'client backend' AND right(coalesce(application_name, ''), ?) <> ?")) {
            s.setInt(1, Database.PROCESS_TAG.length());
            s.setString(2, Database.PROCESS_TAG);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("clients of an earlier state are still connected after 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** A client that is not Runbook Pilot: a worker or an application server the checklist says must be gone. */
    private static Connection otherClient() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("ApplicationName", "billing-worker");
        return DriverManager.getConnection(TestPostgres.jdbcUrl(database), p);
    }

    /**
     * The test's own session: builds the states and asks the oracles. Named as this process's, like the demo's
     * set-up session, so "nobody else is connected" never counts it; commits without waiting for the disk, since
     * a state that is lost in a crash is simply built again.
     */
    private static final class Harness implements AutoCloseable {
        private final Connection c;

        Harness() throws SQLException {
            Properties p = new Properties();
            p.setProperty("user", "postgres");
            p.setProperty("ApplicationName", Database.applicationName("corpus set-up"));
            c = DriverManager.getConnection(TestPostgres.jdbcUrl(database), p);
            try (Statement s = c.createStatement()) {
                s.execute("SET synchronous_commit = off");
            }
            c.setAutoCommit(false);
        }

        /** Runs the named scripts (a null one is skipped) in one transaction. */
        void run(String... namesAndScripts) throws SQLException {
            try (Statement s = c.createStatement()) {
                for (int i = 0; i < namesAndScripts.length; i += 2) {
                    String script = namesAndScripts[i + 1];
                    if (script == null) continue;
                    try {
                        s.execute(script);
                    } catch (SQLException e) {
                        throw new SQLException("the corpus's " + namesAndScripts[i] + " script failed: "
                                + e.getMessage(), e.getSQLState(), e);
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }

        void assertOracles(CorpusTruth truth, CorpusTruth.Wrong wrong, String phase, Set<String> declared)
                throws SQLException {
            Set<String> failing = new LinkedHashSet<>();
            for (CorpusTruth.Statement st : truth.checkedIn(phase)) {
                if (st.oracle() == null) continue;
                boolean holds;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(st.oracle())) {
                    holds = rs.next() && rs.getBoolean(1);
                } catch (SQLException e) {
                    holds = false;
                }
                c.rollback();
                if (!holds) failing.add(st.id());
            }
            assertThat(failing).as("ground truth: oracles false on the %s state (%s)",
                    wrong == null ? "right" : "wrong '" + wrong.name() + "'", phase).isEqualTo(declared);
        }

        @Override
        public void close() throws SQLException {
            c.close();
        }
    }

    private static String describe(Traced c, CheckResult r) {
        return c.describe() + ": " + r.status() + ", expected " + r.expected() + ", got " + r.actual()
                + (r.error() == null ? "" : " (" + r.error() + ")");
    }
}
