package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Snapshots;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.SchemaSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot's content checksums and a restored check's proof survive the journal: a session resumed after a crash
 * still has the baseline to prove the way back against, and the report still shows the diff.
 */
class BaselineProofJournalTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;

    @Test
    void checksumsAndTheRestoredProofRoundTripThroughTheJournal() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("orders", 300L);
        counts.put("ghost", null);
        Map<String, String> checksums = new LinkedHashMap<>();
        checksums.put("orders", "md5-row-sum/1:300:-123:456");
        Snapshots.Data data = new Snapshots.Data("before", "public", counts, new SchemaSnapshot("public", List.of()),
                T0, Map.of(), checksums);
        CheckDetail.RestoredProof proof = new CheckDetail.RestoredProof("before", List.of(
                new CheckDetail.SchemaChange("removed", "index:orders_placed_idx", "CREATE INDEX ...", null, false,
                        true)), List.of(new CheckDetail.RowCountLine("orders", "orders", 300L, 301L, Status.FAILED,
                "delta 1")), List.of(new CheckDetail.ChecksumLine("orders", "md5-row-sum/1:300:-123:456",
                "md5-row-sum/1:301:-1:2", Status.FAILED, "contents differ")), List.of());
        CheckResult result = new CheckResult("proof", 0, "restored", "back at before", Status.FAILED, "back",
                "differs", "SELECT 1", 5, null, null, proof, T0, T0);
        Path file = dir.resolve("s.jsonl");
        try (Journal j = Journal.create(file, new JournalEvent.Ended("alice", T0))) {
            j.append(new JournalEvent.SnapshotRecorded("baseline", 0, data, T0));
            j.append(new JournalEvent.CheckFinished(result, T0));
        }
        List<JournalEvent> read = Journal.read(file);
        assertThat(((JournalEvent.SnapshotRecorded) read.get(1)).data()).isEqualTo(data);
        assertThat(((JournalEvent.SnapshotRecorded) read.get(1)).data().checksums())
                .containsExactly(Map.entry("orders", "md5-row-sum/1:300:-123:456"));
        assertThat(((JournalEvent.CheckFinished) read.get(2)).result().detail()).isEqualTo(proof);
    }

    @Test
    void aSnapshotJournaledBeforeChecksumsExistedReadsWithNone() throws Exception {
        Snapshots.Data old = Journal.JSON.readValue("{\"name\":\"before\",\"schema\":\"public\",\"rowCounts\":"
                + "{\"orders\":3},\"catalog\":{\"schema\":\"public\",\"objects\":[]},\"takenAt\":\"2024-05-01T10:15:30Z\"}",
                Snapshots.Data.class);
        assertThat(old.checksums()).isEmpty();
        assertThat(old.rowCounts()).containsEntry("orders", 3L);
    }
}
