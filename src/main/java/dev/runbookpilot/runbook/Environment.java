package dev.runbookpilot.runbook;

import java.util.Locale;

/** Where a runbook is meant to run; production raises the confirmation bar for anything that writes. */
public enum Environment {
    PRODUCTION, STAGING, DEVELOPMENT;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
