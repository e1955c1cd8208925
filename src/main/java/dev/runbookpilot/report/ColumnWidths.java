package dev.runbookpilot.report;

import org.apache.fontbox.ttf.CmapLookup;
import org.apache.fontbox.ttf.TrueTypeFont;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * Column widths of a PDF table taken from its content, measured with the font the report prints in. Each column
 * first gets room for its longest word (so "added" or "yes" never prints one letter per line, as an automatic layout
 * squeezed them), then the rest of the line is shared by how much text each column holds beyond that.
 */
final class ColumnWidths {
    /** Cell padding and borders of one column, in em of the table's font. */
    private static final double PADDING_EM = 1.6;
    /** Header cells print bold, which DejaVu Sans sets about this much wider. */
    private static final double BOLD = 1.12;

    /** Shared with the renders ({@link ReportFonts}); measured while a render holds the fonts' lock. */
    private static final TrueTypeFont FONT = ReportFonts.get(ReportFonts.Face.SANS);
    private static final CmapLookup CMAP = cmap();
    private static final double UNITS_PER_EM = units();

    private ColumnWidths() {}

    /**
     * @param rowsWithHeader the header first (measured bold), then the rows, as plain text
     * @param lineEm         how many em of the table's font fit on one line of the table
     * @return a {@code <colgroup>} with one percentage per column
     */
    static String colgroup(List<List<String>> rowsWithHeader, double lineEm) {
        double[] pct = percentages(rowsWithHeader, lineEm);
        StringBuilder b = new StringBuilder("<colgroup>");
        for (double p : pct) {
            b.append("<col style=\"width:").append(String.format(Locale.ROOT, "%.1f", p)).append("%\"/>");
        }
        return b.append("</colgroup>").toString();
    }

    static double[] percentages(List<List<String>> rowsWithHeader, double lineEm) {
        int n = rowsWithHeader.stream().mapToInt(List::size).max().orElse(0);
        double[] need = new double[n];
        List<List<Double>> lines = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) lines.add(new java.util.ArrayList<>());
        for (int r = 0; r < rowsWithHeader.size(); r++) {
            List<String> row = rowsWithHeader.get(r);
            double scale = r == 0 ? BOLD : 1.0;
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i) == null ? "" : row.get(i);
                for (String line : cell.split("\n")) {
                    for (String word : line.split("\\s+")) need[i] = Math.max(need[i], scale * width(word));
                    // The header counts for its words, not its length: in a table of one row, "Waived by" took the
                    // room the row's long check name wanted.
                    if (r > 0 || rowsWithHeader.size() == 1) lines.get(i).add(scale * width(line));
                }
            }
        }
        // What a column wants is room for nine lines in ten on one line: one very long cell wraps rather than
        // widening its column for every other row, and never takes more than most of the line.
        double[] want = new double[n];
        for (int i = 0; i < n; i++) {
            List<Double> sorted = lines.get(i).stream().sorted().toList();
            want[i] = sorted.isEmpty() ? 0 : Math.min(sorted.get((int) Math.floor(0.9 * (sorted.size() - 1))),
                    lineEm * 0.6);
        }
        double needed = 0;
        double extra = 0;
        for (int i = 0; i < n; i++) {
            need[i] += PADDING_EM;
            want[i] = Math.max(want[i] + PADDING_EM, need[i]);
            needed += need[i];
            extra += want[i] - need[i];
        }
        double[] em = new double[n];
        if (needed <= lineEm) {
            double spare = lineEm - needed;
            for (int i = 0; i < n; i++) {
                em[i] = need[i] + (extra == 0 ? spare / n : spare * (want[i] - need[i]) / extra);
            }
        } else {
            // Even the longest words do not fit side by side: short words keep their room, long ones share the
            // rest and break (an identifier over two lines rather than "yes" over three).
            double shortNeeds = 0;
            double longNeeds = 0;
            for (double w : need) {
                if (w <= 10) shortNeeds += w;
                else longNeeds += w;
            }
            double rest = Math.max(lineEm - shortNeeds, 0);
            for (int i = 0; i < n; i++) em[i] = need[i] <= 10 ? need[i] : need[i] * rest / longNeeds;
        }
        double total = 0;
        for (double w : em) total += w;
        double[] pct = new double[n];
        for (int i = 0; i < n; i++) pct[i] = 100.0 * em[i] / total;
        return pct;
    }

    /** The advance width of {@code s} in em of DejaVu Sans (the report's text font). */
    static double width(String s) {
        double units = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int gid = CMAP.getGlyphId(cp);
            try {
                // A character DejaVu lacks prints from the CJK fallback, about one em wide.
                units += gid == 0 ? UNITS_PER_EM : FONT.getAdvanceWidth(gid);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return units / UNITS_PER_EM;
    }

    private static CmapLookup cmap() {
        try {
            return FONT.getUnicodeCmapLookup();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report font", e);
        }
    }

    private static double units() {
        try {
            return FONT.getUnitsPerEm();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report font", e);
        }
    }
}
