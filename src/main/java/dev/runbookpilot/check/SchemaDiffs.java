package dev.runbookpilot.check;

import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.runbook.CheckSpec;

/** Placeholder until the catalog branch lands (same signature). */
public final class SchemaDiffs {
    private SchemaDiffs() {}

    public static CheckOutcome evaluate(CheckSpec.SchemaDiff spec, SchemaSnapshot before, SchemaSnapshot now) {
        return new CheckOutcome(Status.ERROR, null, "not implemented yet", null, null);
    }
}
