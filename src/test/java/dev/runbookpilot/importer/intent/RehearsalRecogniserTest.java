package dev.runbookpilot.importer.intent;

import dev.runbookpilot.importer.ImportResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RehearsalRecogniserTest {

    @Test
    void aDryRunOrStagingTestStaysManualWithANotePointingToRehearse() throws Exception {
        for (String item : java.util.List.of("Test on staging first", "Dry run the migration",
                "Tested it against a copy of prod")) {
            ImportResult r = Imports.of("# T\n## Before\n- [ ] " + item + "\n");
            assertThat(Imports.automated("# T\n## Before\n- [ ] " + item + "\n")).as(item).isEmpty();
            assertThat(r.yaml()).as(item).contains(item + "\\n\\n(Runbook Pilot can do this: `runbook-pilot rehearse`");
            // A note is no machine-verifiable statement: nothing here proves the rehearsal happened.
            assertThat(r.summary().verifiable()).isZero();
        }
    }
}
