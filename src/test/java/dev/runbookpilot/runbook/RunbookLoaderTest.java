package dev.runbookpilot.runbook;

import dev.runbookpilot.runbook.CheckSpec.CatalogObjects;
import dev.runbookpilot.runbook.CheckSpec.ObjectSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static dev.runbookpilot.runbook.LoaderProblems.problems;
import static dev.runbookpilot.runbook.LoaderProblems.onlyProblem;
import static dev.runbookpilot.runbook.LoaderProblems.at;
import static dev.runbookpilot.runbook.LoaderProblems.FILE;

class RunbookLoaderTest {

    static Path fixture(String relative) {
        try {
            return Path.of(RunbookLoaderTest.class.getResource("/runbooks/" + relative).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String HEAD = """
            runbook: Test
            target: { environment: staging }
            phases:
              - name: Check
                steps:
            """;

    // ------------------------------------------------------------------ a valid runbook

    @Test
    void loadsEveryCheckKindIntoItsRecord() throws Exception {
        Path file = fixture("valid/all-kinds/runbook.yaml");
        Runbook rb = RunbookLoader.load(file);

        assertThat(rb.title()).isEqualTo("Every check kind");
        assertThat(rb.version()).isEqualTo("2.1");
        assertThat(rb.description()).isEqualTo("Exercises the whole format.\n");
        assertThat(rb.target()).isEqualTo(new Target(Environment.PRODUCTION, "shop", "app"));
        assertThat(rb.file()).isEqualTo(file);
        assertThat(rb.sha256()).isEqualTo(RunbookLoader.sha256(Files.readAllBytes(file)));
        assertThat(rb.phases()).extracting(Phase::name).containsExactly("Pre-migration", "Execute", "Verify", "Sign-off",
                "Follow-up");
        assertThat(rb.phases().get(0).description()).isEqualTo("Before anything changes");
        assertThat(rb.steps().map(Step::id))
                .containsExactly("quiet", "baseline", "backup", "migrate", "objects", "data", "plans", "signoff",
                        "tool", "proof", "status");
        Set<String> kinds = new HashSet<>();
        rb.steps().forEach(s -> s.checks().forEach(c -> kinds.add(c.kind())));
        assertThat(kinds).as("the fixture uses every kind").containsExactlyInAnyOrderElementsOf(RunbookLoader.CHECK_KINDS);

        assertThat(checks(rb, "quiet")).containsExactly(new CheckSpec.Activity(
                meta(null, null, file, 17, 13), 0, 0, Duration.ofMinutes(2), 0));

        List<CheckSpec> baseline = checks(rb, "baseline");
        assertThat(baseline.get(0)).isEqualTo(new CheckSpec.Snapshot(meta(null, Duration.ofMinutes(5), file, 21, 13),
                "before", List.of("orders", "customers", "order_lines"), false, "app", List.of(), List.of("orders")));
        assertThat(baseline.get(1)).isEqualTo(new CheckSpec.Snapshot(meta(null, null, file, 22, 13),
                "everything", List.of(), true, null));

        Step backup = rb.step("backup").orElseThrow();
        assertThat(backup.checks()).hasSize(2);
        assertThat(backup.checks().get(0)).isInstanceOfSatisfying(CheckSpec.Manual.class, m -> {
            assertThat(m.text()).isEqualTo("Copy the dump to external storage and paste its location.");
            assertThat(m.requireNote()).isTrue();
        });
        assertThat(backup.checks().get(1)).isEqualTo(new CheckSpec.Backup(meta(null, Duration.ofHours(2), file, 27, 17),
                Path.of(System.getProperty("user.home"), "dumps"), CheckSpec.BackupFormat.DIRECTORY, 2,
                CheckSpec.BackupVerify.RESTORE, CheckSpec.Scratch.TARGET));

        Step migrate = rb.step("migrate").orElseThrow();
        assertThat(migrate.mutates()).isTrue();
        assertThat(migrate.checks()).containsExactly(new CheckSpec.Execute(
                meta(null, Duration.ofMinutes(10), file, 33, 11),
                file.getParent().resolve("demo/migration.sql"), false, List.of("renamed orders")));

        List<CheckSpec> objects = checks(rb, "objects");
        assertThat(objects.get(0)).isEqualTo(new CheckSpec.Query(meta("No orphans", Duration.ofSeconds(30), file, 43, 13),
                "SELECT count(*) FROM order_lines", new Expectation.Compare(Expectation.Op.EQ, BigDecimal.ZERO)));
        assertThat(((CheckSpec.Query) objects.get(1)).expect()).isEqualTo(new Expectation.Text("3.7.0"));
        assertThat(((CheckSpec.Query) objects.get(2)).expect())
                .isEqualTo(new Expectation.Compare(Expectation.Op.EQ, BigDecimal.ONE));
        assertThat(objects.get(0).meta().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(objects.get(1).meta().timeout()).as("default per check").isEqualTo(CheckSpec.DEFAULT_TIMEOUT);

        CatalogObjects tables = (CatalogObjects) objects.get(3);
        assertThat(tables.objectKind()).isEqualTo(ObjectKind.TABLES);
        assertThat(tables.exist()).containsExactly(new ObjectSpec("purchases", Map.of()),
                new ObjectSpec("customers", Map.of("rls", "true")));
        assertThat(tables.absent()).containsExactly("orders");
        assertThat(tables.exact()).isNull();
        assertThat(tables.count()).isNull();
        assertThat(tables.schema()).isNull();

        CatalogObjects columns = (CatalogObjects) objects.get(4);
        assertThat(columns.table()).isEqualTo("purchases");
        assertThat(columns.schema()).isEqualTo("app");
        assertThat(columns.exist()).containsExactly(new ObjectSpec("id", Map.of()),
                new ObjectSpec("total", Map.of("type", "numeric", "nullable", "false", "default", "0")));

        assertThat(((CatalogObjects) objects.get(5)).exist()).containsExactly(new ObjectSpec("purchases_customer_idx",
                Map.of("unique", "false", "columns", "customer_id, created_at")));
        CatalogObjects constraints = (CatalogObjects) objects.get(6);
        assertThat(constraints.filter()).isEqualTo(Map.of("type", "foreign key"));
        assertThat(constraints.count()).isEqualTo(new Expectation.Compare(Expectation.Op.EQ, BigDecimal.ONE));
        assertThat(((CatalogObjects) objects.get(7)).exact()).containsExactly(new ObjectSpec("purchases_audit",
                Map.of("timing", "AFTER", "events", "INSERT, UPDATE")));
        assertThat(((CatalogObjects) objects.get(8)).exist())
                .containsExactly(new ObjectSpec("purchase_totals", Map.of("materialized", "true")));
        assertThat(((CatalogObjects) objects.get(9)).exist())
                .containsExactly(new ObjectSpec("audit", Map.of("returns", "trigger", "language", "plpgsql")));
        assertThat(((CatalogObjects) objects.get(10)).exist()).containsExactly(new ObjectSpec("purchases_id_seq", Map.of()));
        assertThat(((CatalogObjects) objects.get(11)).exist())
                .containsExactly(new ObjectSpec("pgcrypto", Map.of("version", "1.3")));
        CatalogObjects policies = (CatalogObjects) objects.get(12);
        assertThat(policies.objectKind()).isEqualTo(ObjectKind.POLICIES);
        assertThat(policies.absent()).containsExactly("open_policy");

        List<CheckSpec> data = checks(rb, "data");
        CheckSpec.RowCounts before = (CheckSpec.RowCounts) data.get(0);
        assertThat(before.compareTo()).isEqualTo("before");
        assertThat(before.tables()).isEmpty();
        assertThat(before.map()).isEqualTo(Map.of("orders", List.of("purchases"),
                "order_lines", List.of("lines_a", "lines_b")));
        assertThat(before.dropped()).containsExactly("customers");
        assertThat(before.tolerance()).isEqualTo(new CheckSpec.Tolerance(0, 0.5));
        CheckSpec.RowCounts everything = (CheckSpec.RowCounts) data.get(1);
        assertThat(everything.tables()).containsExactly("customers");
        assertThat(everything.tolerance()).isEqualTo(new CheckSpec.Tolerance(10, 0));
        CheckSpec.SchemaDiff diff = (CheckSpec.SchemaDiff) data.get(2);
        assertThat(diff.compareTo()).isEqualTo("before");
        assertThat(diff.added()).containsExactly("table:lines_a", "index:lines_*");
        assertThat(diff.removed()).containsExactly("column:customers.legacy");
        assertThat(diff.changed()).containsExactly("function:audit");
        assertThat(diff.renamed()).isEqualTo(Map.of("table:orders", "table:purchases"));
        assertThat(diff.ignore()).containsExactly(CheckSpec.Ignorable.COMMENTS);

        List<CheckSpec> plans = checks(rb, "plans");
        CheckSpec.Explain indexScan = (CheckSpec.Explain) plans.get(0);
        assertThat(indexScan.expect()).isEqualTo(CheckSpec.PlanExpectation.INDEX_SCAN);
        assertThat(indexScan.table()).isEqualTo("purchases");
        assertThat(indexScan.analyze()).isFalse();
        CheckSpec.Explain noSeqScan = (CheckSpec.Explain) plans.get(1);
        assertThat(noSeqScan.expect()).isEqualTo(CheckSpec.PlanExpectation.NO_SEQ_SCAN);
        assertThat(noSeqScan.analyze()).isTrue();
        CheckSpec.Explain cost = (CheckSpec.Explain) plans.get(2);
        assertThat(cost.expect()).isEqualTo(CheckSpec.PlanExpectation.MAX_COST);
        assertThat(cost.maxCost()).isEqualTo(1000.0);
        CheckSpec.Statement rejects = (CheckSpec.Statement) plans.get(3);
        assertThat(rejects.expectRejection()).isTrue();
        assertThat(rejects.setup()).isEqualTo("SET LOCAL search_path = app");
        assertThat(rejects.sqlstate()).isEqualTo("23505");
        assertThat(rejects.messageContains()).isEqualTo("duplicate key");
        CheckSpec.Statement accepts = (CheckSpec.Statement) plans.get(4);
        assertThat(accepts.expectRejection()).isFalse();
        assertThat(accepts.kind()).isEqualTo("accepts");
        assertThat(plans.get(5)).isEqualTo(new CheckSpec.Manual(meta(null, null, file, 80, 13),
                "Application smoke test passed", true));
        assertThat(plans.get(6)).isEqualTo(new CheckSpec.Manual(meta(null, null, file, 81, 13),
                "Dashboards look normal", false));

        Step tool = rb.step("tool").orElseThrow();
        assertThat(tool.mutates()).isTrue();
        assertThat(tool.checks()).hasSize(3);
        CheckSpec.Command command = (CheckSpec.Command) tool.checks().get(0);
        assertThat(command.label()).isEqualTo("Flyway migrate");
        assertThat(command.run().program()).containsExactly("flyway", "-url=${FLYWAY_URL}", "migrate");
        assertThat(command.run().shown()).isEqualTo("flyway '-url=${FLYWAY_URL}' migrate");
        assertThat(command.cwd()).isEqualTo(file.getParent().resolve("demo"));
        assertThat(command.env()).containsExactly(Map.entry("FLYWAY_URL",
                "jdbc:postgresql://${PGHOST}:${PGPORT}/${PGDATABASE}"));
        assertThat(command.expectOutput()).containsExactly("Successfully applied \\d+ migrations?");
        assertThat(command.rejectOutput()).containsExactly("(?i)\\berror\\b");
        assertThat(command.meta().timeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(command.rollback().undo()).isInstanceOfSatisfying(CheckSpec.Command.class,
                undo -> assertThat(undo.run()).isEqualTo(new CheckSpec.Run("flyway undo", List.of())));
        assertThat(command.verify()).containsExactlyElementsOf(tool.checks().subList(1, 3));
        assertThat(tool.verifies(1)).isZero();
        assertThat(tool.verifies(2)).isZero();
        assertThat(tool.verifies(0)).isEqualTo(-1);

        assertThat(checks(rb, "proof")).containsExactly(new CheckSpec.Restored(
                meta(null, Duration.ofMinutes(10), file, 107, 13), "before", List.of("customers"), List.of("orders")));
        assertThat(checks(rb, "status")).containsExactly(new CheckSpec.StatusCommand(
                meta(null, Duration.ofMinutes(2), file, 111, 13), new CheckSpec.Run(null, List.of("flyway", "info")),
                file.getParent(), Map.of(), 0, List.of(), List.of("\\bPending\\b")));

        Step signoff = rb.step("signoff").orElseThrow();
        assertThat(signoff.isSignoff()).isTrue();
        assertThat(signoff.checks()).extracting(c -> ((CheckSpec.Signoff) c).roles())
                .containsExactly(List.of("DBA", "Backend lead"));
    }

    private static List<CheckSpec> checks(Runbook rb, String stepId) {
        return rb.step(stepId).orElseThrow().checks();
    }

    private static CheckSpec.Meta meta(String name, Duration timeout, Path file, int line, int column) {
        return new CheckSpec.Meta(name, timeout, new SourceLocation(file, line, column));
    }

    @Test
    void executeHasNoTimeoutUnlessOneIsSet(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("m.sql"), "SELECT 1;");
        Runbook rb = RunbookLoader.parse(HEAD + """
                      - id: migrate
                        title: Migrate
                        execute: { file: m.sql }
                """, dir.resolve("runbook.yaml"), "0");
        CheckSpec.Execute execute = (CheckSpec.Execute) rb.step("migrate").orElseThrow().checks().get(0);
        assertThat(execute.meta().timeout()).isEqualTo(Duration.ZERO);
        assertThat(execute.transaction()).as("a transaction unless turned off").isTrue();
        assertThat(execute.file()).isEqualTo(dir.resolve("m.sql"));
    }

    @Test
    void executeWaitsFiveSecondsForALockAndDoesNotRetryUnlessTold(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("m.sql"), "SELECT 1;");
        Runbook rb = RunbookLoader.parse(HEAD + """
                      - id: plain
                        title: Plain
                        execute: { file: m.sql }
                      - id: patient
                        title: Patient
                        execute: { file: m.sql, lockTimeout: 30s, lockRetries: 4 }
                """, dir.resolve("runbook.yaml"), "0");
        CheckSpec.Execute plain = (CheckSpec.Execute) rb.step("plain").orElseThrow().checks().get(0);
        assertThat(plain.lockTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(plain.lockRetries()).isZero();
        CheckSpec.Execute patient = (CheckSpec.Execute) rb.step("patient").orElseThrow().checks().get(0);
        assertThat(patient.lockTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(patient.lockRetries()).isEqualTo(4);
    }

    @Test
    void aLockTimeoutOfZeroOrNegativeRetriesAreProblemsAtTheirValue(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("m.sql"), "SELECT 1;");
        List<RunbookProblem> all = problems(HEAD + """
                      - id: m
                        title: M
                        execute: { file: m.sql, lockTimeout: 0s, lockRetries: -1 }
                """, dir.resolve("runbook.yaml"));
        assertThat(all).extracting(LoaderProblems::at).containsExactlyInAnyOrder("8:46", "8:63");
        assertThat(all).extracting(RunbookProblem::message).anyMatch(m -> m.contains("'0s' is not a duration"))
                .anyMatch(m -> m.contains("'lockRetries' must be a whole number of at least 0"));
    }

    @Test
    void stepCombinesChecksWithAManualConfirmation() throws Exception {
        Runbook rb = RunbookLoader.parse(HEAD + """
                      - id: both
                        title: Both
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1" }
                        manual: Looked at the dashboard
                """, FILE, "0");
        assertThat(rb.step("both").orElseThrow().checks()).extracting(CheckSpec::kind).containsExactly("query", "manual");
    }

    @Test
    void sampleFixturesLoad() throws Exception {
        assertThat(RunbookLoader.load(fixture("valid/minimal/runbook.yaml")).steps()).hasSize(1);
    }

    @Test
    void checkKeysCoverExactlyTheCheckKinds() {
        assertThat(RunbookLoader.CHECK_KEYS.keySet()).containsExactlyInAnyOrderElementsOf(RunbookLoader.CHECK_KINDS);
        RunbookLoader.CHECK_KEYS.values().forEach(keys -> assertThat(keys).containsAll(RunbookLoader.META_KEYS));
    }

    // ------------------------------------------------------------------ one problem each, located exactly

    @Test
    void reportsAYamlSyntaxErrorWhereTheFaultIs() {
        RunbookProblem p = onlyProblem("""
                runbook: T
                target:
                  environment: staging
                   database: x
                phases: []
                """);
        assertThat(at(p)).isEqualTo("4:12");
        assertThat(p.location().file()).isEqualTo(FILE);
        assertThat(p.message()).isEqualTo("YAML syntax: mapping values are not allowed here");
    }

    @Test
    void syntaxErrorNamesWhereTheUnfinishedConstructStarted() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: "unterminated
                        checks: []
                """);
        assertThat(at(p)).isEqualTo("9:1");
        assertThat(p.message()).isEqualTo(
                "YAML syntax: found unexpected end of stream while scanning a quoted scalar started at line 7, column 16");
    }

    @Test
    void aSourceWithALineBreakControlOrBidiCharacterIsRejectedWhereItIs() {
        // The report prints the source under the step: any of these would put a line of the runbook's choosing there.
        for (String c : List.of("\\r", "\\u2028", "\\u2029", "\\u0085", "\\t", "\\u0007", "\\u001b", "\\u202e",
                "\\u202a", "\\u2066", "\\u2069", "\\u200f")) {
            RunbookProblem p = onlyProblem(HEAD + """
                          - id: a
                            title: A
                            source: "checklist.md, line 4%sApproved by the DBA"
                            manual: Check it
                    """.formatted(c));
            assertThat(at(p)).as(c).isEqualTo("8:9");
            assertThat(p.location().file()).isEqualTo(FILE);
            assertThat(p.message()).as(c).startsWith("'source' holds U+").contains("line break, control or text-direction");
            assertThat(p.hint()).contains("one line of plain text");
        }
    }

    @Test
    void aSourceOfPlainTextLoads() throws Exception {
        Runbook r = RunbookLoader.parse(HEAD + """
                      - id: a
                        title: A
                        source: "checklist.md, line 4 (Étape 2 — vérifier)"
                        manual: Check it
                """, FILE, "0");
        assertThat(r.phases().get(0).steps().get(0).source()).isEqualTo("checklist.md, line 4 (Étape 2 — vérifier)");
    }

    @Test
    void tabIndentationIsReportedOnItsOwnLine() {
        RunbookProblem p = onlyProblem("runbook: T\ntarget:\n\tenvironment: staging\n");
        assertThat(at(p)).isEqualTo("3:1");
        assertThat(p.message()).contains("TAB");
    }

    @Test
    void suggestsTheClosestTopLevelKey() {
        List<RunbookProblem> all = problems("""
                runbook: T
                target: { environment: staging }
                phase:
                  - name: Check
                """);
        RunbookProblem unknown = all.stream().filter(p -> p.message().startsWith("unknown key")).findFirst().orElseThrow();
        assertThat(at(unknown)).isEqualTo("3:1");
        assertThat(unknown.message()).isEqualTo("unknown key 'phase' in the runbook");
        assertThat(unknown.hint()).isEqualTo("did you mean 'phases'?");
        assertThat(unknown.toString()).isEqualTo(FILE + ":3:1: unknown key 'phase' in the runbook (did you mean 'phases'?)");
    }

    @Test
    void listsTheValidKeysWhenNoneIsClose() {
        RunbookProblem p = problems("runbook: T\nzzzzzzzzzz: 1\n").stream()
                .filter(q -> q.message().startsWith("unknown key")).findFirst().orElseThrow();
        assertThat(at(p)).isEqualTo("2:1");
        assertThat(p.hint()).isEqualTo("valid keys: description, phases, runbook, target, version, window");
    }

    @Test
    void suggestsTheClosestCheckKind() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - tabels: { exist: [users] }
                """);
        assertThat(at(p)).isEqualTo("9:13");
        assertThat(p.message()).isEqualTo("unknown check kind 'tabels'");
        assertThat(p.hint()).isEqualTo("did you mean 'tables'?");
    }

    @Test
    void suggestsTheClosestOptionOfACheck() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1", timout: 5s }
                """);
        assertThat(at(p)).isEqualTo("9:54");
        assertThat(p.message()).isEqualTo("unknown key 'timout' in a query check");
        assertThat(p.hint()).isEqualTo("did you mean 'timeout'?");
    }

    @Test
    void reportsAListWhereTextIsExpected() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title:
                          - one
                          - two
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1" }
                """);
        assertThat(at(p)).isEqualTo("8:11");
        assertThat(p.message()).isEqualTo("'title' must be a single value, found a list");
    }

