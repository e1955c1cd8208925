package dev.runbookpilot.check;

import dev.runbookpilot.db.QueryData;
import dev.runbookpilot.runbook.Expectation;

import java.math.BigDecimal;

/**
 * Judges data against an {@link Expectation}; every check that compares values goes through here so that
 * "= 0" means the same thing everywhere.
 */
public final class Expectations {

    private Expectations() {}

    /**
     * @param passed    the data meets the expectation
     * @param evaluable false when the data cannot be compared at all (text where a number was expected); the
     *                  caller reports ERROR, not FAILED
     * @param actual    what was found, in words the operator reads
     */
    public record Verdict(boolean passed, boolean evaluable, String actual) {
        public Verdict {
            if (passed && !evaluable) throw new IllegalArgumentException("a verdict that could not be reached passed");
        }

        static Verdict of(boolean passed, String actual) {
            return new Verdict(passed, true, actual);
        }

        static Verdict notEvaluable(String actual) {
            return new Verdict(false, false, actual);
        }

        /** The status a check reports for this verdict. */
        public Status status() {
            return !evaluable ? Status.ERROR : passed ? Status.PASSED : Status.FAILED;
        }
    }

    public static Verdict test(Expectation e, QueryData data) {
        long rows = data.rowCount();
        if (e instanceof Expectation.Emptiness empty) {
            return Verdict.of(empty.empty() == (rows == 0), rows(rows));
        }
        if (e instanceof Expectation.Rows r) {
            return Verdict.of(r.test(rows), rows(rows));
        }
        if (rows != 1) return Verdict.of(false, rows(rows) + ", expected a single value");
        if (data.columns().isEmpty() || data.rows().isEmpty() || data.rows().get(0).isEmpty()) return Verdict.of(false, "no columns, expected a single value");
        return testScalar(e, data.rows().get(0).get(0));
    }

    /** The same expectation applied to a number of things (objects, rows, sessions). */
    public static Verdict testCount(Expectation e, long n) {
        if (e instanceof Expectation.Emptiness empty) return Verdict.of(empty.empty() == (n == 0), String.valueOf(n));
        if (e instanceof Expectation.Rows r) return Verdict.of(r.test(n), String.valueOf(n));
        return testScalar(e, String.valueOf(n));
    }

    private static Verdict testScalar(Expectation e, String value) {
        if (e instanceof Expectation.Text text) {
            if (value == null) return Verdict.of(false, "NULL");
            return Verdict.of(text.value().equals(value), "'" + value + "'");
        }
        if (value == null) return Verdict.of(false, "NULL");
        BigDecimal number;
        try {
            number = new BigDecimal(value.strip());
        } catch (NumberFormatException notNumeric) {
            return Verdict.notEvaluable("'" + value + "' (not a number)");
        }
        if (e instanceof Expectation.Compare compare) return Verdict.of(compare.test(number), value);
        if (e instanceof Expectation.Between between) return Verdict.of(between.test(number), value);
        throw new IllegalArgumentException("unknown expectation " + e);
    }

    private static String rows(long n) {
        return n == 0 ? "no rows" : n == 1 ? "1 row" : n + " rows";
    }
}
