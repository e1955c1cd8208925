package dev.runbookpilot.ui;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.cli.Main;
import dev.runbookpilot.report.SignoffSignatures;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.testing.TestPostgres;
import dev.runbookpilot.ui.wizard.WizardViewModel;
import javafx.scene.Node;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Labeled;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * People sign in the wizard with their own key, at 1366x768: a key made for their name on this workstation (and
 * reused the next time they sign), or their SSH key with its passphrase asked in a dialog; the journal lines are
 * keyed exactly as the command line writes them, {@code verify} accepts them and catches a later edit.
 */
@ExtendWith(ApplicationExtension.class)
class WizardSignersTest {
    private static final String RUNBOOK = """
            runbook: Signers in the wizard
            target: { environment: %s, database: %s }
            phases:
              - name: Prepare
                steps:
                  - id: count
                    title: Count rows
                    checks:
                      - query: { sql: "SELECT count(*) FROM items", expect: "= 2" }
                  - id: go
                    title: Go for production?
                    gate: { roles: [DBA], question: "Go for production?" }
              - name: Production
                steps:
                  - id: signoff
                    title: Team sign-off
                    signoff: { roles: [DBA, Backend lead] }
            """;

    @TempDir
    Path dir;
    private Stage stage;
    private MainWindow window;
    private ExecutorService background;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        background = FxExecutors.background();
        window = new MainWindow(stage, new Workspace(dir.resolve("home")), background);
        stage.show();
    }

    @AfterEach
    void closeWindow(FxRobot robot) throws Exception {
        if (window.wizard() != null) {
            robot.interact(() -> stage.fireEvent(new javafx.stage.WindowEvent(stage,
                    javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !stage.isShowing());
        }
        background.shutdownNow();
    }

    @Test
    void aProductionWindowIsSignedWithKeysThatVerifyAndAnEarlierEditIsCaught(FxRobot robot) throws Exception {
        Path key = dir.resolve("keys/id_bo");
        Files.createDirectories(key.getParent());
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "bo passphrase", "-C",
                "bo@example.org", "-f", key.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).isZero();
        WizardViewModel vm = open(robot, "production");

        robot.clickOn("#run");
        waitIdle();
        robot.clickOn("#next");
        waitIdle();

        // The gate: a production window offers keys only, and the key made for the typed name is the default.
        @SuppressWarnings("unchecked")
        ChoiceBox<WizardViewModel.SignerKind> kind = robot.lookup("#signer-kind-DBA").queryAs(ChoiceBox.class);
        assertThat(kind.getItems()).containsExactly(WizardViewModel.SignerKind.GENERATED,
                WizardViewModel.SignerKind.KEY_FILE);
        assertThat(kind.getValue()).isEqualTo(WizardViewModel.SignerKind.GENERATED);
        assertInsideWindow(robot, "#gate-nogo-DBA");
        robot.clickOn("#gate-name-DBA").write("Dana Operator");
        robot.clickOn("#gate-go-DBA");
        waitIdle();
        JournalEvent.Signed go = vm.session().state().signatures("go").get("DBA");
        assertThat(go.decision()).isEqualTo(JournalEvent.Signed.GO);
        assertThat(go.keyed()).isTrue();
        assertThat(go.name()).isEqualTo("Dana Operator");
        Path made = SignoffSignatures.generatedFile(dir.resolve("home/config"), "Dana Operator");
        assertThat(made).exists();
        assertThat(labels(robot)).anySatisfy(t -> assertThat(t)
                .startsWith("✔ GO from Dana Operator · key " + go.fingerprint()));
        robot.clickOn("#next");
        waitIdle();

        // The same person signs again: the key made for her name at the gate, not a new one.
        robot.clickOn("#signer-name-DBA").write("Dana Operator");
        robot.clickOn("#sign-DBA");
        waitIdle();
        JournalEvent.Signed dba = vm.session().state().signatures("signoff").get("DBA");
        assertThat(dba.keyed()).isTrue();
        assertThat(dba.fingerprint()).isEqualTo(go.fingerprint());

        // The backend lead's own SSH key: its passphrase is asked in a dialog while the signing waits for it.
        robot.clickOn("#signer-kind-Backend_lead");
        robot.clickOn("My SSH key or PKCS#12 file");
        assertThat(robot.lookup("#signer-name-Backend_lead").query().isVisible()).as("the name is the key's")
                .isFalse();
        assertInsideWindow(robot, "#sign-Backend_lead");
        robot.clickOn("#signer-key-Backend_lead").write(key.toString());
        robot.clickOn("#sign-Backend_lead");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> robot.lookup("#passphrase-prompt").tryQuery()
                .isPresent());
        assertThat(vm.busyProperty().get()).as("signing waits in the background").isTrue();
        robot.clickOn(robot.lookup("#passphrase-prompt").queryAs(PasswordField.class)).write("bo passphrase");
        robot.clickOn("#passphrase-ok");
        waitIdle();
        JournalEvent.Signed bo = vm.session().state().signatures("signoff").get("Backend lead");
        assertThat(bo).as(vm.errorProperty().get()).isNotNull();
        assertThat(bo.name()).isEqualTo("bo@example.org");
        assertThat(bo.fingerprint()).startsWith("SHA256:").isNotEqualTo(dba.fingerprint());

        robot.clickOn("#next");
        waitIdle();
        TableView<?> signoffs = robot.lookup("#signoffs").queryAs(TableView.class);
        assertThat(signoffs.getItems()).extracting(e -> ((WizardViewModel.SignoffEntry) e).fingerprint())
                .containsExactly(dba.fingerprint(), bo.fingerprint());
        Path journal = vm.session().journalFile();

        Verify ok = verify(journal);
        assertThat(ok.code()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("VALID: 3 signatures",
                "Sign-off 1: Dana Operator as DBA (GO at the gate 'go'), key " + go.fingerprint(),
                "Sign-off 3: bo@example.org as Backend lead, key " + bo.fingerprint());

        // The count's result, rewritten after everyone signed: every keyed line after it notices.
        List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        int result = -1;
        for (int i = 0; i < lines.size() && result < 0; i++) if (lines.get(i).contains("\"checkFinished\"")) result = i;
        lines.set(result, lines.get(result).replace("\"PASSED\"", "\"FAILED\""));
        Path edited = dir.resolve("edited.jsonl");
        Files.write(edited, lines, StandardCharsets.UTF_8);
        Verify caught = verify(edited);
        assertThat(caught.code()).isEqualTo(1);
        assertThat(caught.output()).contains("the GO at the gate 'go' of DBA by Dana Operator was made over a"
                + " different journal", "the sign-off of Backend lead by bo@example.org was made over a different"
                + " journal");
    }

    @Test
    void outsideProductionATypedNameCanSignAndIsMarkedUnsigned(FxRobot robot) throws Exception {
        WizardViewModel vm = open(robot, "staging");
        robot.clickOn("#run");
        waitIdle();
        robot.clickOn("#next");
        waitIdle();
        robot.clickOn("#signer-kind-DBA");
        robot.clickOn("Typed name only — " + SignoffSignatures.TYPED);
        robot.clickOn("#gate-name-DBA").write("Dana Operator");
        robot.clickOn("#gate-go-DBA");
        waitIdle();
        JournalEvent.Signed go = vm.session().state().signatures("go").get("DBA");
        assertThat(go.keyed()).isFalse();
        assertThat(labels(robot)).anySatisfy(t -> assertThat(t)
                .startsWith("✔ GO from Dana Operator · unsigned (typed name)"));
        assertThat(dir.resolve("home/config")).as("no key was made for a typed name")
                .satisfiesAnyOf(c -> assertThat(c).doesNotExist(),
                        c -> assertThat(Files.list(c).filter(f -> f.getFileName().toString()
                                .startsWith("report-signing")).toList()).isEmpty());
    }

    private WizardViewModel open(FxRobot robot, String environment) throws Exception {
        String db = TestPostgres.freshDatabase("wizard_signers");
        TestPostgres.exec(db, "CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1), (2);");
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, RUNBOOK.formatted(environment, db), StandardCharsets.UTF_8);
        var rb = RunbookLoader.load(file);
        Target target = Targets.fromEnvironment().connect(TestPostgres.server().uri(db), Targets.PasswordPrompt.NONE);
        robot.interact(() -> {
            stage.setWidth(1366);
            stage.setHeight(768);
            window.showWizard(new Launch(rb, target, "alice", null));
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.wizard().viewModel().openedProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(window.scene().getWidth()).isEqualTo(1366);
        assertThat(window.scene().getHeight()).isEqualTo(768);
        return window.wizard().viewModel();
    }

    private void waitIdle() throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !window.wizard().viewModel().busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Wholly inside the 1366x768 window: the role's last button is not pushed off its right edge. */
    private void assertInsideWindow(FxRobot robot, String query) {
        Node node = robot.lookup(query).query();
        var b = node.localToScene(node.getBoundsInLocal());
        assertThat(b.getMinX()).as(query + " left edge").isGreaterThanOrEqualTo(0);
        assertThat(b.getMaxX()).as(query + " right edge").isLessThanOrEqualTo(window.scene().getWidth());
        assertThat(b.getMaxY()).as(query + " bottom edge").isLessThanOrEqualTo(window.scene().getHeight());
    }

    private static List<String> labels(FxRobot robot) {
        return robot.lookup((Node n) -> n instanceof Labeled && n.isVisible()).queryAllAs(Labeled.class).stream()
                .map(Labeled::getText).filter(t -> t != null).toList();
    }

    record Verify(int code, String output) {}

    private static Verify verify(Path journal) {
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "verify", journal.toString());
        return new Verify(code, out.toString());
    }
}
