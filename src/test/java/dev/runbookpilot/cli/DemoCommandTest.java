package dev.runbookpilot.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.LocalDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {

    @Test
    void twoLaunchesInTheSameMillisecondPickDistinctDirectoriesTheSweepKnows() {
        Path home = Path.of("/workspace");
        LocalDateTime at = LocalDateTime.parse("2026-12-03T06:00:00.123");
        Path first = DemoCommand.dataDir(home, at);
        Path second = DemoCommand.dataDir(home, at);

        assertThat(first).isNotEqualTo(second);
        assertThat(first.getParent()).isEqualTo(home);
        assertThat(first.getFileName().toString()).startsWith("demo-cli-20261203-060000-123-"
                + ProcessHandle.current().pid() + "-");
    }
}
