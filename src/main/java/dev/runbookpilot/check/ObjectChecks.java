package dev.runbookpilot.check;

import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.runbook.CheckSpec;

/** Placeholder until the catalog branch lands (same signature). */
public final class ObjectChecks {
    private ObjectChecks() {}

    public static CheckOutcome evaluate(CheckSpec.CatalogObjects spec, SchemaSnapshot snapshot) {
        return new CheckOutcome(Status.ERROR, null, "not implemented yet", null, null);
    }
}
