package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.app.Targets;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.report.PassphrasePrompt;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.Outcome;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The wizard's gate: answered on background work, a NO-GO without a reason refused, one NO-GO aborts the window. */
class WizardGateTest {
    @TempDir
    Path dir;
    private WizardViewModel vm;
    private final Queue<Runnable> background = new ConcurrentLinkedQueue<>();

    @AfterEach
    void closeModel() throws Exception {
        if (vm == null) return;
        CountDownLatch closed = new CountDownLatch(1);
        vm.close(closed::countDown);
        drain();
        closed.await(30, TimeUnit.SECONDS);
    }

    private static WizardViewModel.Signer typed(String name) {
        return new WizardViewModel.Signer(WizardViewModel.SignerKind.TYPED, name, null);
    }

    private void drain() {
        for (Runnable r; (r = background.poll()) != null; ) r.run();
    }

    @Test
    void aNoGoNeedsItsReasonAndEndsTheWindowAborted() throws Exception {
        String db = TestPostgres.freshDatabase("wizard_gate");
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                runbook: Gate in the wizard
                target: { environment: staging, database: %s }
                phases:
                  - name: Prepare
                    steps:
                      - id: go
                        title: Go for production?
                        gate: { roles: [DBA, Backend lead], question: "Go for production?" }
                  - name: Production
                    steps:
                      - id: after
                        title: After
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1" }
                """.formatted(db));
        vm = new WizardViewModel(RunbookLoader.load(file), Targets.fromEnvironment().connect(
                TestPostgres.server().uri(db), Targets.PasswordPrompt.NONE), Runnable::run, background::add,
                Clock.systemUTC());
        vm.open("alice", dir.resolve("sessions"), null);
        drain();
        assertThat(vm.checks()).extracting(CheckRow::isAutomated).containsExactly(false);

        vm.answerGate("DBA", typed("Ada Lovelace"), true, null, PassphrasePrompt.NONE);
        assertThat(background).as("journaled on background work, not by the caller").isNotEmpty();
        drain();
        vm.answerGate("Backend lead", typed("Grace Hopper"), false, "  ", PassphrasePrompt.NONE);
        drain();
        assertThat(vm.errorProperty().get()).contains("A NO-GO needs its reason");
        assertThat(vm.checks().get(0).status()).isEqualTo(Status.PENDING);

        vm.answerGate("Backend lead", typed("Grace Hopper"), false, "checkout errors at 4 %", PassphrasePrompt.NONE);
        drain();
        assertThat(vm.checks().get(0).status()).isEqualTo(Status.FAILED);
        assertThat(vm.session().outcome().verdict()).isEqualTo(Outcome.Verdict.ABORTED);
        assertThat(vm.session().state().abort().orElseThrow().reason()).isEqualTo("checkout errors at 4 %");
    }

    @Test
    void aProductionGateRefusesATypedNameAndJournalsNothing() throws Exception {
        String db = TestPostgres.freshDatabase("wizard_gate");
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                runbook: Gate in production
                target: { environment: production, database: %s }
                phases:
                  - name: Prepare
                    steps:
                      - id: go
                        title: Go for production?
                        gate: { roles: [DBA], question: "Go for production?" }
                """.formatted(db));
        vm = new WizardViewModel(RunbookLoader.load(file), Targets.fromEnvironment().connect(
                TestPostgres.server().uri(db), Targets.PasswordPrompt.NONE), Runnable::run, background::add,
                Clock.systemUTC());
        vm.open("alice", dir.resolve("sessions"), null);
        drain();
        assertThat(vm.typedNamesAllowed()).isFalse();
        int events = vm.session().state().events().size();

        // Called directly, past the choice the view no longer offers in production.
        vm.answerGate("DBA", typed("Ada Lovelace"), true, null, PassphrasePrompt.NONE);
        drain();
        assertThat(vm.errorProperty().get()).contains("A production window is signed with a key");
        assertThat(vm.session().state().events()).hasSize(events);
        assertThat(vm.session().state().signatures("go")).isEmpty();
    }
}
