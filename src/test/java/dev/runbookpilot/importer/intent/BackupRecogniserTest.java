package dev.runbookpilot.importer.intent;

import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.CheckSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BackupRecogniserTest {

    private static List<CheckSpec.Backup> backups(String markdown) throws Exception {
        return Imports.automated(markdown).stream().filter(CheckSpec.Backup.class::isInstance)
                .map(CheckSpec.Backup.class::cast).toList();
    }

    @Test
    void aBackupToTakeAndProveBecomesTheStepsBackupWithARestoreDrill() throws Exception {
        ImportResult r = Imports.of("# T\n## Before\n- [ ] Create database backup and verify backup is valid\n"
                + "- [ ] Store it off-site\n");
        assertThat(backups("# T\n## Before\n- [ ] Create database backup and verify backup is valid\n"))
                .singleElement().satisfies(b -> {
                    assertThat(b.verify()).isEqualTo(CheckSpec.BackupVerify.RESTORE);
                    assertThat(b.dir().getFileName()).hasToString("backups");
                });
        // No folder was named: the step says where the dump goes and asks the reviewer to check it.
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 3 && w.message().contains("'backups'"));
        // The item stays a confirmation too (what the checklist asks beyond the dump), the next one untouched.
        assertThat(r.yaml()).contains("Create database backup and verify backup is valid\\n\\n(This step takes the "
                + "backup").contains("text: \"Store it off-site\"");
    }

    @Test
    void aPgDumpWithAPgRestoreListIsABackupListedBackIntoTheFolderOfItsFile() throws Exception {
        assertThat(backups("""
                # T
                ## Backup
                - [ ] Dump the database:
                  ```bash
                  pg_dump -Fc -f /var/backups/pg/app.dump app
                  pg_restore --list /var/backups/pg/app.dump > /dev/null
                  ```
                """)).singleElement().satisfies(b -> {
                    assertThat(b.verify()).isEqualTo(CheckSpec.BackupVerify.LIST);
                    assertThat(b.dir()).isEqualTo(Path.of("/var/backups/pg"));
                });
    }

    @Test
    void aDumpWithoutProofACopyForATestOrTheWayBackIsNoBackupStep() throws Exception {
        assertThat(backups("# T\n## B\n- [ ] Verify backup file is not empty: `ls -lh backup.sql`\n")).isEmpty();
        assertThat(backups("# T\n## B\n- [ ] Copy the schema and restore it:\n  ```bash\n"
                + "  pg_dump $URL --schema-only | psql scratch\n  ```\n")).isEmpty();
        assertThat(backups("# T\n## B\n- [ ] Restore from backup if the migration fails\n")).isEmpty();
        assertThat(backups("# T\n## B\n- [ ] Test backup is valid: `pg_restore --list backup.sql`\n")).isEmpty();
    }
}
