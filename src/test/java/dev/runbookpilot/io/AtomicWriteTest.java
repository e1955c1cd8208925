package dev.runbookpilot.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicWriteTest {
    @TempDir
    Path dir;

    private List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replacesTheWholeFileCreatingMissingDirectoriesAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("a/b/report.md");
        AtomicWrite.writeString(target, "first, and longer than the second\n");
        AtomicWrite.write(target, "second\n".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(target)).isEqualTo("second\n");
        assertThat(names(target.getParent())).containsExactly("report.md");
    }

    @Test
    void aFailedMoveKeepsWhatWasThereAndRemovesTheTemporaryFile() throws IOException {
        Path target = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(target.resolve("inside"), "kept\n");

        assertThatThrownBy(() -> AtomicWrite.writeString(target, "new\n"))
                .isInstanceOf(FileSystemException.class);
        assertThat(Files.readString(target.resolve("inside"))).isEqualTo("kept\n");
        assertThat(names(dir)).containsExactly("taken");
    }

    @Test
    void aStagedFileIsInvisibleUntilCommittedAndDiscardedWhenNot() throws IOException {
        Path target = dir.resolve("report.md");
        Files.writeString(target, "old\n");
        try (AtomicWrite.Staged staged = AtomicWrite.stage(target, "new\n".getBytes(StandardCharsets.UTF_8))) {
            assertThat(Files.readString(target)).isEqualTo("old\n");
            staged.commit();
            assertThat(Files.readString(target)).isEqualTo("new\n");
        }
        try (AtomicWrite.Staged abandoned = AtomicWrite.stage(target, "never\n".getBytes(StandardCharsets.UTF_8))) {
            assertThat(names(dir)).hasSize(2);
        }
        assertThat(Files.readString(target)).isEqualTo("new\n");
        assertThat(names(dir)).containsExactly("report.md");
    }

    @Test
    void deleteRemovesAFileAndIgnoresOneThatIsNotThere() throws IOException {
        Path target = dir.resolve("report.md.sig");
        Files.writeString(target, "sig\n");
        AtomicWrite.delete(target);
        AtomicWrite.delete(target);
        assertThat(target).doesNotExist();
    }
}
