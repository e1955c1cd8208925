package dev.runbookpilot.check;

import dev.runbookpilot.db.QueryData;
import dev.runbookpilot.runbook.Expectation;

/** Placeholder until the catalog branch lands (same signature). */
public final class Expectations {
    private Expectations() {}

    public record Verdict(boolean passed, String actual, boolean evaluable) {}

    public static Verdict test(Expectation e, QueryData data) {
        return new Verdict(false, "not implemented yet", false);
    }

    public static Verdict testCount(Expectation e, long n) {
        return new Verdict(false, "not implemented yet", false);
    }
}
