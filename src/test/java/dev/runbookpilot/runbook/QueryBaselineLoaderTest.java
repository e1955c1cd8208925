package dev.runbookpilot.runbook;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.runbookpilot.runbook.LoaderProblems.onlyProblem;
import static dev.runbookpilot.runbook.LoaderProblems.at;
import static dev.runbookpilot.runbook.LoaderProblems.FILE;

/** Hot queries in a snapshot and explain checks that compare to them, as the loader reads and refuses them. */
class QueryBaselineLoaderTest {

    private static final String HEAD = """
            runbook: Test
            target: { environment: staging }
            phases:
              - name: Check
                steps:
                  - id: before
                    title: Before
                    checks:
                      - snapshot:
                          name: before
                          rowCounts: [orders]
                          queries:
                            by_customer: SELECT * FROM orders WHERE customer_id = 42
                            open_total:
                              sql: SELECT sum(amount) FROM orders WHERE status = 'open'
                              runs: 9
                  - id: after
                    title: After
                    checks:
            """;

    @Test
    void readsHotQueriesAndComparisonsByNameAndBySql() throws Exception {
        Runbook rb = RunbookLoader.parse(HEAD + """
                          - explain: { compareTo: before, query: by_customer, slowerBy: "< 10%" }
                          - explain:
                              compareTo: before
                              query: open_total
                              sql: SELECT sum(amount) FROM purchases WHERE status = 'open'
                              slowerBy: 0%
                              runs: 7
                          - explain: { compareTo: before, sql: "SELECT * FROM orders WHERE customer_id = 42" }
                """, FILE, "0");
        CheckSpec.Snapshot snap = (CheckSpec.Snapshot) rb.phases().get(0).steps().get(0).checks().get(0);
        assertThat(snap.queries()).containsExactly(
                new CheckSpec.HotQuery("by_customer", "SELECT * FROM orders WHERE customer_id = 42", 5),
                new CheckSpec.HotQuery("open_total", "SELECT sum(amount) FROM orders WHERE status = 'open'", 9));
        List<CheckSpec> after = rb.phases().get(0).steps().get(1).checks();
        CheckSpec.ExplainCompare byName = (CheckSpec.ExplainCompare) after.get(0);
        assertThat(byName.kind()).isEqualTo("explain");
        assertThat(byName.query()).isEqualTo("by_customer");
        assertThat(byName.sql()).as("what runs now is the runbook's text, not the journal's")
                .isEqualTo("SELECT * FROM orders WHERE customer_id = 42");
        assertThat(byName.slowerByPercent()).isEqualTo(10);
        assertThat(byName.runs()).isNull();
        CheckSpec.ExplainCompare renamed = (CheckSpec.ExplainCompare) after.get(1);
        assertThat(renamed.sql()).contains("purchases");
        assertThat(renamed.slowerByPercent()).isZero();
        assertThat(renamed.runs()).isEqualTo(7);
        CheckSpec.ExplainCompare bySql = (CheckSpec.ExplainCompare) after.get(2);
        assertThat(bySql.query()).isNull();
        assertThat(bySql.slowerByPercent()).as("the seed checklists' 10% when not given").isEqualTo(10);
    }

    @Test
    void specsBuiltWithoutTheLoaderCannotRestOnTooFewRunsOrNameNoQuery() {
        CheckSpec.Meta meta = new CheckSpec.Meta(null, null, null);
        assertThatThrownBy(() -> new CheckSpec.HotQuery("q", "SELECT 1", 1)).hasMessageContaining("between 3");
        assertThatThrownBy(() -> new CheckSpec.ExplainCompare(meta, "before", "q", null, 10, 2))
                .hasMessageContaining("between 3");
        assertThatThrownBy(() -> new CheckSpec.ExplainCompare(meta, "before", null, " ", 10, null))
                .hasMessageContaining("name or its SQL");
        assertThatThrownBy(() -> new CheckSpec.ExplainCompare(meta, "before", "q", null, -1, null))
                .hasMessageContaining("at least 0");
        assertThatThrownBy(() -> new CheckSpec.Snapshot(meta, "before", List.of(), true, null, List.of(
                new CheckSpec.HotQuery("q", "SELECT 1", 3), new CheckSpec.HotQuery("q", "SELECT 2", 3))))
                .hasMessageContaining("its own name");
    }

