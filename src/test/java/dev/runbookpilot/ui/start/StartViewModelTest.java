package dev.runbookpilot.ui.start;

import dev.runbookpilot.app.SessionCatalog;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionFixture;
import dev.runbookpilot.testing.TestPostgres;
import dev.runbookpilot.ui.Launch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/** The start screen's model on same-thread executors, with sessions made by the real engine. */
class StartViewModelTest {
    private static final Executor SAME_THREAD = Runnable::run;
    private static final String RUNBOOK = """
            runbook: Start screen
            target: { environment: development }
            phases:
              - name: Checks
                steps:
                  - id: one
                    title: One
                    checks:
                      - query: { sql: "SELECT 1", expect: "= 1" }
            """;

    @TempDir
    Path dir;

    private final List<Launch> launches = new ArrayList<>();

    private StartViewModel model(Workspace ws, List<Path> sampleRoots) {
        StartViewModel vm = new StartViewModel(ws, new Targets(Map.of(), dir), sampleRoots, SAME_THREAD,
                SAME_THREAD, launches::add);
        vm.refresh();
        return vm;
    }

    @Test
    void listsFinishedAndUnfinishedSessionsNewestFirst() throws Exception {
        Workspace ws = new Workspace(dir.resolve("ws"));
        try (SessionFixture fx = SessionFixture.open("start_list", null, dir)) {
            Runbook rb = fx.runbook(RUNBOOK);
            try (Session done = Session.start(rb, fx.db, fx.connection(), "alice", ws.sessions(), RunListener.NONE)) {
                done.finish();
            }
            try (Session open = Session.start(rb, fx.db, fx.connection(), "bob", ws.sessions(), RunListener.NONE)) {
                assertThat(open.id()).isNotBlank();
            }
            StartViewModel vm = model(ws, List.of());

            assertThat(vm.sessions()).extracting(SessionCatalog.Entry::operator).containsExactly("bob", "alice");
            assertThat(vm.sessions()).extracting(SessionCatalog.Entry::ended).containsExactly(false, true);
            assertThat(vm.sessions().get(0).title()).isEqualTo("Start screen");
            assertThat(vm.sessions().get(0).database()).isEqualTo(fx.database);
            assertThat(vm.sessions().get(0).environment()).isEqualTo("development");
        }
    }

    @Test
    void resumeOfASessionWhoseRunbookChangedSaysSoAndLaunchesNothing() throws Exception {
        Workspace ws = new Workspace(dir.resolve("ws"));
        try (SessionFixture fx = SessionFixture.open("start_changed", null, dir)) {
            Runbook rb = fx.runbook(RUNBOOK);
            try (Session s = Session.start(rb, fx.db, fx.connection(), "alice", ws.sessions(), RunListener.NONE)) {
                assertThat(s.id()).isNotBlank();
            }
            Files.writeString(rb.file(), RUNBOOK.replace("Start screen", "Start screen, edited"));
            StartViewModel vm = model(ws, List.of());

            vm.resume(vm.sessions().get(0), Targets.PasswordPrompt.NONE);

            assertThat(launches).isEmpty();
            assertThat(vm.errorProperty().get()).contains("changed since this session began")
                    .contains(rb.file().toAbsolutePath().toString());
            assertThat(vm.busyProperty().get()).isFalse();
        }
    }

    @Test
    void resumeReconnectsAndLaunchesWithTheJournal() throws Exception {
        Workspace ws = new Workspace(dir.resolve("ws"));
        try (SessionFixture fx = SessionFixture.open("start_resume", null, dir)) {
            Runbook rb = fx.runbook(RUNBOOK);
            Path journal;
            try (Session s = Session.start(rb, fx.db, fx.connection(), "alice", ws.sessions(), RunListener.NONE)) {
                journal = s.journalFile();
            }
            StartViewModel vm = model(ws, List.of());
            vm.operatorProperty().set("carol");

            vm.resume(vm.sessions().get(0), Targets.PasswordPrompt.NONE);

            assertThat(vm.errorProperty().get()).isEmpty();
            assertThat(launches).hasSize(1);
            Launch launch = launches.get(0);
            try (var target = launch.target()) {
                assertThat(launch.resumeJournal()).isEqualTo(journal);
                assertThat(launch.operator()).isEqualTo("carol");
                assertThat(launch.runbook().sha256()).isEqualTo(rb.sha256());
                assertThat(target.db().serverInfo().database()).isEqualTo(fx.database);
            }
            assertThat(model(ws, List.of()).operatorProperty().get()).isEqualTo("carol");
        }
    }

