package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/** The object checks of a step, run side by side, read the catalogs they compare once for all of them. */
class StepCatalogTest {
    private static final String SETUP = """
            CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
            CREATE TABLE lines (id int PRIMARY KEY, item_id int NOT NULL REFERENCES items);
            CREATE INDEX lines_item_id_idx ON lines (item_id);
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
            CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();
            CREATE VIEW named_items AS SELECT id, name FROM items;
            """;

    @TempDir
    Path dir;
    /** The database of the last {@link #run}, gone from the pool once it returns. */
    private String lastDatabase;

    private static String runbook(List<String> checks) {
        StringBuilder b = new StringBuilder("""
                runbook: Step catalog
                version: "1"
                target:
                  environment: development
                phases:
                  - name: Checks
                    steps:
                      - id: objects
                        title: Objects
                        checks:
                """);
        for (String c : checks) b.append("          - ").append(c).append('\n');
        return b.toString();
    }

    /** Runs the runbook's one step on a database of its own, and returns its results. */
    private List<CheckResult> run(String name, List<String> checks) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        try (SessionFixture f = SessionFixture.open("stepcat", SETUP, folder)) {
            Runbook rb = f.runbook(runbook(checks));
            Step s = step(rb, "objects");
            List<CheckResult> results = new ArrayList<>();
            try (Session session = f.start(rb, "alice", RunListener.NONE)) {
                session.runChecks(s, Session.Scope.ALL);
                for (int i = 0; i < checks.size(); i++) results.add(session.state().result("objects", i).orElseThrow());
            }
            lastDatabase = f.database;
            return results;
        }
    }

    /**
     * Transactions the database has seen, committed or rolled back, once every backend on it has gone: a backend
     * hands its statistics over as it exits, so the count is complete.
     */
    private static long transactions(String database) throws Exception {
        try (Connection c = TestPostgres.connect("postgres")) {
            for (int i = 0; i < 300; i++) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
                    ps.setString(1, database);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 0) break;
                    }
                }
                Thread.sleep(100);
            }
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_stat_clear_snapshot()");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = ?")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }

    @Test
    void aStepOfObjectChecksReadsItsCatalogsOnceNotOncePerCheck() throws Exception {
        List<String> one = List.of("tables: { exist: [items] }");
        List<String> many = new ArrayList<>(one);
        for (String t : List.of("items", "lines")) {
            many.add("tables: { exist: [" + t + "] }");
            many.add("columns: { table: " + t + ", include: [{ name: id, type: integer }] }");
            many.add("indexes: { table: " + t + ", exist: [" + t + "_pkey] }");
            many.add("constraints: { table: " + t + ", exist: [" + t + "_pkey] }");
        }
        many.add("triggers: { table: items, exist: [items_touch] }");
        many.add("views: { exist: [named_items] }");
        many.add("functions: { exist: [touch] }");

        List<CheckResult> alone = run("one", one);
        long oneCheck = transactions(lastDatabase);
        List<CheckResult> together = run("many", many);
        long manyChecks = transactions(lastDatabase);

        assertThat(alone).extracting(CheckResult::status).containsOnly(Status.PASSED);
        assertThat(together).extracting(CheckResult::status).containsOnly(Status.PASSED);
        // Each check reading on its own took a read-only transaction and two isolation changes: 11 more checks cost
        // 55 more transactions. Read once for the step, they cost none.
        int extraChecks = many.size() - one.size();
        assertThat(manyChecks - oneCheck).as("transactions for %d more object checks", extraChecks)
                .isLessThan(extraChecks);
    }

    @Test
    void everyObjectCheckSharingAFailedReadIsAnErrorNeverAPass() throws Exception {
        // On a schema that does not exist an empty catalog would make every "absent" and "= 0" check pass.
        List<CheckResult> results = run("failed", List.of(
                "tables: { schema: no_such_schema, absent: [items] }",
                "indexes: { schema: no_such_schema, absent: [items_pkey] }",
                "views: { schema: no_such_schema, count: \"= 0\" }"));

        assertThat(results).extracting(CheckResult::status).containsOnly(Status.ERROR);
        assertThat(results).extracting(CheckResult::sqlState).containsOnly("3F000");
        assertThat(results).extracting(CheckResult::error).allSatisfy(e -> assertThat(e).contains("no_such_schema"));
    }

    @Test
    void eachCheckSharingTheStepsReadIsJudgedOnItsOwnKind() throws Exception {
        List<CheckResult> results = run("mixed", List.of(
                "tables: { exist: [items, lines], absent: [named_items] }",
                "columns: { table: items, include: [{ name: name, type: text, nullable: false }] }",
                "indexes: { table: lines, exact: [lines_pkey, lines_item_id_idx] }",
                "constraints: { table: lines, where: { type: foreign key }, count: \"= 2\" }",
                "triggers: { table: lines, absent: [items_touch] }",
                "views: { exist: [named_items], absent: [items] }",
                "functions: { exist: [no_such_function] }",
                "columns: { table: items, timeout: 5s, include: [{ name: id, type: bigint }] }"));

        assertThat(results).extracting(CheckResult::status).containsExactly(Status.PASSED, Status.PASSED,
                Status.PASSED, Status.FAILED, Status.PASSED, Status.PASSED, Status.FAILED, Status.FAILED);
        assertThat(results.get(3).actual()).contains("count = 1");
        assertThat(results.get(7).actual()).contains("integer");
    }
}