    @Test
    void reportsAMissingRequiredFieldAtItsMapping() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - query: { sql: "SELECT 1" }
                """);
        assertThat(at(p)).isEqualTo("9:20");
        assertThat(p.message()).isEqualTo("missing 'expect'");
        assertThat(p.hint()).contains("expect: \"= 0\"");
    }

    @Test
    void reportsAMissingStepIdAtTheStep() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - title: A
                        manual: Check it
                """);
        assertThat(at(p)).isEqualTo("6:9");
        assertThat(p.message()).isEqualTo("missing 'id'");
    }

    @Test
    void duplicateStepIdPointsAtTheSecondAndNamesTheFirst() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: same
                        title: A
                        manual: One
                  - name: Later
                    steps:
                      - id: same
                        title: B
                        manual: Two
                """);
        assertThat(at(p)).isEqualTo("11:13");
        assertThat(p.message()).isEqualTo("duplicate step id 'same'");
        assertThat(p.hint()).isEqualTo("already used at " + FILE + ":6:13; step ids must be unique");
    }

    @Test
    void duplicateYamlKeyPointsAtTheSecond() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        title: B
                        manual: One
                """);
        assertThat(at(p)).isEqualTo("8:9");
        assertThat(p.message()).isEqualTo("duplicate key 'title'");
        assertThat(p.hint()).contains(FILE + ":7:9");
    }

    @Test
    void unknownSnapshotInRowCountsSuggestsOneTakenBefore() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - snapshot: { name: before }
                      - id: b
                        title: B
                        checks:
                          - rowCounts: { compareTo: befor }
                """);
        assertThat(at(p)).isEqualTo("13:37");
        assertThat(p.message()).isEqualTo("unknown snapshot 'befor'");
        assertThat(p.hint()).isEqualTo("did you mean 'before'?");
    }

    @Test
    void unknownSnapshotInSchemaDiffSaysToTakeOne() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: b
                        title: B
                        checks:
                          - schemaDiff: { compareTo: before }
                """);
        assertThat(at(p)).isEqualTo("9:38");
        assertThat(p.message()).isEqualTo("unknown snapshot 'before'");
        assertThat(p.hint()).isEqualTo("take one first in an earlier step: - snapshot: { name: before }");
    }

    @Test
    void snapshotComparedToBeforeItIsTakenSaysWhereItIsTaken() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: compare
                        title: Compare
                        checks:
                          - rowCounts: { compareTo: before }
                      - id: take
                        title: Take
                        checks:
                          - snapshot: { name: before }
                """);
        assertThat(at(p)).isEqualTo("9:37");
        assertThat(p.message()).isEqualTo("snapshot 'before' is compared to before it is taken (at " + FILE + ":13:31)");
        assertThat(p.hint()).isEqualTo("take the snapshot in a step before this check");
    }

    @Test
    void snapshotTakenTwiceNamesTheFirst() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - snapshot: { name: before }
                          - snapshot: { name: before }
                """);
        assertThat(at(p)).isEqualTo("10:31");
        assertThat(p.message()).isEqualTo("snapshot 'before' is taken twice");
        assertThat(p.hint()).startsWith("first taken at " + FILE + ":9:31");
    }

    @Test
    void executeFileThatDoesNotExistIsReportedAtItsName(@TempDir Path dir) {
        Path file = dir.resolve("runbook.yaml");
        List<RunbookProblem> all = problems(HEAD + """
                      - id: m
                        title: M
                        execute: { file: demo/missing.sql }
                """, file);
        assertThat(all).hasSize(1);
        assertThat(at(all.get(0))).isEqualTo("8:26");
        assertThat(all.get(0).message()).isEqualTo("execute file 'demo/missing.sql' does not exist");
        assertThat(all.get(0).hint()).contains(dir.resolve("demo/missing.sql").toString());
    }

    @Test
    void executeFileNameThatIsNoPathIsAProblemNotACrash() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: m
                        title: M
                        execute: { file: "bad\\0name.sql" }
                """);
        assertThat(at(p)).isEqualTo("8:26");
        assertThat(p.message()).contains("is not a file path");
    }

    @Test
    void unparsableExpectationIsReportedAtTheValue() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - query:
                              sql: SELECT 1
                              expect: ready
                """);
        assertThat(at(p)).isEqualTo("11:23");
        assertThat(p.message()).isEqualTo("'ready' is not an expectation; quote text values, e.g. 'ready'");
        assertThat(p.hint()).isEqualTo("see the expectation grammar in docs/runbook-format.md");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"between 9 and 1\"", "'>= four'", "\"rows = many\""})
    void quotedExpressionThatIsWrongIsAProblemNotText(String expect) {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - query: { sql: "SELECT 1", expect: %s }
                """.formatted(expect));
        assertThat(at(p)).isEqualTo("9:47");
    }

    @Test
    void quotedTextThatIsNoExpressionComparesAsText() throws Exception {
        Runbook rb = RunbookLoader.parse(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - query: { sql: "SELECT 1", expect: '3.7.0' }
                          - query: { sql: "SELECT 1", expect: "ready" }
                          - query: { sql: "SELECT 1", expect: "'= 0'" }
                """, FILE, "0");
        assertThat(rb.step("a").orElseThrow().checks()).extracting(c -> ((CheckSpec.Query) c).expect())
                .containsExactly(new Expectation.Text("3.7.0"), new Expectation.Text("ready"), new Expectation.Text("= 0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x1F", "1e99999999999", ".inf"})
    void numbersYamlReadsButTheGrammarDoesNotAreProblems(String expect) {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - query: { sql: "SELECT 1", expect: %s }
                """.formatted(expect));
        assertThat(at(p)).isEqualTo("9:47");
    }

    @Test
    void aBackupDirIsRelativeToTheRunbookAndTildeIsTheHomeDirectory() throws Exception {
        Runbook rb = RunbookLoader.parse(HEAD + """
                      - id: a
                        title: A
                        backup: { dir: ../dumps }
                      - id: b
                        title: B
                        checks:
                          - backup: { dir: "~/backups", verify: list }
                """, FILE, "0");
        CheckSpec.Backup a = (CheckSpec.Backup) rb.step("a").orElseThrow().checks().get(0);
        assertThat(a.dir()).isEqualTo(FILE.toAbsolutePath().getParent().resolve("../dumps").normalize());
        assertThat(a.format()).isEqualTo(CheckSpec.BackupFormat.CUSTOM);
        assertThat(a.verify()).as("proven by a restore unless the runbook says otherwise")
                .isEqualTo(CheckSpec.BackupVerify.RESTORE);
        assertThat(a.scratch()).isEqualTo(CheckSpec.Scratch.EMBEDDED);
        assertThat(a.meta().timeout()).isEqualTo(Duration.ZERO);
        CheckSpec.Backup b = (CheckSpec.Backup) rb.step("b").orElseThrow().checks().get(0);
        assertThat(b.dir()).isEqualTo(Path.of(System.getProperty("user.home"), "backups"));
        assertThat(b.scratch()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{ dir: d, format: plain }|8:35|unknown backup format 'plain'",
            "{ dir: d, verify: checksum }|8:35|unknown backup verification 'checksum'",
            "{ dir: d, jobs: 4 }|8:33|parallel jobs need format: directory",
            "{ dir: d, verify: list, scratch: target }|8:41|'scratch' without verify: restore",
            "{ dir: d, scratch: 'postgresql://u:hunter2@h/postgres' }|8:36|the scratch server's connection holds a"
                    + " password",
            "{ dir: d, scratch: 'host=h password=hunter2' }|8:36|the scratch server's connection holds a password",
            "{ format: custom }|8:17|missing 'dir'",
    })
    void aBackupThatCannotProveAnythingIsRefusedAtItsPlace(String backup, String where, String message) {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        backup: %s
                """.formatted(backup));
        assertThat(p.message()).isEqualTo(message);
        assertThat(at(p)).isEqualTo(where);
        assertThat(p.hint()).isNotBlank();
    }

    @Test
    void aBackupCannotShareAStepWithAMigration(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("m.sql"), "SELECT 1;");
        List<RunbookProblem> all = problems(HEAD + """
                      - id: a
                        title: A
                        backup: { dir: d }
                        execute: { file: m.sql }
                """, dir.resolve("runbook.yaml"));
        assertThat(all).extracting(RunbookProblem::message).contains("an execute, command or sign-off step stands alone");
    }

    @Test
    void badDurationIsReportedWithUnits() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - activity: { otherSessions: 0, longTransactionAge: 5 minutes }
                """);
        assertThat(at(p)).isEqualTo("9:63");
        assertThat(p.message()).isEqualTo("'5 minutes' is not a duration");
        assertThat(p.hint()).isEqualTo("write a number with a unit: 500ms, 30s, 5m, 1h");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "-5s", "5d", "soon"})
    void rejectsTimeoutsThatAreNotPositiveDurations(String timeout) {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1", timeout: %s }
                """.formatted(timeout));
        assertThat(at(p)).isEqualTo("9:63");
        assertThat(p.message()).isEqualTo("'" + timeout + "' is not a duration");
    }

    @Test
    void acceptsDurationsWithEveryUnit() throws Exception {
        Runbook rb = RunbookLoader.parse(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1", timeout: 500ms }
                          - query: { sql: "SELECT 1", expect: "= 1", timeout: 1.5s }
                          - query: { sql: "SELECT 1", expect: "= 1", timeout: 90 }
                          - query: { sql: "SELECT 1", expect: "= 1", timeout: 2m }
                          - query: { sql: "SELECT 1", expect: "= 1", timeout: 1h }
                """, FILE, "0");
        assertThat(rb.step("a").orElseThrow().checks()).extracting(c -> c.meta().timeout()).containsExactly(
                Duration.ofMillis(500), Duration.ofMillis(1500), Duration.ofSeconds(90), Duration.ofMinutes(2),
                Duration.ofHours(1));
    }

    @Test
    void aCheckOfSeveralStatementsIsRefusedWhereItsSqlIsWithThePlaceInsideTheSql() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - query: { sql: "SELECT 1 AS a$$b$; COMMIT; SELECT 2 AS c$b$", expect: "= 1" }
                """);
        assertThat(at(p)).isEqualTo("9:27");
        assertThat(p.message()).contains("exactly one statement").contains("line 1, column 20 of the SQL");
        assertThat(p.hint()).contains("split it");
    }

    @Test
    void aProbeSetupThatEndsItsTransactionIsRefusedBeforeAnythingRuns() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - accepts: { setup: "DELETE FROM t; COMMIT", sql: "SELECT 1" }
                """);
        assertThat(p.message()).contains("'COMMIT' is not allowed");
    }

    @Test
    void badSqlstateIsReportedWithAnExample() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - rejects: { sql: "INSERT INTO t VALUES (1)", sqlstate: "2350" }
                """);
        assertThat(at(p)).isEqualTo("9:67");
        assertThat(p.message()).isEqualTo("'2350' is not a SQLSTATE");
        assertThat(p.hint()).contains("23505");
    }

    @Test
    void rejectsNeedsToSayHowTheStatementMustFail() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - rejects: { sql: "INSERT INTO t VALUES (1)" }
                """);
        assertThat(at(p)).isEqualTo("9:13");
        assertThat(p.message()).isEqualTo("a rejects check needs sqlstate or message");
    }

    @Test
    void badSchemaDiffEntriesAreReportedEachAtItsItem() {
        List<RunbookProblem> all = problems(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - snapshot: { name: before }
                          - schemaDiff:
                              compareTo: before
                              expect:
                                added: [~, tabel:users, "index:ok_*"]
                                removed: [users]
                                renamed: { "colum:a.b": "column:a.c" }
                """);
        assertThat(all).extracting(LoaderProblems::at).containsExactly("13:28", "14:27", "15:28");
        assertThat(all.get(0).message()).isEqualTo("'tabel:users' does not name an object as kind:name");
        assertThat(all.get(0).hint()).isEqualTo("did you mean 'table:'?");
        assertThat(all.get(1).hint()).startsWith("e.g. table:users, column:users.email, index:users_*; kinds: table,");
        assertThat(all.get(2).hint()).isEqualTo("did you mean 'column:'?");
    }

    @Test
    void schemaDiffIgnoresOnlyTheClassesItNames() throws Exception {
        Runbook rb = RunbookLoader.parse(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - snapshot: { name: before }
                          - schemaDiff: { compareTo: before, ignore: [comments, owners] }
                          - schemaDiff: { compareTo: before }
                """, FILE, "0");
        List<CheckSpec> checks = rb.steps().findFirst().orElseThrow().checks();
        assertThat(((CheckSpec.SchemaDiff) checks.get(1)).ignore())
                .containsExactlyInAnyOrder(CheckSpec.Ignorable.COMMENTS, CheckSpec.Ignorable.OWNERS);
        assertThat(((CheckSpec.SchemaDiff) checks.get(2)).ignore()).isEmpty();
    }

    @Test
    void aSchemaDiffCannotIgnoreAnythingButCommentsPrivilegesAndOwners() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - snapshot: { name: before }
                          - schemaDiff: { compareTo: before, ignore: [coments] }
                """);
        assertThat(at(p)).isEqualTo("10:55");
        assertThat(p.message()).isEqualTo("schemaDiff cannot ignore 'coments'");
        assertThat(p.hint()).isEqualTo("did you mean 'comments'?");
        RunbookProblem everything = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - snapshot: { name: before }
                          - schemaDiff: { compareTo: before, ignore: [tables] }
                """);
        assertThat(everything.hint()).isEqualTo("it can ignore comments, privileges, owners");
    }

    @Test
    void rowCountsMapEntryWithoutATableIsAProblem() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks:
                          - snapshot: { name: before }
                          - rowCounts: { compareTo: before, map: { orders: } }
                """);
        assertThat(at(p)).isEqualTo("10:52");
        assertThat(p.message()).isEqualTo("'orders' maps to no table");
    }

    @Test
    void emptyChecksListIsAProblemBecauseItWouldPassWithoutLooking() {
        RunbookProblem p = onlyProblem(HEAD + """
                      - id: a
                        title: A
                        checks: []
                """);
        assertThat(at(p)).isEqualTo("8:17");
        assertThat(p.message()).isEqualTo("step 'a' has an empty checks list");
    }

    @Test
    void emptyValuesOfRequiredFieldsAreProblems() {
        List<RunbookProblem> all = problems(HEAD + """
                      - id:
                        title: ""
                        manual: x
                      - { id: b, title: B, manual: "  " }
                      - id: c
                        title: C
                        checks:
                          - manual:
                """);
        assertThat(all).extracting(p -> at(p) + " " + p.message()).containsExactly(
                "6:12 'id' is empty", "7:16 'title' is empty", "9:36 'manual' is empty", "13:20 'manual' is empty");
    }

    @Test
    void unknownEnvironmentSuggestsTheClosest() {
        RunbookProblem p = onlyProblem("""
                runbook: T
                target: { environment: stagng }
                phases:
                  - name: P
                    steps:
                      - { id: a, title: A, manual: M }
                """);
        assertThat(at(p)).isEqualTo("2:24");
        assertThat(p.hint()).isEqualTo("did you mean 'staging'?");
    }

    @Test
    void executeStandsAlone(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("m.sql"), "SELECT 1;");
        List<RunbookProblem> all = problems(HEAD + """
                      - id: m
                        title: M
                        execute: { file: m.sql }
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1" }
                """, dir.resolve("runbook.yaml"));
        assertThat(all).singleElement().satisfies(p -> {
            assertThat(at(p)).isEqualTo("9:9");
            assertThat(p.message()).isEqualTo("an execute, command or sign-off step stands alone");
        });
    }

    @Test
    void aCommandsMistakesAreReportedWhereTheyAreWritten() {
        List<RunbookProblem> all = problems(HEAD + """
                      - id: m
                        title: M
                        command:
                          run: alembic upgrade head
                          expectOutput: ["Running upgrade (3f2a"]
                          rejectOutput: ["", Traceback]
                          env: { PGHOST: elsewhere, FLYWAY_URL: "jdbc:postgresql://${PGHOTS}/x" }
                          expectExti: 0
                          verify:
                            - execute: { file: m.sql }
                """);
        assertThat(all).extracting(p -> at(p) + " " + p.message()).containsExactly(
                "10:26 'Running upgrade (3f2a' is"
                        + " not a regular expression: Unclosed group at character 22",
                "11:26 an empty pattern matches every line",
                "12:18 env cannot set PGHOST: Runbook Pilot sets the libpq variables and DATABASE_URL to the connected"
                        + " target",
                "12:49 FLYWAY_URL references ${PGHOTS}, which Runbook Pilot does not set",
                "13:11 unknown key 'expectExti' in a command check",
                "15:15 a command's verify checks only read; 'execute' cannot be one");
        assertThat(all.get(3).hint()).isEqualTo("did you mean ${PGHOST}?");
        assertThat(all.get(4).hint()).isEqualTo("did you mean 'expectExit'?");
    }

    @Test
    void aCommandNeedsSomethingToRunAndStandsAloneWithItsVerifyChecks() {
        List<RunbookProblem> all = problems(HEAD + """
                      - id: m
                        title: M
                        command: { cwd: app }
                      - id: n
                        title: N
                        command: { run: [] }
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1" }
                """);
        assertThat(all).extracting(p -> at(p) + " " + p.message()).containsExactly(
                "8:18 missing 'run'",
                "11:25 the argv list names no program",
                "12:9 an execute, command or sign-off step stands alone");
    }

    @Test
    void aCommandRunningPsqlWithAutocommitOffIsRefusedWhereItIsWrittenWithWhatToWriteInstead() {
        List<RunbookProblem> all = problems(HEAD + """
                      - id: m
                        title: M
                        command:
                          run: psql -X -v ON_ERROR_STOP=1 -v AUTOCOMMIT=off -f migrate.sql
                      - id: n
                        title: N
                        command: { run: [psql, -X, --set=autocommit=0, -f, migrate.sql] }
                      - id: o
                        title: O
                        command:
                          run: cd db && psql -X -c '\\set AUTOCOMMIT false' -f migrate.sql
                      - id: p
                        title: P
                        command:
                          run: psql -X -1 -v ON_ERROR_STOP=1 -f migrate.sql
                          rollback: { run: "psql -vAUTOCOMMIT=OFF -f rollback.sql" }
                """);
        assertThat(all).extracting(p -> at(p) + " " + p.message()).containsExactly(
                "9:16 the command runs psql with AUTOCOMMIT off ('-v AUTOCOMMIT=off'): a file without COMMIT exits 0"
                        + " and its work is rolled back when psql disconnects, so the step would pass having changed"
                        + " nothing",
                "12:25 the command runs psql with AUTOCOMMIT off ('--set=autocommit=0'): a file without COMMIT exits"
                        + " 0 and its work is rolled back when psql disconnects, so the step would pass having changed"
                        + " nothing",
                "16:16 the command runs psql with AUTOCOMMIT off ('\\set AUTOCOMMIT false'): a file without COMMIT"
                        + " exits 0 and its work is rolled back when psql disconnects, so the step would pass having"
                        + " changed nothing",
                "21:28 the command runs psql with AUTOCOMMIT off ('-vAUTOCOMMIT=OFF'): a file without COMMIT exits 0"
                        + " and its work is rolled back when psql disconnects, so the step would pass having changed"
                        + " nothing");
        assertThat(all.get(0).hint()).contains("psql -1 (--single-transaction)").contains("BEGIN and COMMIT");
    }

    @Test
    void psqlWithAutocommitOnOrAnotherProgramsAutocommitOptionLoads() throws Exception {
        Runbook rb = RunbookLoader.parse(HEAD + """
                      - id: m
                        title: M
                        command: { run: psql -X -v AUTOCOMMIT=on -v ON_ERROR_STOP=1 -f migrate.sql }
                      - id: n
                        title: N
                        command: { run: ./migrate --autocommit=off }
                      - id: o
                        title: O
                        checks:
                          - statusCommand: { run: psql -X -v AUTOCOMMIT=off -c 'SELECT 1', expectOutput: ['1'] }
                """, LoaderProblems.FILE, "0");
        assertThat(rb.steps().count()).isEqualTo(3);
    }

    // ------------------------------------------------------------------ all problems in one pass

    @Test
    void reportsEveryProblemOfAFileInLineOrder() {
        List<RunbookProblem> all = problems("""
                runbook: Five problems
                target:
                  environment: stagng
                phases:
                  - name: One
                    steps:
                      - id: a
                        title: A
                        checks:
                          - query: { sql: "SELECT 1", expect: "= x" }
                          - tabels: { exist: [t] }
                      - id: a
                        title: B
                        checks:
                          - rejects: { sql: "INSERT INTO t VALUES (1)", sqlstate: "2350" }
                """);
        assertThat(all).extracting(LoaderProblems::at)
                .containsExactly("3:16", "10:47", "11:13", "12:13", "15:67");
        assertThat(all).extracting(RunbookProblem::message).containsExactly(
                "unknown environment 'stagng'",
                "'= x' is not an expectation; write one of = N, != N, >= N, <= N, > N, < N, between A and B, "
                        + "'text', empty, not empty, rows = N",
                "unknown check kind 'tabels'",
                "duplicate step id 'a'",
                "'2350' is not a SQLSTATE");
    }

    @Test
    void exceptionMessageListsEveryProblemOnItsOwnLine() {
        RunbookException e = new RunbookException(List.of(
                new RunbookProblem(new SourceLocation(FILE, 3, 16), "first", "do this"),
                new RunbookProblem(new SourceLocation(FILE, 9, 1), "second", null)));
        assertThat(e.getMessage()).isEqualTo(FILE + ":3:16: first (do this)\n" + FILE + ":9:1: second");
    }

    // ------------------------------------------------------------------ files that are odd as a whole

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n\n", "# only a comment\n"})
    void emptyFileIsOneProblem(String text) {
        RunbookProblem p = onlyProblem(text);
        assertThat(at(p)).isEqualTo("1:1");
        assertThat(p.message()).isEqualTo("the file is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"just text", "- a\n- b\n", "---\n", "42"})
    void documentThatIsNoMappingIsOneProblem(String text) {
        RunbookProblem p = onlyProblem(text);
        assertThat(p.message()).startsWith("the runbook must be a mapping (key: value), found ");
    }

    @Test
    void deeplyNestedYamlIsAProblemNotAStackOverflow() {
        String nested = "runbook: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
        assertThat(problems(nested)).isNotEmpty();
    }

    @Test
    void fileThatIsNotUtf8IsRejectedCleanly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("runbook.yaml");
        Files.write(file, new byte[]{'r', 'u', 'n', 'b', 'o', 'o', 'k', ':', ' ', (byte) 0xE9, 't', 'e', '\n'});
        assertThatThrownBy(() -> RunbookLoader.load(file)).isInstanceOfSatisfying(RunbookException.class, e ->
                assertThat(e.problems()).singleElement().satisfies(p -> {
                    assertThat(p.message()).isEqualTo("the file is not valid UTF-8");
                    assertThat(p.location().file()).isEqualTo(file);
                }));
    }

    @Test
    void invalidUtf8IsRefusedAtTheLineAndColumnOfTheByte(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("runbook.yaml");
        byte[] head = "runbook: Tëst\ntarget: { environment: development }\nversion: x".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 3];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xE9;
        bytes[head.length + 1] = 'y';
        bytes[head.length + 2] = '\n';
        Files.write(file, bytes);
        assertThatThrownBy(() -> RunbookLoader.load(file)).isInstanceOfSatisfying(RunbookException.class, e ->
                assertThat(e.problems()).extracting(LoaderProblems::at).containsExactly("3:11"));
    }

    @Test
    void deepNestingIsRefusedWhereItGoesTooDeep() {
        RunbookProblem p = onlyProblem("runbook: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
        assertThat(p.message()).isEqualTo("nested deeper than 64 levels");
        assertThat(at(p)).isEqualTo("1:73");
    }

    /** Jackson hands an alias over as the anchor's name: {@code sql: *q} would run the SQL "q". */
    @Test
    void aliasIsRefusedWhereItStands() {
        String yaml = HEAD + """
                      - id: s
                        title: S
                        checks:
                          - query: { sql: &q "SELECT 1", expect: "= 1" }
                          - query: { sql: *q, expect: "= 1" }
                """;
        List<RunbookProblem> all = problems(yaml);
        assertThat(all).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo("YAML alias '*q' is not supported");
            assertThat(p.location().line()).isEqualTo(yaml.split("\n").length);
        });
    }

    @Test
    void secondYamlDocumentIsRefusedWhereItStarts() throws Exception {
        String valid = Files.readString(fixture("valid/minimal/runbook.yaml"));
        int lines = valid.split("\n", -1).length;
        RunbookProblem p = onlyProblem(valid + (valid.endsWith("\n") ? "" : "\n") + "---\nrunbook: other\n");
        assertThat(p.message()).isEqualTo("a second YAML document: a runbook file holds one");
        assertThat(p.location().line()).isGreaterThanOrEqualTo(lines);
    }

    /** A multi-megabyte scalar once took 21 s and 850 MB before the parser gave up on it. */
    @Test
    void oversizedFileIsRefusedQuicklyAtTheLimit(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, "runbook: T\ndescription: " + "x".repeat(4 * 1024 * 1024) + "\n");
        long start = System.nanoTime();
        assertThatThrownBy(() -> RunbookLoader.load(file)).isInstanceOfSatisfying(RunbookException.class, e ->
                assertThat(e.problems()).singleElement().satisfies(p -> {
                    assertThat(p.message()).isEqualTo("the runbook is larger than 256 KiB");
                    // Line 2 starts at byte 11; the first byte beyond the limit is byte MAX_BYTES (from 0).
                    assertThat(at(p)).isEqualTo("2:" + (RunbookLoader.MAX_BYTES - 11 + 1));
                }));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(problems("runbook: " + "x".repeat(RunbookLoader.MAX_CHARS))).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("the runbook is larger than"));
    }

    @Test
    void missingFileIsRejectedCleanly(@TempDir Path dir) {
        assertThatThrownBy(() -> RunbookLoader.load(dir.resolve("nope.yaml")))
                .isInstanceOfSatisfying(RunbookException.class, e ->
                        assertThat(e.problems().get(0).message()).startsWith("cannot read the runbook"));
    }

    @Test
    void byteOrderMarkIsIgnoredAndHashedWithTheFile(@TempDir Path dir) throws Exception {
        byte[] text = Files.readAllBytes(fixture("valid/minimal/runbook.yaml"));
        byte[] withBom = new byte[text.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withBom, 3, text.length);
        Path file = dir.resolve("runbook.yaml");
        Files.write(file, withBom);
        Runbook rb = RunbookLoader.load(file);
        assertThat(rb.title()).isEqualTo("Smallest useful runbook");
        assertThat(rb.sha256()).isEqualTo(RunbookLoader.sha256(withBom));
    }

    @Test
    void byteOrderMarkDoesNotShiftColumns() {
        RunbookProblem p = problems("\uFEFFrunbok: T\n").stream()
                .filter(q -> q.message().startsWith("unknown key")).findFirst().orElseThrow();
        assertThat(p.message()).isEqualTo("unknown key 'runbok' in the runbook");
        assertThat(at(p)).isEqualTo("1:1");
    }

    @Test
    void crlfLineEndingsLoadAndKeepLineNumbers(@TempDir Path dir) throws Exception {
        String lf = Files.readString(fixture("valid/minimal/runbook.yaml"));
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, lf.replace("\n", "\r\n"));
        assertThat(RunbookLoader.load(file).steps()).hasSize(1);

        Files.writeString(file, lf.replace("\"= 1\"", "\"= one\"").replace("\n", "\r\n"));
        assertThatThrownBy(() -> RunbookLoader.load(file)).isInstanceOfSatisfying(RunbookException.class, e ->
                assertThat(e.problems()).extracting(LoaderProblems::at).containsExactly("9:47"));
    }

    /**
     * Whatever an editor leaves behind, loading ends in a runbook or a RunbookException whose every problem says
     * where (line and column): never another exception, never a message without a place. Mutations of a valid
     * runbook reach the odd corners (cut quotes, broken indentation, stray indicators, bytes of another encoding,
     * runs of brackets) that hand-written cases miss.
     */
    @Test
    void mutatedRunbooksOnlyEverFailWithProblemsThatSayWhere() throws Exception {
        Path file = fixture("valid/all-kinds/runbook.yaml");
        String original = Files.readString(file, StandardCharsets.UTF_8);
        Random random = new Random(20240611L);
        String indicators = ":-{}[],'\"#&*!|>%@` \t\n?\\0123456789";
        int loaded = 0;
        for (int i = 0; i < 2000; i++) {
            StringBuilder text = new StringBuilder(original);
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) mutate(text, random, indicators);
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(8) == 0) bytes = withForeignByte(bytes, random);
            try {
                RunbookLoader.parse(bytes, file);
                loaded++;
            } catch (RunbookException e) {
                assertThat(e.problems()).as("iteration %d", i).isNotEmpty();
                for (RunbookProblem p : e.problems()) {
                    assertThat(p.message()).isNotBlank();
                    assertThat(p.location().line()).as("line of '%s' (iteration %d)", p, i).isPositive();
                    assertThat(p.location().column()).as("column of '%s' (iteration %d)", p, i).isPositive();
                }
            } catch (RuntimeException | StackOverflowError e) {
                fail("iteration " + i + " threw " + e + " for:\n" + new String(bytes, StandardCharsets.UTF_8), e);
            }
        }
        assertThat(loaded).as("some mutations are harmless (comments, values)").isPositive();
    }

    /** A Latin-1 or stray continuation byte, as a file edited in another encoding would hold. */
    private static byte[] withForeignByte(byte[] bytes, Random random) {
        byte[] foreign = {(byte) 0xE9, (byte) 0xFF, (byte) 0x80, (byte) 0xC3, (byte) 0xF0};
        int at = random.nextInt(bytes.length + 1);
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, at);
        out[at] = foreign[random.nextInt(foreign.length)];
        System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
        return out;
    }

    private static void mutate(StringBuilder text, Random random, String indicators) {
        if (text.length() < 2) {
            text.append(indicators.charAt(random.nextInt(indicators.length())));
            return;
        }
        int at = random.nextInt(text.length());
        switch (random.nextInt(8)) {
            case 0 -> text.deleteCharAt(at);
            case 7 -> text.insert(at, String.valueOf("[{".charAt(random.nextInt(2))).repeat(50 + random.nextInt(2000)));
            case 1 -> text.insert(at, text.charAt(at));
            case 2 -> {
                int next = Math.min(at + 1, text.length() - 1);
                char c = text.charAt(at);
                text.setCharAt(at, text.charAt(next));
                text.setCharAt(next, c);
            }
            case 3 -> text.insert(at, indicators.charAt(random.nextInt(indicators.length())));
            default -> {
                List<String> lines = new ArrayList<>(List.of(text.toString().split("\n", -1)));
                int a = random.nextInt(lines.size());
                int b = random.nextInt(lines.size());
                switch (random.nextInt(3)) {
                    case 0 -> lines.remove(a);
                    case 1 -> lines.add(b, lines.get(a));
                    default -> {
                        String t = lines.get(a);
                        lines.set(a, lines.get(b));
                        lines.set(b, t);
                    }
                }
                text.setLength(0);
                text.append(String.join("\n", lines));
            }
        }
    }
}
