package dev.runbookpilot.report;

import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionFixture;
import dev.runbookpilot.session.SessionState;

import java.util.List;
import java.util.Map;

import static dev.runbookpilot.session.SessionFixture.step;

/**
 * A real session on the embedded PostgreSQL whose report has every kind of content: passed, failed and waived
 * checks, row counts before and after a migration, a manual confirmation, sign-offs by people with accented and
 * CJK names, and text that would break a careless HTML writer.
 */
final class SignedReportFixture {
    static final String OPERATOR = "José Ñúñez 山田太郎";
    static final String SIGNER = "Zoë Łukasiewicz 李小龍";
    static final String SETUP = """
            CREATE TABLE customers (id int PRIMARY KEY, name text);
            INSERT INTO customers VALUES (1, 'a'), (2, 'b');
            CREATE TABLE orders (id int PRIMARY KEY, customer_id int, total numeric);
            INSERT INTO orders SELECT g, 1 + g % 2, g * 10 FROM generate_series(1, 5) g;
            """;
    static final String RUNBOOK = """
            runbook: "Shop migration <&> “quoted” Ünïcode 移行"
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
                      - query: { name: "order count <b>&amp;</b>", sql: "SELECT count(*) FROM orders", expect: "= 99" }
                      - query: { name: broken query, sql: "SELECT * FROM no_such_table", expect: "= 1" }
              - name: Sign-off
                steps:
                  - id: signoff
                    title: Sign-off
                    signoff: { roles: [DBA, Backend lead] }
            """;

    private SignedReportFixture() {}

    /** Runs the whole runbook against a fresh database and returns the replayed journal. */
    static SessionState finishedSession(SessionFixture f) throws Exception {
        return SessionState.replay(finishedJournal(f).events());
    }

    /** Runs the whole runbook against a fresh database and returns its journal as one read finds it. */
    static Journal.Snapshot finishedJournal(SessionFixture f) throws Exception {
        Runbook rb = f.runbook(RUNBOOK.replace("DBNAME", f.database), Map.of("migrate.sql",
                "INSERT INTO orders VALUES (6, 1, 60), (7, 2, 70), (8, 1, 80);\n"));
        try (Session s = f.start(rb, OPERATOR, RunListener.NONE)) {
            for (String id : List.of("baseline", "migrate", "verify")) s.runChecks(step(rb, id), Session.Scope.ALL);
            s.confirm(step(rb, "backup"), 0, "s3://backups/shop-2024-05-01.dump — “checked” by 山田");
            s.waive(step(rb, "verify"), 2, "order count differs by design, see OPS-42 <script>");
            s.sign(step(rb, "signoff"), "DBA", SIGNER);
            s.sign(step(rb, "signoff"), "Backend lead", "Ана Петрова");
            s.finish();
            return Journal.snapshot(s.journalFile());
        }
    }
}
