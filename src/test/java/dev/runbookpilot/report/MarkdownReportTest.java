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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
                      - query: { name: no negative totals, expect: "= 0",
                                 sql: "SELECT count(*) FROM orders WHERE total < 0" }
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
        // Two failures were accepted: the verdict says so, it is not a plain PASSED.
        assertThat(passed).contains("**Verdict: PASSED WITH WAIVERS**").doesNotContain("**Verdict: PASSED**")
                .contains("- Backend lead: **Bob Jones**");

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

    @Test
    void anUndeclaredSchemaChangeIsNamedInWordsInTheReport() throws Exception {
        SessionFixture f = fixture(SETUP);
        Runbook rb = f.runbook("""
                runbook: Storage tuning
                target: { environment: staging }
                phases:
                  - name: Change
                    steps:
                      - id: before
                        title: Before
                        checks:
                          - snapshot: { name: before, rowCounts: [orders] }
                      - id: migrate
                        title: Tune
                        execute: { file: migrate.sql }
                      - id: verify
                        title: Nothing else changed
                        checks:
                          - schemaDiff: { compareTo: before }
                """, Map.of("migrate.sql", "ALTER TABLE orders SET (fillfactor = 70);\n"));
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            for (String id : List.of("before", "migrate", "verify")) s.runChecks(step(rb, id), Session.Scope.ALL);
            assertThat(s.state().result("verify", 0).orElseThrow().status()).isEqualTo(Status.FAILED);
            assertThat(render(s.state())).contains("| changed | table:orders: fillfactor (default) → 70 | **no** |");
        }
    }

    @Test
    void textFromTheRunbookOrTheOperatorCannotBreakTablesOrAddHtml() throws Exception {
        SessionFixture f = fixture(SETUP);
        String evilSql = "SELECT 0\\n~~~~\\n<script>alert('sql')</script>\\n```\\n-- end";
        Runbook rb = f.runbook("""
                runbook: "Evil | title # <script>alert(1)</script>\\n# Forged heading\\n---"
                target: { environment: development }
                phases:
                  - name: "Phase |x| <b>bold</b>\\n\\n## Forged phase"
                    steps:
                      - id: s1
                        title: "Step <img src=x onerror=alert(2)>\\n| a | b |\\n|---|---|"
                        checks:
                          - query: { name: "name | with | pipes\\n<iframe>\\n\\n# heading",
                                     sql: "SELECT 1", expect: "= 2" }
                          - query: { name: fenced, sql: "%s", expect: "= 0" }
                      - id: s2
                        title: Notes
                        manual: "Confirm <u>this</u>"
                """.formatted(evilSql));
        String md;
        try (Session s = f.start(rb, "mallory <b>", RunListener.NONE)) {
            s.runChecks(step(rb, "s1"), Session.Scope.ALL);
            s.waive(step(rb, "s1"), 0, "reason\n\n<script>alert(3)</script>\n---\n# Forged waiver heading");
            s.confirm(step(rb, "s2"), 0, "note | with pipe\n</details>\n\n<script>alert(4)</script>\n===");
            md = render(s.state());
        }

        List<String> problems = MarkdownLint.problems(md);
        assertThat(problems).as(md).isEmpty();
        assertThat(md).contains("Evil \\| title \\# &lt;script&gt;");
    }

    /**
     * Reads rendered Markdown the way a CommonMark renderer would, enough to notice text that escaped its place:
     * a heading, rule or block the report did not write, HTML other than the report's own tags, a table row
     * whose cell count differs from its header's, or a code fence closed early.
     */
    static final class MarkdownLint {
        private static final Pattern TAG = Pattern.compile("<(/?[A-Za-z][A-Za-z0-9]*)[^>]*>");
        private static final List<String> OUR_TAGS = List.of("details", "/details", "summary", "/summary", "br");
        private static final Pattern HEADING = Pattern.compile(
                "# Sign-off report: .*|## .*|### .* — .*|### Q\\d+");
        private static final List<String> BLOCK_STARTS = List.of("**Verdict: ", "|", "- ", "<details><summary>",
                "</details>", "Step `", "Error", "None.", "This runbook has no sign-off step.", "Missing:",
                "Unexpected:", "Mismatched:", "Accepted with a waiver:", "Skipped (optional steps, not counted as passed):", "Found:", "Notices received:", "Expected notices missing:",
                "(more rows not shown)", "Paths are relative to the runbook's folder", "This runbook runs no migration file.",
                "Each check names the SQL it ran", "Run by ", "> ", ">");
        private static final Pattern FENCE = Pattern.compile("^(`{3,}|~{3,})(.*)$");

        static List<String> problems(String md) {
            List<String> problems = new ArrayList<>();
            String[] lines = md.split("\n", -1);
            String openFence = null;
            int tableColumns = -1;
            for (int n = 0; n < lines.length; n++) {
                String line = lines[n];
                String where = "line " + (n + 1) + ": " + line;
                if (openFence != null) {
                    if (line.strip().matches(Pattern.quote(openFence.substring(0, 1)) + "{" + openFence.length()
                            + ",}")) {
                        openFence = null;
                    }
                    continue;
                }
                Matcher fence = FENCE.matcher(line);
                if (fence.matches()) {
                    openFence = fence.group(1);
                    tableColumns = -1;
                    continue;
                }
                if (line.isBlank()) {
                    tableColumns = -1;
                    continue;
                }
                if (line.startsWith("#")) {
                    if (!HEADING.matcher(line).matches()) problems.add("forged heading, " + where);
                    // Text from the journal is escaped, so a heading never holds a second heading marker.
                    if (line.replaceFirst("^#+ ", "").matches("(?s).*(?<!\\\\)#.*")) {
                        problems.add("unescaped # in heading, " + where);
                    }
                } else if (BLOCK_STARTS.stream().noneMatch(line::startsWith)) {
                    problems.add("text outside the report's structure, " + where);
                }
                Matcher tag = TAG.matcher(line);
                while (tag.find()) {
                    if (!OUR_TAGS.contains(tag.group(1).toLowerCase())) {
                        problems.add("HTML " + tag.group() + ", " + where);
                    }
                }
                if (line.startsWith("|")) {
                    int cells = cells(line);
                    if (tableColumns < 0) tableColumns = cells;
                    else if (cells != tableColumns) {
                        problems.add(cells + " cells instead of " + tableColumns + ", " + where);
                    }
                    if (!line.endsWith("|")) problems.add("table row not closed, " + where);
                } else {
                    tableColumns = -1;
                }
            }
            if (openFence != null) problems.add("code fence " + openFence + " never closed");
            return problems;
        }

        /** Pipes not escaped by a backslash (an escaped backslash does not escape the pipe after it). */
        private static int cells(String row) {
            int pipes = 0;
            int backslashes = 0;
            for (char c : row.toCharArray()) {
                if (c == '|' && backslashes % 2 == 0) pipes++;
                backslashes = c == '\\' ? backslashes + 1 : 0;
            }
            return pipes - 1;
        }
    }
}
