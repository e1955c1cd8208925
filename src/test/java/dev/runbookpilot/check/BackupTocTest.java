package dev.runbookpilot.check;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table-of-contents check against real dumps: a dump that left out a table's data (here with pg_dump's own
 * --exclude-table-data, as a wrapper script or a stray option would) is caught, whatever the table is named.
 */
class BackupTocTest {

    private static List<String> toc(String database, Path file, String... options) throws Exception {
        List<String> dump = new java.util.ArrayList<>(List.of("pg_dump", "--format=custom", "--no-password",
                "--host=localhost", "--port=" + TestPostgres.server().port(), "--username=postgres",
                "--file=" + file));
        dump.addAll(Arrays.asList(options));
        dump.add(database);
        Process p = new ProcessBuilder(dump).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        Process list = new ProcessBuilder("pg_restore", "--list", file.toString()).start();
        String lines = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor()).isZero();
        return lines.lines().toList();
    }

    @Test
    void aTableWhoseDataTheDumpLacksIsNamedAndEveryOtherIsFound(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("toc");
        TestPostgres.exec(db, """
                CREATE TABLE items (id int); INSERT INTO items VALUES (1);
                CREATE SCHEMA "Sales Dept"; CREATE TABLE "Sales Dept"."Big Orders" (id int);
                CREATE TABLE audit (id int);
                """);
        List<BackupChecks.Table> counted = List.of(new BackupChecks.Table("public", "items", 1),
                new BackupChecks.Table("Sales Dept", "Big Orders", 0), new BackupChecks.Table("public", "audit", 0));

        List<String> whole = toc(db, dir.resolve("whole.dump"));
        List<String> lacking = toc(db, dir.resolve("lacking.dump"), "--exclude-table-data=audit");

        assertThat(BackupChecks.missing(whole, counted, List.of("public.items"))).isEmpty();
        assertThat(BackupChecks.missing(lacking, counted, List.of("public.items"))).containsExactly("public.audit");
        assertThat(BackupChecks.missing(whole, counted, List.of("public.gone"))).containsExactly("public.gone");
    }
}