    @Test
    void runbookErrorsAreShownWithFileLineAndColumn() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "runbook: Bad\ntarget: { environment: moon }\nphases: []\n");
        StartViewModel vm = model(new Workspace(dir.resolve("ws")), List.of());

        vm.openRunbook(bad);

        assertThat(vm.runbookProperty().get()).isNull();
        assertThat(vm.errorProperty().get()).contains(bad + ":2:");
        assertThat(vm.canConnectProperty().get()).isFalse();
    }

    @Test
    void samplesAreListedWithTitleEnvironmentAndSummaryFromTheFirstFolderThatExists() {
        Path runbooks = TestPostgres.projectDir().resolve("runbooks");
        StartViewModel vm = model(new Workspace(dir.resolve("ws")), List.of(dir.resolve("missing"), runbooks));

        assertThat(vm.samplesDirProperty().get()).isEqualTo(runbooks);
        assertThat(vm.samples()).hasSizeGreaterThanOrEqualTo(5).allSatisfy(s -> {
            assertThat(s.problem()).isNull();
            assertThat(s.environment()).isIn("production", "staging", "development");
            assertThat(s.summary()).isNotBlank().doesNotContain("**");
        });
    }

    @Test
    void importedChecklistIsWrittenNextToTheMarkdownSummarizedAndOpened() throws Exception {
        Path md = dir.resolve("upgrade.md");
        Files.writeString(md, """
                # Upgrade

                ## Before

                - [ ] Take a backup
                - [ ] Tell the team
                """);
        List<StartViewModel.Imported> summaries = new ArrayList<>();
        StartViewModel vm = model(new Workspace(dir.resolve("ws")), List.of());

        vm.importChecklist(md, summaries::add);

        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(dir.resolve("upgrade.runbook.yaml")).exists();
        assertThat(vm.runbookProperty().get().file()).isEqualTo(dir.resolve("upgrade.runbook.yaml"));
        assertThat(summaries).singleElement().satisfies(i -> {
            assertThat(i.summary()).contains("Imported").contains("upgrade.runbook.yaml");
            assertThat(i.runbook()).isSameAs(vm.runbookProperty().get());
        });
    }

    @Test
    void importingAgainWritesANewRunbookAndLeavesTheEarlierOneAsTheDbaEditedIt() throws Exception {
        Path md = dir.resolve("upgrade.md");
        Files.writeString(md, "# Upgrade\n\n- [ ] Take a backup\n");
        Path edited = dir.resolve("upgrade.runbook.yaml");
        Files.writeString(edited, "# edited by hand\n");
        Files.writeString(dir.resolve("upgrade.runbook-2.yaml"), "# an earlier re-import\n");
        List<StartViewModel.Imported> summaries = new ArrayList<>();
        StartViewModel vm = model(new Workspace(dir.resolve("ws")), List.of());

        vm.importChecklist(md, summaries::add);

        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(edited).hasContent("# edited by hand");
        assertThat(dir.resolve("upgrade.runbook-2.yaml")).hasContent("# an earlier re-import");
        assertThat(vm.runbookProperty().get().file()).isEqualTo(dir.resolve("upgrade.runbook-3.yaml"));
        assertThat(summaries).singleElement().satisfies(i -> assertThat(i.summary())
                .contains("upgrade.runbook-3.yaml").contains("upgrade.runbook.yaml already exists"));
    }
}
