package dev.runbookpilot.runbook;

import java.util.Objects;

/**
 * What the runbook expects to be connected to.
 *
 * @param database when set, the run refuses any connection whose current database has another name
 * @param schema   the schema object checks look in unless a check names its own
 * @param approveProbes whether, against production, a step with rejects/accepts probes asks the same approval as a
 *                      migration before it runs (probes write, then roll back); on unless the runbook says otherwise
 */
public record Target(Environment environment, String database, String schema, boolean approveProbes) {
    public Target {
        Objects.requireNonNull(environment, "environment");
        schema = schema == null || schema.isBlank() ? "public" : schema;
    }

    public Target(Environment environment, String database, String schema) {
        this(environment, database, schema, true);
    }

    /** Whether running this step needs an approval because of its probes (only ever against production). */
    public boolean probesNeedApproval(Step step) {
        return environment == Environment.PRODUCTION && approveProbes
                && step.checks().stream().anyMatch(c -> c instanceof CheckSpec.Statement);
    }

    /**
     * Whether running this step needs an approval because of a status command (only ever against production): its
     * tool promises to only read, and nothing here can hold it to that (ADR 0032).
     */
    public boolean statusCommandsNeedApproval(Step step) {
        return environment == Environment.PRODUCTION
                && step.checks().stream().anyMatch(c -> c instanceof CheckSpec.StatusCommand);
    }
}
