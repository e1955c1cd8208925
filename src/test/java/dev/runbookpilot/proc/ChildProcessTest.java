package dev.runbookpilot.proc;

import dev.runbookpilot.db.CancelToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChildProcessTest {

    @TempDir
    Path dir;

    private ChildProcess.Spec shell(String line, Duration timeout) {
        return new ChildProcess.Spec(List.of("sh", "-c", line), dir, Map.of(), Set.of(), timeout, null, 100);
    }

    @Test
    void keepsBothStreamsLineByLineWithTheExitCode() throws Exception {
        List<ChildProcess.Line> seen = new CopyOnWriteArrayList<>();
        ChildProcess.Result r = ChildProcess.run(shell("echo one; echo two >&2; printf 'three'; exit 3",
                Duration.ofSeconds(30)), new CancelToken(), seen::add);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.ending()).isEqualTo(ChildProcess.Ending.EXITED);
        assertThat(r.kept()).extracting(ChildProcess.Line::text).containsExactlyInAnyOrder("one", "two", "three");
        assertThat(r.kept()).filteredOn(l -> l.text().equals("two")).extracting(ChildProcess.Line::stream)
                .containsExactly(ChildProcess.Stream.ERR);
        assertThat(seen).hasSize(3);
        assertThat(r.leftRunning()).isFalse();
    }

    @Test
    void aTimeoutStopsTheProgramAndEveryProcessItStarted() throws Exception {
        Path pids = dir.resolve("pids");
        // The shell starts a grandchild and waits on it: killing only the shell would leave it running.
        ChildProcess.Result r = ChildProcess.run(shell("sleep 300 & echo $! > " + pids + "; wait",
                Duration.ofMillis(800)), new CancelToken(), l -> {});

        assertThat(r.ending()).isEqualTo(ChildProcess.Ending.TIMED_OUT);
        assertThat(r.exitCode()).isNull();
        long grandchild = Long.parseLong(Files.readString(pids).strip());
        assertThat(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false)).as("grandchild alive")
                .isFalse();
    }

    @Test
    void cancellingTheTokenStopsTheTree() throws Exception {
        CancelToken token = new CancelToken();
        Path pids = dir.resolve("pids");
        Thread canceller = new Thread(() -> {
            try {
                while (!Files.exists(pids) || Files.readString(pids).isBlank()) Thread.sleep(20);
            } catch (InterruptedException | IOException e) {
                return;
            }
            token.cancel();
        });
        canceller.start();
        ChildProcess.Result r = ChildProcess.run(shell("sleep 300 & echo $! > " + pids + "; wait", Duration.ZERO),
                token, l -> {});
        canceller.join();

        assertThat(r.ending()).isEqualTo(ChildProcess.Ending.CANCELLED);
        long grandchild = Long.parseLong(Files.readString(pids).strip());
        assertThat(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aTokenCancelledBeforeTheStartStopsItAtOnce() throws Exception {
        CancelToken token = new CancelToken();
        token.cancel();
        ChildProcess.Result r = ChildProcess.run(shell("sleep 300", Duration.ZERO), token, l -> {});
        assertThat(r.ending()).isEqualTo(ChildProcess.Ending.CANCELLED);
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void secretsAreMaskedBeforeAnyoneSeesALine() throws Exception {
        List<ChildProcess.Line> seen = new CopyOnWriteArrayList<>();
        ChildProcess.Spec spec = new ChildProcess.Spec(List.of("sh", "-c", "echo \"connecting with s3cr%t!\" >&2"),
                dir, Map.of(), Set.of(), Duration.ofSeconds(30), t -> t.replace("s3cr%t!", "*****"), 10);
        ChildProcess.Result r = ChildProcess.run(spec, new CancelToken(), seen::add);

        assertThat(r.kept()).extracting(ChildProcess.Line::text).containsExactly("connecting with *****");
        assertThat(seen).extracting(ChildProcess.Line::text).noneMatch(t -> t.contains("s3cr"));
    }

    @Test
    void longOutputKeepsItsHeadAndTailAndCountsWhatWasLeftOut() throws Exception {
        ChildProcess.Spec spec = new ChildProcess.Spec(List.of("sh", "-c", "seq 1 1000"), dir, Map.of(), Set.of(),
                Duration.ofSeconds(30), null, 10);
        ChildProcess.Result r = ChildProcess.run(spec, new CancelToken(), l -> {});

        assertThat(r.head()).extracting(ChildProcess.Line::text).startsWith("1", "2").endsWith("10");
        assertThat(r.tail()).extracting(ChildProcess.Line::text).startsWith("991").endsWith("1000");
        assertThat(r.omitted()).isEqualTo(980);
        assertThat(r.lines()).isEqualTo(1000);
    }

    @Test
    void aLineWithoutEndIsCutIntoBoundedPieces() throws Exception {
        int chars = ChildProcess.MAX_LINE_CHARS * 3 + 5;
        ChildProcess.Result r = ChildProcess.run(shell("head -c " + chars + " /dev/zero | tr '\\0' x",
                Duration.ofSeconds(30)), new CancelToken(), l -> {});
        assertThat(r.kept()).hasSize(4).allMatch(l -> l.text().length() <= ChildProcess.MAX_LINE_CHARS);
    }

    @Test
    void theStepsVariablesReplaceInheritedOnesAndRemovedOnesAreGone() throws Exception {
        ChildProcess.Spec spec = new ChildProcess.Spec(List.of("sh", "-c", "echo \"[$PGHOST][$HOME]\""), dir,
                Map.of("PGHOST", "db.example"), Set.of("HOME"), Duration.ofSeconds(30), null, 10);
        ChildProcess.Result r = ChildProcess.run(spec, new CancelToken(), l -> {});
        assertThat(r.kept()).extracting(ChildProcess.Line::text).containsExactly("[db.example][]");
    }

    @Test
    void aProgramThatCannotStartSaysWhy() throws IOException {
        Path script = Files.writeString(dir.resolve("migrate.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> ChildProcess.run(new ChildProcess.Spec(List.of("no-such-tool-rp"), dir, Map.of(),
                Set.of(), Duration.ZERO, null, 1), new CancelToken(), l -> {}))
                .isInstanceOf(ChildProcess.CannotStart.class).hasMessageContaining("not found");
        assertThatThrownBy(() -> ChildProcess.run(new ChildProcess.Spec(List.of(script.toString()), dir, Map.of(),
                Set.of(), Duration.ZERO, null, 1), new CancelToken(), l -> {}))
                .isInstanceOf(ChildProcess.CannotStart.class).hasMessageContaining("not executable");
        assertThatThrownBy(() -> ChildProcess.run(new ChildProcess.Spec(List.of("true"), dir.resolve("gone"),
                Map.of(), Set.of(), Duration.ZERO, null, 1), new CancelToken(), l -> {}))
                .isInstanceOf(ChildProcess.CannotStart.class).hasMessageContaining("does not exist");
    }

    @Test
    void aBackgroundChildLeftRunningIsReportedAndDoesNotHangTheStep() throws Exception {
        Path pids = dir.resolve("pids");
        // The shell lives a moment after forking, as a tool doing its work would, then exits without waiting.
        ChildProcess.Result r = ChildProcess.run(shell("sleep 60 & echo $! > " + pids + "; echo started; sleep 1",
                Duration.ofSeconds(30)), new CancelToken(), l -> {});
        try {
            assertThat(r.exitCode()).isZero();
            assertThat(r.leftRunning()).isTrue();
            assertThat(r.kept()).extracting(ChildProcess.Line::text).containsExactly("started");
            assertThat(r.duration()).isLessThan(ChildProcess.DRAIN.plusSeconds(10));
        } finally {
            ProcessHandle.of(Long.parseLong(Files.readString(pids).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aProgramThatWaitsForItsChildrenLeavesNothingRunning() throws Exception {
        ChildProcess.Result r = ChildProcess.run(shell("sleep 0.5 & wait; echo done", Duration.ofSeconds(30)),
                new CancelToken(), l -> {});
        assertThat(r.leftRunning()).isFalse();
        assertThat(r.exitCode()).isZero();
    }
    @Test
    void aChildForkedTheInstantBeforeItsParentExitsIsStillFoundLeftRunning() throws Exception {
        Path pids = dir.resolve("pids");
        // Detached from the output pipes and forked as the shell exits: no look at the tree while it ran finds it.
        ChildProcess.Result r = ChildProcess.run(shell("sleep 60 </dev/null >/dev/null 2>&1 & echo $! > " + pids,
                Duration.ofSeconds(30)), new CancelToken(), l -> {});
        try {
            assertThat(r.exitCode()).isZero();
            assertThat(r.leftRunning()).isTrue();
        } finally {
            ProcessHandle.of(Long.parseLong(Files.readString(pids).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aTimeoutStopsAGrandchildReParentedBeforeAnyoneLooked() throws Exception {
        Path pids = dir.resolve("pids");
        // The subshell exits at once, so its sleep belongs to no one's tree from its first instant.
        ChildProcess.Result r = ChildProcess.run(shell("(sleep 300 </dev/null >/dev/null 2>&1 & echo $! > " + pids
                + "); sleep 300", Duration.ofMillis(800)), new CancelToken(), l -> {});

        assertThat(r.ending()).isEqualTo(ChildProcess.Ending.TIMED_OUT);
        long orphan = Long.parseLong(Files.readString(pids).strip());
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).as("orphan alive").isFalse();
    }

    @Test
    void aRelativeProgramIsFoundInTheWorkingDirectory() throws Exception {
        Path script = Files.writeString(dir.resolve("migrate.sh"), "#!/bin/sh\necho \"args: $*\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        ChildProcess.Result r = ChildProcess.run(new ChildProcess.Spec(List.of("./migrate.sh", "a b", "c"), dir,
                Map.of(), Set.of(), Duration.ofSeconds(30), null, 10), new CancelToken(), l -> {});
        assertThat(r.exitCode()).isZero();
        assertThat(r.kept()).extracting(ChildProcess.Line::text).containsExactly("args: a b c");
    }
    @Test
    void aToolAskingForInputGetsNoneInsteadOfWaitingForever() throws Exception {
        ChildProcess.Result r = ChildProcess.run(shell("if read answer; then echo got; else echo none; fi",
                Duration.ofSeconds(20)), new CancelToken(), l -> {});
        assertThat(r.ending()).isEqualTo(ChildProcess.Ending.EXITED);
        assertThat(r.kept()).extracting(ChildProcess.Line::text).containsExactly("none");
    }
    @Test
    void aSecretWhereALongLineIsCutIsStillMasked() throws Exception {
        String secret = "s3cr%t-pa55word";
        // The secret straddles the place where an 8K line would be cut in two.
        int before = ChildProcess.MAX_LINE_CHARS - 5;
        List<ChildProcess.Line> seen = new CopyOnWriteArrayList<>();
        ChildProcess.Spec spec = new ChildProcess.Spec(List.of("sh", "-c", "head -c " + before
                + " /dev/zero | tr '\\0' x; printf '%s' \"$SECRET\"; head -c 20000 /dev/zero | tr '\\0' y; echo"),
                dir, Map.of("SECRET", secret), Set.of(), Duration.ofSeconds(30), t -> t.replace(secret, "*****"), 10);
        ChildProcess.Result r = ChildProcess.run(spec, new CancelToken(), seen::add);

        String all = String.join("", seen.stream().map(ChildProcess.Line::text).toList());
        assertThat(all).doesNotContain("s3cr").doesNotContain("pa55").contains("x*****y");
        assertThat(seen).allMatch(l -> l.text().length() <= ChildProcess.MAX_LINE_CHARS);
        assertThat(all.replace("*****", "")).hasSize(before + 20000);
    }
}
