package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionFixture;
import dev.runbookpilot.session.SessionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

class MarkdownReportTest {
    private static final String PASSWORD = "pw-Zq7!never-in-reports";
    private static final String SETUP = """
            CREATE TABLE customers (id int PRIMARY KEY, name text);
            INSERT INTO customers VALUES (1, 'a'), (2, 'b');
            CREATE TABLE orders (id int PRIMARY KEY, customer_id int, total numeric);
            INSERT INTO orders SELECT g, 1 + g % 2, g * 10 FROM generate_series(1, 5) g;
            """;
    private static final String RUNBOOK = """
            runbook: Shop migration
            version: "2.1"
            target:
              environment: staging
              database: DBNAME
            phases:
              - name: Pre-migration
                steps:
                  - id: baseline
                    title: Record the state before the change
                    checks:
                      - snapshot: { name: before, rowCounts: [orders, customers] }
                  - id: backup
                    title: Backup stored off-server
                    manual: Copy the dump to external storage and paste its location.
                    requireNote: true
                  - id: maintenance
                    title: Maintenance page is up
                    manual: The maintenance page is shown.
              - name: Execute
                steps:
                  - id: migrate
                    title: Add three orders
                    execute: { file: migrate.sql }
              - name: Verify
                steps:
                  - id: verify
                    title: Data is as expected
                    checks:
                      - rowCounts: { name: counts vs before, compareTo: before, tolerance: 5 }
                      - query: { name: no negative totals, sql: "SELECT count(*) FROM orders WHERE total < 0", expect: "= 0" }
                      - query: { name: order count, sql: "SELECT count(*) FROM orders", expect: "= 99" }
                      - query: { name: customer count, sql: "SELECT count(*) FROM customers", expect: "= 7" }
              - name: Sign-off
                steps:
                  - id: signoff
                    title: Sign-off
                    signoff: { roles: [DBA, Backend lead] }
            """;

    @TempDir
    Path dir;
    private SessionFixture fx;

    @AfterEach
    void close() {
        if (fx != null) fx.close();
    }

    private SessionFixture fixture(String setup) throws Exception {
        Properties props = new Properties();
        props.setProperty("password", PASSWORD);
        fx = SessionFixture.open("report", setup, dir, props);
        return fx;
    }

    private static String render(SessionState state) {
        return MarkdownReport.render(ReportBuilder.build(state));
    }

    @Test
    void theReportShowsEverythingTheJournalProvesAndNeverThePassword() throws Exception {
        SessionFixture f = fixture(SETUP);
        Runbook rb = f.runbook(RUNBOOK.replace("DBNAME", f.database), Map.of("migrate.sql",
                "INSERT INTO orders VALUES (6, 1, 60), (7, 2, 70), (8, 1, 80);\n"));
        String serverVersion = f.db.serverInfo().serverVersion();
        Path journalFile;
        String failed;
        String incomplete;
        String passed;
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            journalFile = s.journalFile();
            for (String id : List.of("baseline", "migrate", "verify")) s.runChecks(step(rb, id), Session.Scope.ALL);
            s.confirm(step(rb, "backup"), 0, "s3://backups/shop-2024-05-01.dump");
            s.waive(step(rb, "verify"), 2, "order count differs by design, see OPS-42");
            s.sign(step(rb, "signoff"), "DBA", "Alice Smith");
            failed = render(s.state());

            List<CheckResult> results = new ArrayList<>();
            for (String id : List.of("baseline", "migrate", "verify")) {
                for (int i = 0; i < step(rb, id).checks().size(); i++) {
                    results.add(s.state().result(id, i).orElseThrow());
                }
            }
            assertThat(results).extracting(CheckResult::status).contains(Status.PASSED, Status.FAILED);
            for (CheckResult r : results) {
                assertThat(failed).as(r.key() + " expected").contains(MarkdownReport.cell(r.expected()));
                assertThat(failed).as(r.key() + " actual").contains(MarkdownReport.cell(r.actual()));
            }

            s.waive(step(rb, "verify"), 3, "customers are loaded tomorrow");
            incomplete = render(s.state());

            s.confirm(step(rb, "maintenance"), 0, null);
            s.sign(step(rb, "signoff"), "Backend lead", "Bob Jones");
            s.finish();
            passed = render(s.state());
        }

        assertThat(failed)
                .startsWith("# Sign-off report: Shop migration\n")
                .contains("**Verdict: FAILED**")
                .contains("| Runbook SHA-256 | `" + rb.sha256() + "` |")
                .contains("| Target | "
                        + MarkdownReport.cell("postgres@localhost:" + f.connection().port() + "/" + f.database))
                .contains("PostgreSQL " + serverVersion)
                .contains("| Operator | alice |")
                .contains("| Environment | staging |")
                .contains("SELECT count(*) FROM orders WHERE total < 0")
                .contains("| orders | orders | 5 | 8 | +3 | ✅ PASSED |")
                .contains("| customers | customers | 2 | 2 | 0 | ✅ PASSED |")
                .contains("order count differs by design, see OPS-42")
                .contains("s3://backups/shop-2024-05-01.dump")
                .contains("- DBA: **Alice Smith**")
                .contains("- Backend lead: _not signed_")
                .contains("⚠️ WAIVED").contains("❌ FAILED").contains("☑️ CONFIRMED").contains("⏳ PENDING");
        assertThat(incomplete).contains("**Verdict: INCOMPLETE**").contains("customers are loaded tomorrow");
        assertThat(passed).contains("**Verdict: PASSED**").contains("- Backend lead: **Bob Jones**");

        String journal = Files.readString(journalFile);
        assertThat(journal).doesNotContain(PASSWORD);
        for (String md : List.of(failed, incomplete, passed)) assertThat(md).doesNotContain(PASSWORD);

        // The report comes from the journal alone: without the runbook and its SQL, a replay renders the same bytes.
        Files.delete(rb.file());
        Files.delete(dir.resolve("migrate.sql"));
        String replayed = render(SessionState.replay(Journal.read(journalFile)));
        assertThat(replayed).isEqualTo(passed);
        assertThat(render(SessionState.replay(Journal.read(journalFile)))).isEqualTo(replayed);
    }

    @Test
    void signedRolesAreListedInTheRunbooksOrderWhateverTheOrderOfSigning() throws Exception {
        SessionFixture f = fixture(null);
        Runbook rb = f.runbook("""
                runbook: Many signatures
                target: { environment: production }
                phases:
                  - name: Sign-off
                    steps:
                      - id: signoff
                        title: Sign-off
                        signoff: { roles: [DBA, Backend lead, Product owner, Security, SRE on call] }
                """);
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            for (String role : List.of("SRE on call", "Security", "DBA", "Product owner", "Backend lead")) {
                s.sign(step(rb, "signoff"), role, "Name of " + role);
            }
            // Map iteration order differs between JVM runs; the bytes of a report must not.
            Report.CheckReport check = ReportBuilder.build(s.state()).phases().get(0).steps().get(0).checks().get(0);
            assertThat(check.actual()).isEqualTo("DBA: Name of DBA; Backend lead: Name of Backend lead; "
                    + "Product owner: Name of Product owner; Security: Name of Security; "
                    + "SRE on call: Name of SRE on call");
        }
    }
}
