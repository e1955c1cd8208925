package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.Status;

import java.util.List;

/**
 * Which details of a check only say again what its expected and actual already say, so a report prints them once.
 * Both writers ask here, so the PDF and the Markdown leave out the same things.
 */
final class Restated {
    private Restated() {}

    /**
     * The check's detail, or null when it adds nothing to the check's row: the objects a passed object check found
     * (every one of them is named in its expected text, and nothing was missing, unexpected or mismatched), or the
     * single value a query returned when it is the actual value printed beside it.
     */
    static CheckDetail detail(Report.CheckReport c) {
        CheckDetail d = c.detail();
        if (d instanceof CheckDetail.ObjectsDiff od && c.status() == Status.PASSED && od.missing().isEmpty()
                && od.unexpected().isEmpty() && od.mismatched().isEmpty()) {
            return null;
        }
        if (d instanceof CheckDetail.Rows rows && !rows.truncated() && rows.columns().size() == 1
                && rows.rows().size() == 1 && isActual(c.actual(), rows.rows().get(0))) {
            return null;
        }
        return d;
    }

    /** The actual text is the value itself, or the value quoted as a literal ('singularity_dev'). */
    private static boolean isActual(String actual, List<String> row) {
        String v = row.isEmpty() ? null : row.get(0);
        return v != null && actual != null && (actual.equals(v) || actual.equals("'" + v.replace("'", "''") + "'"));
    }
}
