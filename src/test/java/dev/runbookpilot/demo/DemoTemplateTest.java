package dev.runbookpilot.demo;

import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoTemplateTest {

    @TempDir
    Path dir;

    @Test
    void eachDemoSessionGetsItsOwnCopyOfOneTemplateBuiltOnce() throws Exception {
        Runbook runbook = sample("CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2);");
        Path templates = dir.resolve("demo-templates");

        try (EmbeddedServer first = DemoDatabase.start(runbook, dir.resolve("demo-1"), templates)) {
            assertThat(count(first)).isEqualTo(2);
            // What a session does to its demo database stays in that session's cluster.
            try (Connection c = first.connect("shop"); Statement s = c.createStatement()) {
                s.execute("DELETE FROM orders");
            }
        }
        try (EmbeddedServer second = DemoDatabase.start(runbook, dir.resolve("demo-2"), templates)) {
            assertThat(count(second)).as("the before-state, untouched by the first session").isEqualTo(2);
        }
        try (EmbeddedServer resumed = EmbeddedServer.start(dir.resolve("demo-1"))) {
            assertThat(count(resumed)).as("the first session's cluster resumes as it was left").isZero();
        }
        try (Stream<Path> made = Files.list(templates)) {
            assertThat(made.map(p -> p.getFileName().toString()).toList())
                    .as("one template, no half-built scratch directory").singleElement().asString()
                    .startsWith("shop-").doesNotContain("building");
        }
    }

    @Test
    void aChangedSetupScriptGetsANewTemplateAndAnExistingDataDirectoryIsNeverOverwritten() throws Exception {
        Runbook runbook = sample("CREATE TABLE orders (id int);");
        Path setup = DemoDatabase.setupScript(runbook);
        String key = DemoDatabase.templateKey(runbook, setup);
        Files.writeString(setup, "CREATE TABLE orders (id bigint);");
        assertThat(DemoDatabase.templateKey(runbook, setup)).isNotEqualTo(key);

        Path taken = Files.createDirectories(dir.resolve("demo-taken"));
        Files.writeString(taken.resolve("keep.txt"), "a resumable session's cluster");
        assertThatThrownBy(() -> DemoDatabase.start(runbook, taken, dir.resolve("demo-templates")))
                .hasMessageContaining("already exists");
        assertThat(taken.resolve("keep.txt")).hasContent("a resumable session's cluster");
    }

    @Test
    void theTemplateKeepsNoRecycledWalSegmentsForEverySessionToCopy() throws Exception {
        // About 45 MB of WAL: three segments and more that a checkpoint would otherwise rename into future ones.
        Runbook runbook = sample("CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2);"
                + " CREATE TABLE filler AS SELECT g, repeat('x', 400) AS pad FROM generate_series(1, 100000) g;");
        Path templates = dir.resolve("demo-templates");

        try (EmbeddedServer session = DemoDatabase.start(runbook, dir.resolve("demo-1"), templates)) {
            assertThat(count(session)).as("the copy starts with the before-state").isEqualTo(2);
        }
        Path template;
        try (Stream<Path> made = Files.list(templates)) {
            template = made.findFirst().orElseThrow();
        }
        try (Stream<Path> wal = Files.list(template.resolve("pg_wal"))) {
            assertThat(wal.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList())
                    .as("the segment of the shutdown checkpoint, and at most one preallocated after it")
                    .hasSizeBetween(1, 2);
        }
    }

    private Runbook sample(String setup) throws Exception {
        Path rb = dir.resolve("sample");
        Files.createDirectories(rb.resolve("demo"));
        Files.writeString(rb.resolve("demo").resolve("setup.sql"), setup);
        Files.writeString(rb.resolve("runbook.yaml"), String.join("\n", List.of(
                "runbook: Template test",
                "version: \"1\"",
                "target: { environment: development, database: shop, schema: public }",
                "phases:",
                "  - name: Check",
                "    steps:",
                "      - id: one",
                "        title: One",
                "        checks:",
                "          - query: { sql: 'SELECT 1', expect: '= 1' }",
                "")));
        return RunbookLoader.load(rb.resolve("runbook.yaml"));
    }

    private static long count(EmbeddedServer server) throws Exception {
        try (Connection c = server.connect("shop"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