    @Test
    void aHotQueryThatWritesIsRefusedWhereItIsWritten() {
        RunbookProblem p = onlyProblem("""
                runbook: Test
                target: { environment: staging }
                phases:
                  - name: Check
                    steps:
                      - id: before
                        title: Before
                        checks:
                          - snapshot:
                              name: before
                              queries:
                                purge: DELETE FROM orders WHERE id < 10
                """);
        assertThat(p.toString()).startsWith(FILE + ":12:24: hot query 'purge': 'DELETE' is not allowed here");
        assertThat(p.hint()).startsWith("it runs for real under EXPLAIN ANALYZE, so it must only read");
    }

    @Test
    void tooFewRunsAreRefusedWithTheReason() {
        RunbookProblem p = onlyProblem(HEAD.replace("runs: 9", "runs: 1") + """
                          - explain: { compareTo: before, query: by_customer }
                """);
        assertThat(at(p)).isEqualTo("16:25");
        assertThat(p.message()).isEqualTo("runs must be between 3 and 100, found 1");
        assertThat(p.hint()).contains("rests on one or two samples");
    }

    @Test
    void anUnknownQueryNameSuggestsTheClosest() {
        RunbookProblem p = onlyProblem(HEAD + """
                          - explain: { compareTo: before, query: by_custmer }
                """);
        assertThat(at(p)).isEqualTo("20:50");
        assertThat(p.message()).isEqualTo("snapshot 'before' times no query 'by_custmer'");
        assertThat(p.hint()).isEqualTo("did you mean 'by_customer'?");
    }

    @Test
    void sqlThatNoBaselineHasAsksForTheQueryName() {
        RunbookProblem p = onlyProblem(HEAD + """
                          - explain: { compareTo: before, sql: "SELECT * FROM orders WHERE id = 1" }
                """);
        assertThat(at(p)).isEqualTo("20:48");
        assertThat(p.message()).isEqualTo("snapshot 'before' times no query with this SQL");
        assertThat(p.hint()).contains("by_customer, open_total");
    }

    @Test
    void aSlowerByThatIsNoPercentageIsRefused() {
        RunbookProblem p = onlyProblem(HEAD + """
                          - explain: { compareTo: before, query: by_customer, slowerBy: "a bit" }
                """);
        assertThat(at(p)).isEqualTo("20:73");
        assertThat(p.message()).isEqualTo("slowerBy 'a bit' is not a percentage");
    }

    @Test
    void aComparisonWithAPlanExpectationIsRefused() {
        RunbookProblem p = onlyProblem(HEAD + """
                          - explain: { compareTo: before, query: by_customer, expect: indexScan }
                """);
        assertThat(at(p)).isEqualTo("20:63");
        assertThat(p.message()).isEqualTo("'expect' does not go with compareTo");
    }

    @Test
    void baselineOptionsWithoutCompareToAreRefused() {
        RunbookProblem p = onlyProblem(HEAD + """
                          - explain: { sql: "SELECT 1", expect: noSeqScan, slowerBy: "< 10%" }
                """);
        assertThat(at(p)).isEqualTo("20:60");
        assertThat(p.message()).isEqualTo("'slowerBy' compares with a baseline, and this check names none");
    }

    @Test
    void aComparisonNeedsTheQuerysNameOrSql() {
        RunbookProblem p = onlyProblem(HEAD + """
                          - explain: { compareTo: before }
                """);
        assertThat(at(p)).isEqualTo("20:13");
        assertThat(p.message()).startsWith("a comparison needs the hot query");
    }

    @Test
    void aComparisonToASnapshotTakenLaterIsRefused() {
        RunbookProblem p = onlyProblem("""
                runbook: Test
                target: { environment: staging }
                phases:
                  - name: Check
                    steps:
                      - id: after
                        title: After
                        checks:
                          - explain: { compareTo: later, query: q }
                      - id: take
                        title: Take
                        checks:
                          - snapshot: { name: later, queries: { q: SELECT 1 } }
                """);
        assertThat(at(p)).isEqualTo("9:35");
        assertThat(p.message()).startsWith("snapshot 'later' is compared to before it is taken");
    }
}
