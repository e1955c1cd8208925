package dev.runbookpilot.ui.start;

import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.demo.SampleFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/** The start screen finds the bundled samples wherever the app runs from: a build, or the installed package. */
class SampleRootsTest {
    private static final Executor SAME_THREAD = Runnable::run;

    @TempDir
    Path dir;

    @Test
    void theInstalledAppListsTheSamplesBesideItsJarWhenStartedFromTheDesktopInTheHomeDirectory() throws Exception {
        Path app = Files.createDirectories(dir.resolve("opt/runbook-pilot/lib/app"));
        Path sample = Files.createDirectories(app.resolve("runbooks/alembic-upgrade"));
        Files.writeString(sample.resolve("runbook.yaml"), """
                runbook: Installed sample
                target: { environment: staging }
                phases:
                  - name: Checks
                    steps:
                      - id: one
                        title: One
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1" }
                """);
        Path home = Files.createDirectories(dir.resolve("home/dba"));

        StartViewModel vm = new StartViewModel(new Workspace(dir.resolve("ws")), new Targets(Map.of(), dir),
                SampleFolders.roots(home, app.resolve("runbook-pilot.jar")), SAME_THREAD, SAME_THREAD, l -> { });
        vm.refresh();

        assertThat(vm.samplesDirProperty().get()).isEqualTo(app.resolve("runbooks"));
        assertThat(vm.samples()).extracting(Sample::title).containsExactly("Installed sample");
    }

    @Test
    void aBuildListsTheProjectsSamplesBesideTarget() {
        Path project = dir.resolve("project");

        assertThat(SampleFolders.roots(dir.resolve("elsewhere"), project.resolve("target/runbook-pilot.jar")))
                .contains(project.resolve("runbooks"));
    }
}
