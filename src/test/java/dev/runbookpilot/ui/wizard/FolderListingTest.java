package dev.runbookpilot.ui.wizard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** How the chooser reads a typed path and a folder, on real folders. */
class FolderListingTest {
    @TempDir
    Path dir;

    private final Path base = Path.of("/srv/runbooks/billing");
    private final Path home = Path.of("/home/ops");

    @Test
    void aTypedPathIsAbsoluteFromHomeOrFromTheRunbooksFolder() {
        assertThat(FolderListing.resolve("/etc/hosts", base, home)).isEqualTo(Path.of("/etc/hosts"));
        assertThat(FolderListing.resolve("~", base, home)).isEqualTo(home);
        assertThat(FolderListing.resolve("~/keys/ops.p12", base, home)).isEqualTo(Path.of("/home/ops/keys/ops.p12"));
        assertThat(FolderListing.resolve("sql/001.sql", base, home))
                .isEqualTo(Path.of("/srv/runbooks/billing/sql/001.sql"));
        assertThat(FolderListing.resolve("../shared/x.yaml", base, home))
                .isEqualTo(Path.of("/srv/runbooks/shared/x.yaml"));
        assertThat(FolderListing.resolve("   ", base, home)).isNull();
    }

    @Test
    void aPastedPathLosesItsQuotesAndBlanks() {
        assertThat(FolderListing.resolve("  '/srv/my runbooks/a.yaml'\n", base, home))
                .isEqualTo(Path.of("/srv/my runbooks/a.yaml"));
        assertThat(FolderListing.resolve("\"~/a b.md\"", base, home)).isEqualTo(Path.of("/home/ops/a b.md"));
    }

    @Test
    void completionLooksInTheTypedFolderForTheNameBeingTyped() {
        assertThat(FolderListing.completionFolder("/srv/run", base, home)).isEqualTo(Path.of("/srv"));
        assertThat(FolderListing.completionPrefix("/srv/run")).isEqualTo("run");
        assertThat(FolderListing.completionFolder("/srv/", base, home)).isEqualTo(Path.of("/srv"));
        assertThat(FolderListing.completionPrefix("/srv/")).isEmpty();
        assertThat(FolderListing.completionFolder("~", base, home)).isEqualTo(home);
        assertThat(FolderListing.completionFolder("sq", base, home)).isEqualTo(base);
        assertThat(FolderListing.completionPrefix("sq")).isEqualTo("sq");
    }

    @Test
    void foldersComeFirstThenFilesByNameAndTheSharedStartIsWhatTabAdds() throws Exception {
        Files.writeString(dir.resolve("migration-2.sql"), "SELECT 2;");
        Files.writeString(dir.resolve("Migration-1.sql"), "SELECT 1;");
        Files.createDirectories(dir.resolve("zeta"));
        Files.writeString(dir.resolve(".env"), "PGUSER=ops");

        FolderListing listing = FolderListing.read(dir);

        assertThat(listing.error()).isNull();
        assertThat(listing.entries()).extracting(FolderListing.Entry::name)
                .containsExactly("zeta", ".env", "Migration-1.sql", "migration-2.sql");
        assertThat(listing.entries().get(1).hidden()).isTrue();
        assertThat(listing.entries().get(2).size()).isEqualTo(9);
        assertThat(listing.entries().get(0).size()).as("a folder has no size").isEqualTo(-1);
        var candidates = FolderListing.candidates(listing.entries(), "mi");
        assertThat(candidates).extracting(FolderListing.Entry::name).containsExactly("migration-2.sql");
        assertThat(FolderListing.commonStart(FolderListing.candidates(listing.entries(), ""))).isEmpty();
    }

    @Test
    void aFolderThatIsNotThereOrIsAFileIsAnErrorToShowNotAnException() throws Exception {
        Path gone = dir.resolve("gone");
        assertThat(FolderListing.read(gone).error())
                .isEqualTo(gone + " does not exist (any more): choose another folder.");
        Path file = Files.writeString(dir.resolve("runbook.yaml"), "runbook: x");
        assertThat(FolderListing.read(file).error()).isEqualTo(file + " is a file, not a folder.");
        assertThat(FolderListing.read(file).entries()).isEmpty();
    }
}
