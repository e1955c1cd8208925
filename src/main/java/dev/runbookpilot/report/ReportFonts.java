package dev.runbookpilot.report;

import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The PDF report's fonts, each parsed once per process and shared by every PDF rendered in it (and by the column
 * widths, which measure text in DejaVu Sans). Each render used to parse every face it touched again from the jar;
 * in a cold JVM that was about a tenth of the layout's CPU time. The 4 MB CJK fallback is parsed only when a report
 * needs a glyph DejaVu lacks, as before.
 *
 * <p>A parsed font reads its tables and glyphs lazily from one buffer, so it is used only while holding
 * {@link #LOCK}: PDF renders in one process take turns.
 */
final class ReportFonts {
    /** Held by whoever lays out, measures or subsets text with these fonts. */
    static final Object LOCK = new Object();

    enum Face {
        SANS("DejaVuSans.ttf"), SANS_BOLD("DejaVuSans-Bold.ttf"), MONO("DejaVuSansMono.ttf"),
        CJK_FALLBACK("DroidSansFallbackFull.ttf");

        final String file;

        Face(String file) {
            this.file = file;
        }
    }

    private static final String FONT_DIR = "/dev/runbookpilot/report/fonts/";
    private static final Map<Face, TrueTypeFont> PARSED = new EnumMap<>(Face.class);

    private ReportFonts() {}

    /** The face, parsed on first use. */
    static TrueTypeFont get(Face face) {
        synchronized (PARSED) {
            TrueTypeFont font = PARSED.get(face);
            if (font != null) return font;
            try (InputStream in = ReportFonts.class.getResourceAsStream(FONT_DIR + face.file)) {
                if (in == null) throw new IllegalStateException("font " + face.file + " missing from the application");
                font = new TTFParser().parse(new RandomAccessReadBuffer(in.readAllBytes()));
                // Of DejaVu's glyph substitutions PDFBox applies to Latin only the ligatures ff, fi, fl, ffi and
                // ffl (the mono face has none): it looked them up in every string it wrote, a tenth of a cold
                // render (ADR 0043), and the layout measured each word without them anyway. The CJK fallback
                // keeps its substitutions.
                if (face != Face.CJK_FALLBACK) font.setEnableGsub(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the report font " + face.file, e);
            }
            PARSED.put(face, font);
            return font;
        }
    }
}
