package dev.runbookpilot.runbook;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.runbookpilot.runbook.LoaderProblems.onlyProblem;
import static dev.runbookpilot.runbook.LoaderProblems.at;
import static dev.runbookpilot.runbook.LoaderProblems.FILE;

/** Snapshot checksums and the restored check that compares to them, as the loader reads and refuses them. */
class RestoredLoaderTest {

    private static final String HEAD = """
            runbook: Test
            target: { environment: staging }
            phases:
              - name: Window
                steps:
                  - id: before
                    title: Before
                    checks:
                      - snapshot:
                          name: before
                          rowCounts: [orders, audit_log, users]
                          checksums: [orders, users]
                  - id: after
                    title: After rollback
                    checks:
            """;

    @Test
    void readsSnapshotChecksumsAndARestoredCheck() throws Exception {
        Runbook rb = RunbookLoader.parse(HEAD + """
                          - restored: { baseline: before, countsMayDiffer: [audit_log], checksums: [orders] }
                          - restored: { baseline: before }
                """, FILE, "0");
        CheckSpec.Snapshot snap = (CheckSpec.Snapshot) rb.phases().get(0).steps().get(0).checks().get(0);
        assertThat(snap.checksums()).containsExactly("orders", "users");
        List<CheckSpec> after = rb.phases().get(0).steps().get(1).checks();
        CheckSpec.Restored full = (CheckSpec.Restored) after.get(0);
        assertThat(full.kind()).isEqualTo("restored");
        assertThat(full.baseline()).isEqualTo("before");
        assertThat(full.countsMayDiffer()).containsExactly("audit_log");
        assertThat(full.checksums()).containsExactly("orders");
        assertThat(full.describe()).contains("'before'", "except audit_log", "orders");
        CheckSpec.Restored plain = (CheckSpec.Restored) after.get(1);
        assertThat(plain.countsMayDiffer()).isEmpty();
        assertThat(plain.checksums()).isEmpty();
    }

    @Test
    void aChecksumTheBaselineDoesNotRecordIsRefusedWhereItIsNamed() {
        RunbookProblem p = onlyProblem(HEAD + """
                          - restored: { baseline: before, checksums: [orders, audit_log] }
                """);
        assertThat(p.message()).isEqualTo("snapshot 'before' records no checksum of 'audit_log'");
        assertThat(p.hint()).contains("checksums", "orders, users");
        assertThat(at(p)).isEqualTo("16:63");
    }

    @Test
    void aBaselineTakenLaterOrNeverIsRefused() {
        RunbookProblem later = onlyProblem("""
                runbook: Test
                target: { environment: staging }
                phases:
                  - name: Window
                    steps:
                      - id: proof
                        title: Proof
                        checks:
                          - restored: { baseline: after }
                          - snapshot: { name: after, checksums: [orders] }
                """);
        assertThat(later.message()).contains("snapshot 'after' is compared to before it is taken");
        assertThat(at(later)).isEqualTo("9:35");
        RunbookProblem unknown = onlyProblem(HEAD + """
                          - restored: { baseline: befor }
                """);
        assertThat(unknown.message()).isEqualTo("unknown snapshot 'befor'");
        assertThat(unknown.hint()).contains("did you mean 'before'?");
        RunbookProblem missing = onlyProblem(HEAD + """
                          - restored: { countsMayDiffer: [audit_log] }
                """);
        assertThat(missing.message()).isEqualTo("missing 'baseline'");
    }

    @Test
    void countsMayDifferNamesOnlyTablesTheBaselineCounts() {
        RunbookProblem p = onlyProblem(HEAD + """
                          - restored: { baseline: before, countsMayDiffer: [audit_logs] }
                """);
        assertThat(p.message()).isEqualTo("snapshot 'before' does not count 'audit_logs'");
        assertThat(p.hint()).contains("'audit_log'");
    }

    @Test
    void aTableCannotBothDifferInCountAndKeepItsContents() {
        RunbookProblem p = onlyProblem(HEAD + """
                          - restored: { baseline: before, countsMayDiffer: [orders], checksums: [orders] }
                """);
        assertThat(p.message()).contains("'orders' is in both countsMayDiffer and checksums");
        assertThatThrownBy(() -> new CheckSpec.Restored(new CheckSpec.Meta(null, null, null), "before",
                List.of("orders"), List.of("orders"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTableListedTwiceIsRefused() {
        RunbookProblem p = onlyProblem("""
                runbook: Test
                target: { environment: staging }
                phases:
                  - name: Window
                    steps:
                      - id: before
                        title: Before
                        checks:
                          - snapshot: { name: before, checksums: [orders, orders] }
                """);
        assertThat(p.message()).isEqualTo("'orders' is listed twice in 'checksums'");
        assertThat(at(p)).isEqualTo("9:59");
    }
}
