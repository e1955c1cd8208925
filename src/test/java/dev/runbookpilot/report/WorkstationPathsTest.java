package dev.runbookpilot.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkstationPathsTest {
    private static final String RUNBOOK = "/home/jo_smith/runbooks/shop/runbook.yaml";
    private final WorkstationPaths paths = new WorkstationPaths(RUNBOOK, "/home/jo_smith", MarkdownReport::inline);

    @Test
    void aPathInTheRunbooksFolderIsWrittenRelativeToIt() {
        assertThat(paths.apply("execute /home/jo_smith/runbooks/shop/demo/migration.sql in a transaction"))
                .isEqualTo("execute demo/migration.sql in a transaction");
        assertThat(paths.apply("command started in /home/jo_smith/runbooks/shop: make"))
                .isEqualTo("command started in ./: make");
        assertThat(paths.apply("copied to /home/jo_smith/runbooks/shop.")).isEqualTo("copied to ./.");
    }

    @Test
    void aFolderBesideTheRunbooksAndTheHomeFolderAreNamedWithoutTheWorkstation() {
        assertThat(paths.apply("sha256sum /home/jo_smith/runbooks/backups/shop.dump"))
                .isEqualTo("sha256sum ../backups/shop.dump");
        assertThat(paths.apply("dump in /home/jo_smith/runbook-pilot-backups/shop.dump"))
                .isEqualTo("dump in ~/runbook-pilot-backups/shop.dump");
    }

    @Test
    void theMarkdownSpellingOfAPathIsRewrittenToo() {
        // inline() writes "_" as "\_": the home folder's name would survive a search for its raw spelling.
        assertThat(paths.apply("file /home/jo\\_smith/runbook-pilot-backups/x.dump"))
                .isEqualTo("file ~/runbook-pilot-backups/x.dump");
    }

    @Test
    void aLongerNameOrAnotherMachinesPathIsLeftAlone() {
        assertThat(paths.apply("/home/jo_smith2/notes, /srv/home/jo_smith/x, /home/jo_smith.old, /usr/bin/pg_dump"))
                .isEqualTo("/home/jo_smith2/notes, /srv/home/jo_smith/x, /home/jo_smith.old, /usr/bin/pg_dump");
    }

    @Test
    void aRunbookAtTheRootDoesNotRewriteEveryPath() {
        WorkstationPaths root = new WorkstationPaths("/runbook.yaml", null);
        assertThat(root.apply("/usr/bin/pg_dump /tmp/x")).isEqualTo("/usr/bin/pg_dump /tmp/x");
    }
}
