package dev.runbookpilot.session;

import com.fasterxml.jackson.databind.JsonMappingException;
import dev.runbookpilot.check.Snapshots;
import dev.runbookpilot.db.CatalogObject;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.runbook.ObjectKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A snapshot's catalog is journaled with each object as an array (ADR 0040), and a journal written before, with
 * each object as a JSON object, still replays to the same snapshot: a session begun on the older build can be
 * resumed, reported and rolled back against its baseline.
 */
class SnapshotJournalFormTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:15:30Z");

    @TempDir
    Path dir;

    private static SchemaSnapshot catalog() {
        Map<String, String> table = new LinkedHashMap<>();
        table.put("ownerRole", "postgres");
        table.put("grant owner", "SELECT, UPDATE");
        table.put("comment", "quotes \" and \\ and a line\nbreak, ünïcödé");
        return new SchemaSnapshot("app", List.of(
                new CatalogObject(ObjectKind.TABLES, "orders", null, table, null),
                new CatalogObject(ObjectKind.COLUMNS, "id", "orders", Map.of("type", "integer", "nullable", "false"),
                        null),
                new CatalogObject(ObjectKind.INDEXES, "orders_pkey", "orders", Map.of("table", "orders"),
                        "CREATE UNIQUE INDEX orders_pkey ON app.orders USING btree (id)"),
                new CatalogObject(ObjectKind.SCHEMAS, "app", null, Map.of(), null)));
    }

    @Test
    void aJournalWrittenWithCatalogObjectsAsJsonObjectsStillReplaysToTheSameSnapshot() throws IOException {
        // A snapshot line exactly as the build before the compact form wrote it.
        String old = "{\"event\":\"snapshot\",\"stepId\":\"pre\",\"index\":0,\"data\":{\"name\":\"before\","
                + "\"schema\":\"app\",\"rowCounts\":{\"orders\":3},\"catalog\":{\"schema\":\"app\",\"objects\":["
                + "{\"kind\":\"COLUMNS\",\"name\":\"id\",\"table\":\"orders\",\"properties\":{\"nullable\":\"false\","
                + "\"type\":\"integer\"},\"definition\":null},"
                + "{\"kind\":\"INDEXES\",\"name\":\"orders_pkey\",\"table\":\"orders\",\"properties\":{\"table\":"
                + "\"orders\"},\"definition\":\"CREATE UNIQUE INDEX orders_pkey ON app.orders USING btree (id)\"},"
                + "{\"kind\":\"SCHEMAS\",\"name\":\"app\",\"table\":null,\"properties\":{},\"definition\":null},"
                + "{\"kind\":\"TABLES\",\"name\":\"orders\",\"table\":null,\"properties\":{\"comment\":"
                + "\"quotes \\\" and \\\\ and a line\\nbreak, ünïcödé\",\"grant owner\":\"SELECT, UPDATE\","
                + "\"ownerRole\":\"postgres\"},\"definition\":null}]},\"takenAt\":\"2026-12-01T10:15:30Z\","
                + "\"queries\":{},\"checksums\":{}},\"at\":\"2026-12-01T10:15:30Z\"}\n";
        Path file = dir.resolve("old.jsonl");
        Files.writeString(file, "{\"event\":\"ended\",\"operator\":\"alice\",\"at\":\"2026-12-01T10:15:30Z\"}\n" + old,
                StandardCharsets.UTF_8);

        JournalEvent.SnapshotRecorded read = (JournalEvent.SnapshotRecorded) Journal.read(file).get(1);

        assertThat(read.data().catalog()).isEqualTo(catalog());
        assertThat(read.data().rowCounts()).containsExactly(Map.entry("orders", 3L));
    }

    @Test
    void eachCatalogObjectIsJournaledAsAnArrayAndReadsBackEqual() throws IOException {
        Snapshots.Data data = new Snapshots.Data("before", "app", Map.of("orders", 3L), catalog(), T0);
        Path file = dir.resolve("new.jsonl");
        try (Journal j = Journal.create(file, new JournalEvent.Ended("alice", T0))) {
            j.append(new JournalEvent.SnapshotRecorded("pre", 0, data, T0));
        }

        String line = Files.readAllLines(file, StandardCharsets.UTF_8).get(1);
        assertThat(line).contains("\"catalog\":{\"schema\":\"app\",\"objects\":[[\"COLUMNS\",\"id\",\"orders\",null,"
                + "{\"nullable\":\"false\",\"type\":\"integer\"}],");
        assertThat(line).doesNotContain("\"kind\"");
        assertThat(((JournalEvent.SnapshotRecorded) Journal.read(file).get(1)).data()).isEqualTo(data);
    }

    @Test
    void aDamagedCatalogObjectIsAnErrorNotASnapshotWithAGap() {
        for (String object : List.of("[\"NOT_A_KIND\",\"x\",null,null,{}]", "[\"TABLES\",\"x\",null,{}]",
                "[\"TABLES\",\"x\",null,null,{\"a\":1}]", "[\"TABLES\",null,null,null,{}]",
                "[\"TABLES\",\"x\",null,null,{},\"extra\"]")) {
            assertThatThrownBy(() -> Journal.JSON.readValue("{\"schema\":\"app\",\"objects\":[" + object + "]}",
                    SchemaSnapshot.class)).as(object).isInstanceOf(JsonMappingException.class);
        }
    }

    @Test
    void aSnapshotWithoutItsObjectsIsAnUnreadableEventNotAnEmptySchema() throws IOException {
        // Read as zero objects, a later comparison would see every table as dropped, or none as added.
        for (String catalog : List.of("{\"schema\":\"public\",\"objects\":null}", "{\"schema\":\"public\"}",
                "{\"schema\":\"public\",\"objects\":{\"x\":1}}", "{\"schema\":\"public\",\"objects\":\"[]\"}",
                "{\"schema\":\"public\",\"objcts\":[[\"SCHEMAS\",\"public\",null,null,{}]]}",
                "{\"schema\":\"public\",\"objects\":[],\"extra\":1}")) {
            String event = "{\"event\":\"snapshot\",\"stepId\":\"pre\",\"index\":0,\"data\":{\"name\":\"before\","
                    + "\"schema\":\"public\",\"rowCounts\":{},\"catalog\":" + catalog + ",\"takenAt\":"
                    + "\"2026-12-01T10:15:30Z\",\"queries\":{},\"checksums\":{}},\"at\":\"2026-12-01T10:15:30Z\"}\n";
            Path file = dir.resolve("damaged.jsonl");
            Files.writeString(file, "{\"event\":\"ended\",\"operator\":\"alice\",\"at\":\"2026-12-01T10:15:30Z\"}\n"
                    + event, StandardCharsets.UTF_8);
            assertThatThrownBy(() -> Journal.read(file)).as(catalog).isInstanceOf(IOException.class)
                    .hasMessageContaining(":2: unreadable journal event");
        }
        // An empty schema is written, and read, as an empty array.
        assertThat(Journal.JSON.readValue("{\"schema\":\"public\",\"objects\":[]}", SchemaSnapshot.class).objects())
                .isEmpty();
    }
}
