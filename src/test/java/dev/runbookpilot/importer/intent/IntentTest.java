package dev.runbookpilot.importer.intent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IntentTest {

    /**
     * The backup's options are written to the runbook in this order: with Map.copyOf the order changed from one
     * JVM to the next (its iteration order is salted per run), so importing the same checklist twice could give
     * two different runbooks. Twelve keys make an accidental match of a salted order practically impossible.
     */
    @Test
    void backupOptionsKeepTheOrderTheRecogniserGaveThem() {
        List<Object> keyValues = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            keys.add("option" + i);
            keyValues.add("option" + i);
            keyValues.add(i);
        }
        Intent intent = Intent.backup(new BackupRecogniser(), Confidence.SURE, null,
                Intent.options(keyValues.toArray()));
        assertThat(intent.backup().keySet()).containsExactlyElementsOf(keys);
    }
}
