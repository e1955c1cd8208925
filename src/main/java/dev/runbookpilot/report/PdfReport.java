package dev.runbookpilot.report;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder;
import com.openhtmltopdf.pdfboxout.PagePosition;
import com.openhtmltopdf.pdfboxout.PDFontSupplier;
import com.openhtmltopdf.pdfboxout.PdfBoxRenderer;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.render.Box;
import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.io.Durations;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.EnumMap;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Renders a {@link Report} as a PDF laid out for print: XHTML generated here (every journal text escaped), laid out
 * by openhtmltopdf with embedded font subsets. The same report always gives the same bytes: document dates come
 * from the journal and the document id from the content.
 */
public final class PdfReport {
    private static final String SIGNATURE_BOX_ID = "signature-box";
    /** How many em of the 7 pt font of a table inside a check's details fit on one line of an A4 page. */
    private static final double INNER_LINE_EM = 70;
    /** How many em of the 7.5 pt body font fit on one line of an A4 page within its margins. */
    private static final double CHECKS_LINE_EM = 67;
    /** Characters of an expected or actual text that still read well in its column of the checks table. */
    private static final int LONG_TEXT = 120;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** Who will sign the PDF: named on the cover, and a box is kept free for the visible signature. */
    public record Signer(String name, String fingerprint) {}

    /**
     * A rendered PDF and, when a signer was given, where the visible signature goes.
     *
     * @param signaturePage zero-based page index of the signature box; -1 when unsigned
     * @param signatureBox  the box in PDF user space (origin bottom left); null when unsigned
     */
    public record Rendered(byte[] pdf, int signaturePage, PDRectangle signatureBox) {}

    private PdfReport() {}

    public static byte[] render(Report r) throws IOException {
        return render(r, null).pdf();
    }

    /**
     * Gets ready to render soon, on a background thread while the caller does other work (a cold
     * {@code report --format pdf} reads the journal and opens the signing key meanwhile, on the other core): lays
     * out and paints a short document in the report's style and throws it away, which parses the fonts the report
     * shares ({@link ReportFonts}) and loads and initialises the renderer's classes. In a cold JVM that is a good part
     * of the first render's time. Skipped when a render has already begun.
     */
    public static void prepare() {
        Thread t = new Thread(PdfReport::warmUp, "pdf-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private static void warmUp() {
        try {
            RendererLog.install();
            synchronized (ReportFonts.LOCK) {
                if (begun.get()) return;
                try (PDDocument doc = new PDDocument();
                     PdfBoxRenderer renderer = builder(WARM_UP, "Runbook Pilot", doc).buildPdfRenderer()) {
                    renderer.layout();
                    renderer.createPDFWithoutClosing();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Only a head start: the render itself meets whatever failed here, and reports it.
        }
    }

    /** Whether a render has begun in this process (a warm-up after it would gain nothing). */
    private static final AtomicBoolean begun = new AtomicBoolean();

    /** A page with what most of the report is made of: a running header, headings, a table of checks, SQL. */
    private static final String WARM_UP = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"UTF-8\"/><title>"
            + "warm-up</title><style>" + PdfReport.CSS + "</style></head><body><div id=\"running-header\">warm-up</div>"
            + "<h2>Phase</h2><h3>Step <span class=\"badge s-passed\">PASSED</span> <span class=\"stepid\">step "
            + "<span class=\"mono\">s1</span></span></h3><table class=\"grid checks\"><colgroup>"
            + "<col style=\"width:30%\"/><col style=\"width:70%\"/></colgroup><thead><tr><th>Check</th><th>Actual"
            + "</th></tr></thead><tbody><tr class=\"check\"><td>a check</td><td class=\"num time\">1 ms</td></tr>"
            + "<tr class=\"more\"><td colspan=\"2\"><p class=\"row\">Row: <b>count</b> = 1</p><pre class=\"sql\">"
            + "SELECT 1</pre></td></tr></tbody></table></body></html>\n";

    public static Rendered render(Report r, Signer signer) throws IOException {
        begun.set(true);
        RendererLog.install();
        synchronized (ReportFonts.LOCK) {
            String xhtml = xhtml(r, signer);
            try (PDDocument target = new PDDocument()) {
                return layOut(r, signer, xhtml, builder(xhtml, "Runbook Pilot " + r.toolVersion(), target));
            }
        }
    }

    /** A renderer of {@code xhtml} into {@code target}, with the report's fonts made from the shared faces. */
    private static PdfRendererBuilder builder(String xhtml, String producer, PDDocument target) {
        PdfRendererBuilder builder = new PdfRendererBuilder();
        builder.useFastMode();
        builder.withHtmlContent(xhtml, null);
        builder.withProducer(producer);
        // Nothing in the report may make the renderer fetch a file or a URL.
        builder.useExternalResourceAccessControl((uri, type) -> false,
                com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI);
        builder.toStream(OutputStream.nullOutputStream());
        builder.usePDDocument(target);
        DocumentFonts fonts = new DocumentFonts(target);
        fonts.register(builder, ReportFonts.Face.SANS, "DejaVu Sans", 400);
        fonts.register(builder, ReportFonts.Face.SANS_BOLD, "DejaVu Sans", 700);
        fonts.register(builder, ReportFonts.Face.MONO, "DejaVu Sans Mono", 400);
        fonts.register(builder, ReportFonts.Face.CJK_FALLBACK, "Droid Sans Fallback", 400);
        fonts.register(builder, ReportFonts.Face.CJK_FALLBACK, "Droid Sans Fallback", 700);
        return builder;
    }

    private static Rendered layOut(Report r, Signer signer, String xhtml, PdfRendererBuilder builder)
            throws IOException {
        try (PdfBoxRenderer renderer = builder.buildPdfRenderer()) {
            renderer.layout();
            renderer.createPDFWithoutClosing();
            PDDocument doc = renderer.getPdfDocument();
            int page = -1;
            PDRectangle box = null;
            if (signer != null) {
                List<PagePosition<Box>> found = renderer.findPagePositionsByID(Pattern.compile(SIGNATURE_BOX_ID));
                if (found.isEmpty()) throw new IOException("the PDF layout lost the signature box");
                PagePosition<Box> p = found.get(found.size() - 1);
                page = p.getPageNo();
                box = new PDRectangle(p.getX(), p.getY(), p.getWidth(), p.getHeight());
            }
            if (PlanChart.shown(r)) {
                List<PagePosition<Box>> chart = renderer.findPagePositionsByID(Pattern.compile(PlanChart.BOX_ID));
                if (chart.isEmpty()) throw new IOException("the PDF layout lost the plan chart's box");
                PagePosition<Box> c = chart.get(0);
                PlanChart.draw(doc, c.getPageNo(), new PDRectangle(c.getX(), c.getY(), c.getWidth(), c.getHeight()), r);
            }
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle("Sign-off report: " + r.title());
            info.setAuthor(r.operator());
            info.setSubject("Runbook " + r.runbookSha256() + ", session " + r.sessionId());
            info.setCreator("Runbook Pilot " + r.toolVersion());
            info.setProducer("Runbook Pilot " + r.toolVersion());
            info.setCustomMetadataValue(dev.runbookpilot.report.sign.PdfSignatures.ROLES_INFO_KEY,
                    dev.runbookpilot.report.sign.PdfSignatures.rolesInfoValue(ReportSigners.roles(r)));
            info.setCustomMetadataValue(SignoffRows.PDF_INFO_KEY, SignoffRows.pdfInfoValue(r));
            if (r.journal() != null) {
                info.setCustomMetadataValue(JournalWitness.PDF_INFO_KEY, r.journal().pdfInfoValue());
            }
            Instant created = r.end() != null ? r.end() : r.start();
            if (created != null) {
                info.setCreationDate(calendar(created));
                info.setModificationDate(calendar(created));
            }
            doc.getDocumentCatalog().setLanguage("en");
            ByteArrayOutputStream first = new ByteArrayOutputStream(256 * 1024);
            doc.getDocument().getTrailer().setItem(COSName.ID, documentId(xhtml));
            doc.save(first);
            return new Rendered(first.toByteArray(), page, box);
        }
    }

    /**
     * The document's fonts, made from the process's parsed faces ({@link ReportFonts}) when the layout first needs
     * each (a Latin report never makes the CJK one), one per face: both weights of the fallback share it. Tried
     * glyph by glyph in the CSS font-family order: DejaVu covers Latin, Greek and Cyrillic; Droid Sans Fallback
     * covers CJK. (Registering them as renderer-wide fallbacks instead made openhtmltopdf ignore the families.)
     */
    private static final class DocumentFonts {
        private final PDDocument doc;
        private final Map<ReportFonts.Face, PDFont> made = new EnumMap<>(ReportFonts.Face.class);

        DocumentFonts(PDDocument doc) {
            this.doc = doc;
        }

        void register(PdfRendererBuilder b, ReportFonts.Face face, String family, int weight) {
            b.useFont(new PDFontSupplier(null) {
                @Override
                public PDFont supply() {
                    return made.computeIfAbsent(face, f -> {
                        try {
                            return PDType0Font.load(doc, ReportFonts.get(f), true);
                        } catch (IOException e) {
                            throw new UncheckedIOException("cannot embed the report font " + f.file, e);
                        }
                    });
                }
            }, family, weight, BaseRendererBuilder.FontStyle.NORMAL, true);
        }
    }

    private static Calendar calendar(Instant t) {
        GregorianCalendar c = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        c.setTimeInMillis(t.toEpochMilli());
        return c;
    }

    /** The same report gets the same id; PDF readers only need it to be unique per content. */
    private static COSArray documentId(String xhtml) {
        try {
            byte[] h = Arrays.copyOf(MessageDigest.getInstance("SHA-256")
                    .digest(xhtml.getBytes(StandardCharsets.UTF_8)), 16);
            COSArray id = new COSArray();
            id.add(new COSString(h));
            id.add(new COSString(h));
            return id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static String xhtml(Report r, Signer signer) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"UTF-8\"/><title>")
                .append(esc("Sign-off report: " + r.title())).append("</title><style>").append(CSS)
                .append("</style></head><body>\n");
        b.append("<div id=\"running-header\">").append(r.rehearsal() == null ? ""
                : "<span class=\"rehearsal\">REHEARSAL ON A COPY — NOT THE REAL WINDOW</span> · ")
                .append("<span class=\"rh-title\">").append(esc(r.title()))
                .append("</span> · session ").append(esc(r.sessionId())).append(" · verdict ")
                .append(r.verdict()).append("</div>\n");

        SqlAppendix sql = SqlAppendix.of(r);
        String cols = checkColumns(r, sql);
        cover(b, r, signer);
        times(b, r);
        PlanChart.xhtml(b, r);
        for (Report.PhaseReport p : r.phases()) {
            b.append("<h2>").append(esc(p.name())).append("</h2>\n");
            for (Report.StepReport st : p.steps()) step(b, st, sql, cols);
        }
        if (r.rollback() != null) rollback(b, r.rollback(), sql, cols);
        waivers(b, r);
        confirmations(b, r);
        timeline(b, r);
        signoffs(b, r);
        appendix(b, sql);
        if (signer != null) {
            b.append("<div class=\"keep\"><h2>Digital signature</h2><p>This PDF carries an embedded PAdES "
                    + "signature by <b>").append(esc(signer.name())).append("</b> (certificate SHA-256 <span "
                    + "class=\"mono\">").append(esc(signer.fingerprint())).append("</span>). Any change to "
                    + "the file after signing invalidates it; check it with <span class=\"mono\">pdfsig</span> "
                    + "or <span class=\"mono\">runbook-pilot verify</span>.</p><div id=\"").append(SIGNATURE_BOX_ID)
                    .append("\"></div></div>\n");
        }
        b.append("</body></html>\n");
        return new WorkstationPaths(r.runbookFile(), System.getProperty("user.home"), PdfReport::esc)
                .apply(b.toString());
    }

    private static void cover(StringBuilder b, Report r, Signer signer) {
        Report.Target t = r.target();
        Report.Rehearsal rh = r.rehearsal();
        b.append("<div class=\"cover\"><p class=\"kicker\">Runbook Pilot · ")
                .append(rh == null ? "sign-off report" : "REHEARSAL report").append("</p><h1>")
                .append(esc(r.title())).append("</h1>");
        if (rh != null) {
            b.append("<p class=\"rehearsal-banner\">REHEARSAL ON A COPY — NOT THE REAL WINDOW. Nothing in this report"
                    + " happened on the real database; manual steps and sign-offs were walked through, not confirmed"
                    + " or signed.</p>\n<p class=\"cover-waiver\">Copy: ").append(esc(rh.copy())).append(" (")
                    .append(esc(rh.data())).append(") of ").append(esc(rh.original())).append(". ")
                    .append(esc(rh.proof())).append(". Dropped: ").append(esc(rh.dropped())).append("</p>\n");
        }
        b.append("<p class=\"verdict v-").append(r.verdict().name().toLowerCase()).append("\">Verdict: ")
                .append(r.verdict()).append("</p>\n");
        if (r.rollback() != null) {
            b.append("<p class=\"cover-waiver\">").append(esc(r.rollback().statement())).append("</p>\n");
        }
        // The waivers and skips the verdict rests on, on the first page with it.
        for (Report.Waiver w : r.waivers()) {
            b.append("<p class=\"cover-waiver\">Waived: <span class=\"mono\">").append(esc(w.stepId()))
                    .append("</span> ").append(esc(w.check())).append(w.coversError() ? " (ERROR)" : " (FAILED)")
                    .append(" by ").append(esc(w.operator())).append(", ").append(time(w.at()))
                    .append(w.inAdvance() ? ", granted in advance (run --waive) before anyone saw the failure" : "")
                    .append(": ").append(esc(w.reason())).append("</p>\n");
        }
        for (Report.Skip k : r.skips()) {
            b.append("<p class=\"cover-waiver\">Skipped: <span class=\"mono\">").append(esc(k.stepId()))
                    .append("</span> ").append(esc(k.title())).append(" by ").append(esc(k.operator())).append(", ")
                    .append(time(k.at())).append(": ").append(esc(k.reason())).append("</p>\n");
        }
        summary(b, r.summary());
        b.append("<table class=\"kv\">");
        String worked = time(r.start()) + " to " + time(r.end()) + " (" + Durations.human(r.duration()) + ")";
        // With a planned window the session's own span is not "the window": say both, so they cannot be confused.
        kv(b, "Window", r.window() == null ? worked
                : "planned " + MarkdownReport.plannedWindow(r.window()) + "; this session " + worked);
        kv(b, "Target", t.database() + " on " + t.host() + ":" + t.port() + " as " + t.user() + ", "
                + r.environment());
        kv(b, "Server", "PostgreSQL " + t.serverVersion()
                + (t.systemIdentifier() == null ? "" : ", system identifier " + t.systemIdentifier()));
        kv(b, "Runbook", r.title() + (r.runbookVersion() == null ? "" : " (version " + r.runbookVersion() + ")")
                + (r.runbookFile() == null ? "" : ", " + r.runbookFile()));
        kvMono(b, "Runbook SHA-256", r.runbookSha256());
        kvMono(b, "Session", r.sessionId());
        if (r.journal() != null) {
            kv(b, "Journal", r.journal().file() + " as read for this report: " + r.journal().counts());
            kvMono(b, "Journal SHA-256", r.journal().sha256());
        }
        kv(b, "Operator", r.operator());
        kv(b, "Tool", "Runbook Pilot " + r.toolVersion());
        if (signer != null) {
            kv(b, "Signed by", signer.name());
            kvMono(b, "Signer SHA-256", signer.fingerprint());
        }
        kv(b, "Checks", t.checkSafety());
        b.append("</table>\n");
        migrations(b, r.migrations());
        if (r.description() != null && !r.description().isBlank()) {
            b.append("<h3>About this runbook</h3><div class=\"description\">").append(markdown(r.description()))
                    .append("</div>\n");
        }
        b.append("<p class=\"legend\">Paths are relative to the runbook's folder; ~ is the home folder.</p></div>\n");
    }

    /** What ran against the target, with the SHA-256 of each file as it ran. */
    private static void migrations(StringBuilder b, List<Report.Migration> migrations) {
        b.append("<h3>Migrations</h3>\n");
        if (migrations.isEmpty()) {
            b.append("<p>This runbook runs no migration file.</p>\n");
            return;
        }
        b.append("<table class=\"grid fixed\"><colgroup><col style=\"width:18%\"/><col style=\"width:66%\"/>"
                + "<col style=\"width:16%\"/></colgroup><thead><tr><th>Step</th><th>Migration, SHA-256 of the file "
                + "as it ran</th><th>Status</th></tr></thead><tbody>");
        for (Report.Migration m : migrations) {
            b.append("<tr><td class=\"mono\">").append(esc(m.stepId())).append("</td><td>").append(esc(m.what()))
                    .append("<br/><span class=\"mono hash\">")
                    .append(m.sha256() == null ? "not started" : esc(m.sha256())).append("</span></td><td>")
                    .append(badge(m.status())).append("</td></tr>");
        }
        b.append("</tbody></table>\n");
    }

    /**
     * The runbook's Markdown description as XHTML: raw HTML in it is shown as text, never interpreted, and line
     * breaks are kept so a table written in Markdown stays one row per line.
     */
    private static String markdown(String text) {
        org.commonmark.node.Node doc = org.commonmark.parser.Parser.builder().build().parse(xmlSafe(text));
        return org.commonmark.renderer.html.HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true)
                .softbreak("<br />").build().render(doc);
    }

    /** Every SQL text the checks ran, once, with the checks that ran it. */
    private static void appendix(StringBuilder b, SqlAppendix sql) {
        if (sql.entries().isEmpty()) return;
        b.append("<h2>Appendix: SQL of the checks</h2>\n<p>Each check names the SQL it ran by number; a text "
                + "several checks ran is printed once.</p>\n<div class=\"appendix\">");
        for (SqlAppendix.Entry e : sql.entries()) {
            b.append("<div class=\"sqlentry\"><h3 id=\"").append(e.name()).append("\">").append(e.name())
                    .append(" <span class=\"legend\">run by ").append(esc(String.join(", ", e.usedBy())))
                    .append("</span></h3><pre class=\"sql\">").append(esc(e.sql())).append("</pre></div>\n");
        }
        b.append("</div>\n");
    }

    private static void summary(StringBuilder b, Report.Summary s) {
        b.append("<table class=\"grid summary\"><tr><th>Checks</th><th>Passed</th>"
                + "<th>Failed</th><th>Errors</th><th>Waived</th><th>Confirmed</th><th>Pending</th>"
                + "<th>Skipped</th></tr><tr>");
        for (int n : new int[] {s.checks(), s.passed(), s.failed(), s.errors(), s.waived(), s.confirmed(),
                s.pending(), s.skipped()}) {
            b.append("<td class=\"num\">").append(n).append("</td>");
        }
        b.append("</tr></table>\n");
    }

    /**
     * One set of column widths for every checks table of the report, sized to what all of them hold: the columns
     * stand in the same place from step to step, and a label gets the room short expected values do not need.
     */
    private static String checkColumns(Report r, SqlAppendix sql) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of("#", "Check", "Status", "Expected", "Actual", "Time"));
        List<Report.StepReport> steps = new ArrayList<>();
        r.phases().forEach(p -> steps.addAll(p.steps()));
        if (r.rollback() != null) {
            steps.addAll(r.rollback().steps());
            if (r.rollback().proof() != null) steps.add(r.rollback().proof());
        }
        for (Report.StepReport st : steps) {
            for (Report.CheckReport c : st.checks()) {
                cells.add(List.of(String.valueOf(c.index() + 1),
                        c.label() + (SqlAppendix.holds(c) ? "\nSQL: " + sql.entry(c).name() : ""),
                        c.status().name(), fits(c.expected()) && c.expected() != null ? c.expected() : "below",
                        fits(c.actual()) && c.actual() != null ? c.actual() : "below",
                        // A duration is one word: its column is never narrower than the longest.
                        c.durationMillis() == null ? "" : Durations.human(c.durationMillis()).replace(' ', '\u00a0')));
            }
        }
        double[] pct = ColumnWidths.percentages(cells, CHECKS_LINE_EM);
        // Expected and actual are read side by side: equal columns, so a long expectation is not squeezed into
        // the room a column of "= 0" needs.
        double half = (pct[3] + pct[4]) / 2;
        pct[3] = half;
        pct[4] = half;
        StringBuilder b = new StringBuilder("<colgroup>");
        for (double p : pct) {
            b.append("<col style=\"width:").append(String.format(java.util.Locale.ROOT, "%.1f", p)).append("%\"/>");
        }
        return b.append("</colgroup>").toString();
    }

    private static void step(StringBuilder b, Report.StepReport st, SqlAppendix sql, String cols) {
        b.append("<h3>").append(esc(st.title())).append(' ').append(badge(st.status()))
                .append(" <span class=\"stepid\">step <span class=\"mono\">").append(esc(st.id())).append("</span>");
        // On the title's line: the trace to the checklist costs no height.
        if (st.source() != null) b.append(" · from ").append(esc(st.source()));
        b.append("</span></h3>\n");
        if (st.checks().isEmpty()) return;
        b.append("<table class=\"grid checks\">").append(cols).append("<thead><tr><th>#</th><th>Check</th>"
                + "<th>Status</th><th>Expected</th><th>Actual</th><th class=\"time\">Time</th></tr></thead>"
                + "<tbody>\n");
        for (Report.CheckReport c : st.checks()) {
            b.append("<tr class=\"check\"><td class=\"num\">").append(c.index() + 1).append("</td><td>")
                    .append(esc(c.label()));
            if (SqlAppendix.holds(c)) {
                b.append("<br/><span class=\"ref\">SQL: ").append(sql.entry(c).name()).append("</span>");
            }
            b.append("</td><td>").append(badge(c.status())).append("</td><td>")
                    .append(fits(c.expected()) ? esc(c.expected()) : "<i>below</i>").append("</td><td>")
                    .append(fits(c.actual()) ? esc(c.actual()) : "<i>below</i>")
                    .append("</td><td class=\"num time\">")
                    .append(c.durationMillis() == null ? "" : Durations.human(c.durationMillis()))
                    .append("</td></tr>\n");
            StringBuilder more = new StringBuilder();
            details(more, c);
            if (more.length() > 0) {
                b.append("<tr class=\"more\"><td colspan=\"6\">").append(more).append("</td></tr>\n");
            }
        }
        b.append("</tbody></table>\n");
    }

    /** A text short enough for a quarter of the line; a longer one is printed at full width under its check. */
    private static boolean fits(String text) {
        return text == null || text.length() <= LONG_TEXT;
    }

    private static void details(StringBuilder b, Report.CheckReport c) {
        if (!fits(c.expected())) b.append("<p><b>Expected:</b> ").append(esc(c.expected())).append("</p>");
        if (!fits(c.actual())) b.append("<p><b>Actual:</b> ").append(esc(c.actual())).append("</p>");
        if (c.error() != null) {
            b.append("<p class=\"error\">Error").append(c.sqlState() == null ? "" : " (SQLSTATE "
                    + esc(c.sqlState()) + ")").append(": ").append(esc(c.error())).append("</p>");
        }
        if (c.sql() != null && !c.sql().isBlank() && !SqlAppendix.holds(c)) {
            b.append("<pre class=\"sql\">").append(esc(c.sql().strip())).append("</pre>");
        }
        CheckDetail d = Restated.detail(c);
        if (d instanceof CheckDetail.CommandRun run) {
            b.append("<table class=\"grid inner\">");
            CommandRecord.facts(run).forEach((k, v) -> kv(b, esc(k), v));
            b.append("</table>");
            if (run.lines() > 0) {
                b.append("<p>").append(esc(CommandRecord.outputTitle(run))).append(":</p><pre class=\"sql\">")
                        .append(esc(CommandRecord.outputText(run))).append("</pre>");
            }
        } else if (d instanceof CheckDetail.RowCountDiff rc) {
            rowCounts(b, rc);
        } else if (d instanceof CheckDetail.SchemaChanges sc) {
            schemaChanges(b, sc);
        } else if (d instanceof CheckDetail.RestoredProof proof) {
            restored(b, proof);
        } else if (d instanceof CheckDetail.ObjectsDiff od) {
            list(b, "Missing", od.missing());
            list(b, "Unexpected", od.unexpected());
            list(b, "Mismatched", od.mismatched());
            list(b, "Found", od.found());
        } else if (d instanceof CheckDetail.Plan plan) {
            b.append("<pre class=\"sql\">").append(esc(plan.text())).append("</pre>");
        } else if (d instanceof CheckDetail.Notices n) {
            list(b, "Notices received", n.received());
            list(b, "Expected notices missing", n.missing());
        } else if (d instanceof CheckDetail.BackupProof proof) {
            b.append("<table class=\"grid inner\">");
            for (String[] row : BackupEvidence.rows(proof)) {
                b.append("<tr><th>").append(esc(row[0])).append("</th><td>").append(esc(row[1])).append("</td></tr>");
            }
            b.append("</table>");
            list(b, "Missing from the dump", proof.missing());
            if (!proof.counts().isEmpty()) {
                b.append("<table class=\"grid inner\"><tr><th>Table</th><th>Rows in the dump's snapshot</th>"
                        + "<th>Rows restored</th><th></th></tr>");
                for (CheckDetail.RestoredCount rc : proof.counts()) {
                    b.append("<tr><td>").append(esc(rc.table())).append("</td><td class=\"num\">")
                            .append(String.format("%,d", rc.snapshot())).append("</td><td class=\"num\">")
                            .append(rc.restored() == null ? "missing" : String.format("%,d", rc.restored()))
                            .append("</td><td>").append(rc.matches() ? "=" : "<b>differs</b>").append("</td></tr>");
                }
                b.append("</table>");
            }
        } else if (d instanceof CheckDetail.SnapshotTaken snap) {
            b.append("<table class=\"grid inner\"><tr><th>Table</th><th>Rows</th></tr>");
            snap.rowCounts().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> b.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"num\">")
                            .append(String.format("%,d", e.getValue())).append("</td></tr>"));
            b.append("</table>");
            if (!snap.checksums().isEmpty()) {
                b.append("<table class=\"grid inner\"><tr><th>Table</th><th>Content checksum</th></tr>");
                new java.util.TreeMap<>(snap.checksums()).forEach((t, sum) -> b.append("<tr><td>").append(esc(t))
                        .append("</td><td>").append(esc(sum)).append("</td></tr>"));
                b.append("</table>");
            }
            hotQueries(b, snap.queries());
        } else if (d instanceof CheckDetail.PlanComparison pc) {
            planComparison(b, pc);
        } else if (d instanceof CheckDetail.Rows rows && rows.rows().size() == 1 && !rows.truncated()) {
            // One row reads as one line: a table header and its row for "count = 0" would take three.
            b.append("<p class=\"row\">Row: ");
            for (int i = 0; i < rows.columns().size(); i++) {
                String v = i < rows.rows().get(0).size() ? rows.rows().get(0).get(i) : null;
                b.append(i == 0 ? "" : "; ").append("<b>").append(esc(rows.columns().get(i))).append("</b> = ")
                        .append(v == null ? "<i>NULL</i>" : esc(v));
            }
            b.append("</p>");
        } else if (d instanceof CheckDetail.Rows rows && !rows.columns().isEmpty()) {
            List<List<String>> cells = new ArrayList<>();
            cells.add(rows.columns());
            for (List<String> row : rows.rows()) cells.add(row.stream().map(v -> v == null ? "NULL" : v).toList());
            b.append("<table class=\"grid inner fixed\">").append(ColumnWidths.colgroup(cells, INNER_LINE_EM))
                    .append("<thead><tr>");
            for (String col : rows.columns()) b.append("<th>").append(esc(col)).append("</th>");
            b.append("</tr></thead>");
            for (List<String> row : rows.rows()) {
                b.append("<tr>");
                for (String v : row) b.append("<td>").append(v == null ? "<i>NULL</i>" : esc(v)).append("</td>");
                b.append("</tr>");
            }
            b.append("</table>");
            if (rows.truncated()) b.append("<p>(more rows not shown)</p>");
        }
        locks(b, LockRecord.of(d));
    }

    /** What a writer held (ACCESS EXCLUSIVE on a table first, in red) and every lock it timed out on, with whom. */
    private static void locks(StringBuilder b, dev.runbookpilot.db.Locks.Report r) {
        if (r == null) return;
        b.append("<p>").append(esc(LockRecord.heldTitle(r))).append(":</p>");
        if (!r.held().isEmpty()) {
            b.append("<table class=\"grid inner\"><tr>");
            LockRecord.HELD_HEADINGS.forEach(h -> b.append("<th>").append(esc(h)).append("</th>"));
            b.append("</tr>");
            List<String[]> rows = LockRecord.heldRows(r);
            for (int i = 0; i < rows.size(); i++) {
                String[] row = rows.get(i);
                b.append(r.held().get(i).blocksReaders() ? "<tr class=\"exclusive\">" : "<tr>")
                        .append("<td>").append(esc(row[0])).append("</td><td>").append(esc(row[1]))
                        .append("</td><td class=\"num\">").append(esc(row[2])).append("</td></tr>");
            }
            b.append("</table>");
        }
        for (dev.runbookpilot.db.Locks.LockWait w : r.waits()) {
            b.append("<p>").append(esc(LockRecord.waitLine(w))).append("</p>");
            if (w.blockers().isEmpty()) continue;
            b.append("<table class=\"grid inner\"><tr>");
            LockRecord.BLOCKER_HEADINGS.forEach(h -> b.append("<th>").append(esc(h)).append("</th>"));
            b.append("</tr>");
            for (String[] row : LockRecord.blockerRows(w.blockers())) {
                b.append("<tr>");
                for (String v : row) b.append("<td>").append(esc(v)).append("</td>");
                b.append("</tr>");
            }
            b.append("</table>");
        }
    }

    private static void schemaChanges(StringBuilder b, List<CheckDetail.SchemaChange> changes) {
        b.append("<table class=\"grid inner\"><tr><th>Change</th><th>Object</th><th>Declared</th>"
                + "<th>Happened</th><th>Before</th><th>After</th></tr>");
        for (CheckDetail.SchemaChange ch : changes) {
            b.append("<tr><td>").append(esc(ch.change())).append("</td><td>").append(esc(ch.label()))
                    .append("</td><td>").append(ch.expected() ? "yes" : "<b>no</b>").append("</td><td>")
                    .append(ch.happened() ? "yes" : "<b>no</b>").append("</td><td>").append(esc(ch.before()))
                    .append("</td><td>").append(esc(ch.after())).append("</td></tr>");
        }
        b.append("</table>");
    }

    /** The proof of the way back: what could not be compared, then schema, counts and contents against the baseline. */
    private static void restored(StringBuilder b, CheckDetail.RestoredProof proof) {
        list(b, "Could not compare", proof.missing());
        b.append("<p>Schema against snapshot ").append(esc(proof.snapshot())).append(": ")
                .append(proof.schema().isEmpty() ? "no change." : proof.schema().size() + " change"
                        + (proof.schema().size() == 1 ? "" : "s") + ".").append("</p>");
        if (!proof.schema().isEmpty()) schemaChanges(b, new CheckDetail.SchemaChanges(proof.snapshot(), proof.schema()));
        rowCounts(b, proof.countDiff());
        if (!proof.checksums().isEmpty()) {
            b.append("<table class=\"grid inner\"><tr><th>Table</th><th>Checksum in the snapshot</th>"
                    + "<th>Checksum now</th><th>Status</th></tr>");
            for (CheckDetail.ChecksumLine l : proof.checksums()) {
                b.append("<tr><td>").append(esc(l.table())).append("</td><td>").append(esc(l.before()))
                        .append("</td><td>").append(l.now() == null ? "gone" : esc(l.now())).append("</td><td>")
                        .append(badge(l.status())).append(' ').append(esc(l.note())).append("</td></tr>");
            }
            b.append("</table>");
        }
    }

    /** The baselines a snapshot timed: one row each, then each plan. */
    private static void hotQueries(StringBuilder b, List<CheckDetail.Measurement> queries) {
        if (queries.isEmpty()) return;
        b.append("<table class=\"grid inner\"><tr><th>Hot query</th><th>Median</th><th>Fastest</th><th>Slowest</th>"
                + "<th>Runs</th><th>Indexes</th></tr>");
        for (CheckDetail.Measurement m : queries) {
            b.append("<tr><td>").append(esc(m.name())).append("</td><td class=\"num\">").append(ms(m.medianMs()))
                    .append("</td><td class=\"num\">").append(ms(m.minMs())).append("</td><td class=\"num\">")
                    .append(ms(m.maxMs())).append("</td><td class=\"num\">").append(m.runsMs().size())
                    .append("</td><td>").append(esc(String.join(", ", m.indexes()))).append("</td></tr>");
        }
        b.append("</table>");
        for (CheckDetail.Measurement m : queries) {
            b.append("<p>Plan of ").append(esc(m.name())).append(" (the median run):</p><pre class=\"sql\">")
                    .append(esc(m.planText())).append("</pre>");
        }
    }

    /** A hot query before and after: timings, then the two plans side by side. */
    private static void planComparison(StringBuilder b, CheckDetail.PlanComparison pc) {
        CheckDetail.Measurement before = pc.before();
        CheckDetail.Measurement after = pc.after();
        b.append("<table class=\"grid inner\"><tr><th>").append(esc(before.name())).append("</th><th>Before (snapshot ")
                .append(esc(pc.snapshot())).append(")</th><th>Now</th></tr>");
        timingRow(b, "Median", ms(before.medianMs()), ms(after.medianMs()));
        timingRow(b, "Fastest", ms(before.minMs()), ms(after.minMs()));
        timingRow(b, "Slowest", ms(before.maxMs()), ms(after.maxMs()));
        timingRow(b, "Runs", String.valueOf(before.runsMs().size()), String.valueOf(after.runsMs().size()));
        b.append("<tr><td>Indexes</td><td>").append(esc(String.join(", ", before.indexes()))).append("</td><td>")
                .append(esc(String.join(", ", after.indexes()))).append("</td></tr></table>");
        b.append("<p>Time: ").append(esc(pc.timing())).append("</p>");
        if (!pc.lostIndexes().isEmpty()) {
            b.append("<p class=\"error\">Indexes no longer used: ").append(esc(String.join(", ", pc.lostIndexes())))
                    .append("</p>");
        }
        b.append("<table class=\"grid inner\"><colgroup><col style=\"width:50%\"/><col style=\"width:50%\"/>"
                + "</colgroup><tr><th>Plan before</th><th>Plan now</th></tr><tr><td><pre class=\"sql\">")
                .append(esc(before.planText())).append("</pre></td><td><pre class=\"sql\">")
                .append(esc(after.planText())).append("</pre></td></tr></table>");
    }

    private static void timingRow(StringBuilder b, String what, String before, String after) {
        b.append("<tr><td>").append(what).append("</td><td class=\"num\">").append(before)
                .append("</td><td class=\"num\">").append(after).append("</td></tr>");
    }

    private static String ms(double millis) {
        return String.format(java.util.Locale.ROOT, "%.3f ms", millis);
    }

    /**
     * A table of counts with the change of each table drawn to the scale of the largest change, not of the largest
     * table: -400 rows next to a table of 120,000 is a bar as long as the change deserves, not a pixel.
     */
    static void rowCounts(StringBuilder b, CheckDetail.RowCountDiff rc) {
        long maxChange = 0;
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of("Table", "Before", "After", "Change", "Status"));
        for (CheckDetail.RowCountLine l : rc.lines()) {
            if (l.delta() != null) maxChange = Math.max(maxChange, Math.abs(l.delta()));
            cells.add(List.of(tables(l), num(l.before()), num(l.after()), change(l),
                    l.status() + (l.note() == null ? "" : " " + l.note())));
        }
        double[] pct = ColumnWidths.percentages(cells, INNER_LINE_EM * 0.75);
        b.append("<table class=\"grid inner fixed rowcounts\"><colgroup>");
        for (double p : pct) {
            b.append("<col style=\"width:").append(String.format(java.util.Locale.ROOT, "%.1f", p * 0.75))
                    .append("%\"/>");
        }
        b.append("<col style=\"width:25%\"/></colgroup><thead><tr><th>Table</th><th>Before</th><th>After</th>"
                + "<th>Change</th><th>Status</th><th>Change, to scale</th></tr></thead>");
        for (CheckDetail.RowCountLine l : rc.lines()) {
            b.append("<tr><td>").append(esc(tables(l))).append("</td><td class=\"num\">").append(num(l.before()))
                    .append("</td><td class=\"num\">").append(num(l.after())).append("</td><td class=\"num\">")
                    .append(esc(change(l))).append("</td><td>").append(badge(l.status()));
            if (l.note() != null && !l.note().isBlank()) b.append(' ').append(esc(l.note()));
            b.append("</td><td>").append(changeBar(l.delta(), maxChange)).append("</td></tr>");
        }
        b.append("</table><p class=\"legend\"><span class=\"swatch removed\"></span> rows fewer "
                + "<span class=\"swatch added\"></span> rows more, each bar to the scale of the largest change in "
                + "this table (").append(String.format("%,d", maxChange)).append(" rows)</p>");
    }

    /** One name, or both when the table was renamed. */
    private static String tables(CheckDetail.RowCountLine l) {
        if (l.beforeTable() == null) return l.afterTable();
        if (l.afterTable() == null || l.afterTable().equals(l.beforeTable())) return l.beforeTable();
        return l.beforeTable() + " → " + l.afterTable();
    }

    /** "-400 (-0.33%)": the change in rows and against the count before. */
    static String change(CheckDetail.RowCountLine l) {
        Long d = l.delta();
        if (d == null) return "—";
        String rows = (d > 0 ? "+" : "") + String.format("%,d", d);
        if (d == 0 || l.before() == null || l.before() == 0) return rows;
        return rows + " (" + (d > 0 ? "+" : "") + String.format(java.util.Locale.ROOT, "%.2f", 100.0 * d / l.before())
                + "%)";
    }

    /**
     * A bar from a middle line: left for rows fewer, right for rows more, half the cell for the largest change. A
     * change of a single row is still a visible bar.
     */
    static String changeBar(Long delta, long maxChange) {
        if (delta == null) return "<div class=\"bar none\">—</div>";
        if (delta == 0) return "<div class=\"changebar\"><div class=\"axis\"></div></div>";
        double half = Math.max(3.0, 50.0 * Math.abs(delta) / Math.max(maxChange, 1));
        String width = String.format(java.util.Locale.ROOT, "%.1f", half);
        String margin = String.format(java.util.Locale.ROOT, "%.1f", delta < 0 ? 50.0 - half : 50.0);
        return "<div class=\"changebar\"><div class=\"bar " + (delta < 0 ? "removed" : "added")
                + "\" style=\"width:" + width + "%;margin-left:" + margin + "%\"></div></div>";
    }

    /**
     * Schema changes in three columns: the change; the object (both names of a rename) with its definition before
     * and after under it, in a smaller type and the whole width of the line; whether it was declared and happened.
     * The columns one table gained or lost together follow a row "9 columns of t", a line each with its name and
     * definition: a page may break between them.
     */
    private static void schemaChanges(StringBuilder b, CheckDetail.SchemaChanges sc) {
        List<SchemaRows.Row> rows = SchemaRows.of(sc.changes());
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of("Change", "Object, definition", "Declared / happened"));
        for (SchemaRows.Row row : rows) {
            CheckDetail.SchemaChange ch = row.change();
            cells.add(List.of(ch.change(), row.heading(), yes(ch.expected()) + " / " + yes(ch.happened())));
        }
        b.append("<table class=\"grid inner fixed schema\">").append(ColumnWidths.colgroup(cells, INNER_LINE_EM))
                .append("<thead><tr><th>Change</th><th>Object, definition</th><th>Declared / happened</th>"
                        + "</tr></thead>");
        for (SchemaRows.Row row : rows) {
            CheckDetail.SchemaChange ch = row.change();
            String definitions = row.grouped() ? "" : definitions(ch);
            b.append("<tr><td>").append(esc(ch.change())).append("</td><td>")
                    .append(row.grouped() ? "<b>" + esc(row.heading()) + "</b>" : esc(row.heading()))
                    .append(definitions.isEmpty() ? "" : "<br/><span class=\"def\">" + definitions + "</span>")
                    .append("</td><td>").append(ch.expected() ? "yes" : "<b>no</b>").append(" / ")
                    .append(ch.happened() ? "yes" : "<b>no</b>").append("</td></tr>");
            for (SchemaRows.Member m : row.members()) {
                b.append("<tr class=\"member\"><td></td><td>").append(esc(m.name()))
                        .append(m.definition().isEmpty() ? "" : ": <span class=\"def\">" + esc(m.definition())
                                + "</span>").append("</td><td></td></tr>");
            }
        }
        b.append("</table>");
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    /**
     * Escaped XHTML: the one definition an added or removed object has, both of a changed one; empty for a rename
     * whose object cell already reads "before -> after".
     */
    private static String definitions(CheckDetail.SchemaChange ch) {
        String before = ch.before() == null || ch.before().isBlank() ? null : ch.before();
        String after = ch.after() == null || ch.after().isBlank() ? null : ch.after();
        if (before != null && after != null && ch.object().equals(before + " -> " + after)) return "";
        if (before == null) return after == null ? "" : esc(after);
        if (after == null) return esc(before);
        return "before: " + esc(before) + "<br/>after: " + esc(after);
    }

    /** Each rollback with its result and output, then the proof with its diff. */
    private static void rollback(StringBuilder b, Report.Rollback rb, SqlAppendix sql, String cols) {
        b.append("<h2>Rollback</h2>\n<p>Begun by ").append(esc(rb.operator())).append(" at ")
                .append(time(rb.began())).append(": ").append(esc(rb.reason())).append("</p>\n<p><b>")
                .append(esc(rb.statement())).append("</b></p>\n");
        if (rb.stop() != null) b.append("<p class=\"error\">The plan stopped: ").append(esc(rb.stop())).append("</p>\n");
        for (Report.StepReport st : rb.steps()) step(b, st, sql, cols);
        if (rb.proof() != null) step(b, rb.proof(), sql, cols);
        else b.append("<p class=\"error\">The proof has not run after the last rollback: the database is not proven"
                + " back at its baseline.</p>\n");
    }

    private static void waivers(StringBuilder b, Report r) {
        b.append("<h2>Waivers</h2>\n");
        if (r.waivers().isEmpty()) {
            b.append("<p>None.</p>\n");
            return;
        }
        List<String[]> rows = r.waivers().stream().map(w -> new String[] {w.stepId(), w.check(), w.operator(),
                time(w.at()), w.reason()}).toList();
        people(b, List.of("Step", "Check", "Waived by", "At", "Reason"), rows);
    }

    private static void confirmations(StringBuilder b, Report r) {
        b.append("<h2>Manual confirmations</h2>\n");
        if (r.confirmations().isEmpty()) {
            b.append("<p>None.</p>\n");
            return;
        }
        List<String[]> rows = r.confirmations().stream().map(c -> new String[] {c.stepId(), c.text(), c.operator(),
                time(c.at()), c.note()}).toList();
        people(b, List.of("Step", "Confirmed", "By", "At", "Note"), rows);
    }

    /**
     * Who did what when, in columns sized to their content: the step id, a text, a name, the time (never wrapped:
     * measured as one word) and a reason or note.
     */
    private static void people(StringBuilder b, List<String> headings, List<String[]> rows) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(headings);
        for (String[] row : rows) {
            cells.add(List.of(row[0], row[1], row[2], row[3].replace(' ', '\u00a0'), row[4] == null ? "" : row[4]));
        }
        b.append("<table class=\"grid fixed\">").append(ColumnWidths.colgroup(cells, CHECKS_LINE_EM))
                .append("<thead><tr>");
        headings.forEach(h -> b.append("<th>").append(esc(h)).append("</th>"));
        b.append("</tr></thead>");
        for (String[] row : rows) {
            b.append("<tr><td class=\"mono\">").append(esc(row[0])).append("</td><td>").append(esc(row[1]))
                    .append("</td><td>").append(esc(row[2])).append("</td><td class=\"time\">").append(esc(row[3]))
                    .append("</td><td>").append(esc(row[4])).append("</td></tr>");
        }
        b.append("</table>\n");
    }

    private static void times(StringBuilder b, Report r) {
        if (r.times().isEmpty()) return;
        boolean rehearsal = r.rehearsal() != null;
        b.append("<h2>Step times</h2>\n<p>").append(esc(rehearsal
                ? "Planned for the real window: " + MarkdownReport.PLANNED_RULE
                : "Beside the last rehearsal of this runbook (same SHA-256) before this window.")).append("</p>\n");
        b.append("<table class=\"grid\"><tr><th>Step</th><th>").append(rehearsal ? "Rehearsed" : "This window")
                .append("</th>").append(rehearsal ? "" : "<th>Last rehearsal</th>").append("<th>Planned</th></tr>");
        for (Report.StepTime t : r.times()) {
            b.append("<tr><td><span class=\"mono\">").append(esc(t.stepId())).append("</span> ")
                    .append(esc(t.title())).append("</td><td>").append(MarkdownReport.millis(t.measured()))
                    .append("</td>").append(rehearsal ? "" : "<td>" + MarkdownReport.millis(t.rehearsed()) + "</td>")
                    .append("<td>").append(MarkdownReport.millis(t.planned())).append("</td></tr>");
        }
        b.append("</table>\n");
    }

    private static void timeline(StringBuilder b, Report r) {
        b.append("<h2>Timeline</h2>\n<table class=\"grid timeline\"><colgroup><col style=\"width:24%\"/>"
                + "<col style=\"width:76%\"/></colgroup>");
        for (Report.TimelineEntry e : r.timeline()) {
            b.append("<tr><td>").append(time(e.at())).append("</td><td>").append(esc(e.what())).append("</td></tr>");
        }
        b.append("</table>\n");
    }

    private static void signoffs(StringBuilder b, Report r) {
        b.append("<h2>Sign-off</h2>\n");
        List<Report.SignoffLine> signoffs = r.signoffs().stream().filter(l -> !l.gate()).toList();
        List<Report.SignoffLine> gates = r.signoffs().stream().filter(Report.SignoffLine::gate).toList();
        if (signoffs.isEmpty()) {
            b.append("<p>This runbook has no sign-off step.</p>\n");
        } else {
            b.append("<table class=\"grid\"><tr><th>Role</th><th>Name</th><th>Key (SHA-256 fingerprint)</th>"
                    + "<th>Signed at</th></tr>");
            for (Report.SignoffLine l : signoffs) {
                b.append("<tr><td>").append(esc(l.role())).append("</td><td>")
                        .append(l.name() == null ? "<i>not signed</i>" : "<b>" + esc(l.name()) + "</b>")
                        .append("</td>").append(keyCell(l)).append("<td>")
                        .append(l.name() == null ? "" : time(l.at())).append("</td></tr>");
            }
            b.append("</table>\n");
        }
        if (gates.isEmpty()) return;
        b.append("<h3>Go / no-go answers</h3>\n<table class=\"grid\"><tr><th>Gate</th><th>Role</th><th>Answer</th>"
                + "<th>Name</th><th>Key (SHA-256 fingerprint)</th><th>At</th></tr>");
        for (Report.SignoffLine l : gates) {
            b.append("<tr><td>").append(esc(l.stepId())).append("</td><td>").append(esc(l.role())).append("</td><td>")
                    .append(l.decision() == null ? "<i>not answered</i>" : "<b>" + esc(l.decision()) + "</b>"
                            + (l.reason() == null ? "" : ": " + esc(l.reason())))
                    .append("</td><td>").append(l.name() == null ? "" : esc(l.name())).append("</td>")
                    .append(keyCell(l)).append("<td>").append(l.name() == null ? "" : time(l.at()))
                    .append("</td></tr>");
        }
        b.append("</table>\n");
    }

    /** The fingerprint a line was signed with, small and breakable anywhere; a typed name says so. */
    private static String keyCell(Report.SignoffLine l) {
        if (l.name() == null) return "<td></td>";
        return l.fingerprint() == null ? "<td><i>" + esc(SignoffSignatures.TYPED) + "</i></td>"
                : "<td class=\"mono fp\">" + esc(l.fingerprint()) + "</td>";
    }

    /** Names in a run of text, comma-separated: a list of 19 column names is two lines, not nineteen. */
    private static void list(StringBuilder b, String title, List<String> items) {
        if (items.isEmpty()) return;
        b.append("<p class=\"list\"><b>").append(title).append(":</b> ").append(esc(String.join(", ", items)))
                .append("</p>");
    }

    private static void kv(StringBuilder b, String key, String value) {
        b.append("<tr><th>").append(key).append("</th><td>").append(esc(value)).append("</td></tr>");
    }

    private static void kvMono(StringBuilder b, String key, String value) {
        b.append("<tr><th>").append(key).append("</th><td class=\"mono\">").append(esc(value)).append("</td></tr>");
    }

    private static String badge(Status s) {
        return "<span class=\"badge s-" + s.name().toLowerCase() + "\">" + s + "</span>";
    }

    private static String num(Long n) {
        return n == null ? "—" : String.format("%,d", n);
    }

    private static String time(Instant t) {
        return t == null ? "—" : TIME.format(t);
    }

    /** Text XML can carry: characters it cannot become U+FFFD, nothing else changes. */
    private static String xmlSafe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
                    || c == 0xFFFE || c == 0xFFFF) {
                b.append('\uFFFD');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Escapes journal text for XHTML. Characters XML cannot carry at all (most C0 controls, lone surrogates) become
     * U+FFFD so a name can never make the document unparseable.
     */
    static String esc(String s) {
        if (s == null) return "";
        String safe = xmlSafe(s);
        StringBuilder b = new StringBuilder(safe.length() + 16);
        for (int i = 0; i < safe.length(); i++) {
            char c = safe.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            @page { size: A4; margin: 20mm 15mm 18mm 15mm;
              @top-center { content: element(header); }
              @bottom-right { content: "Page " counter(page) " of " counter(pages);
                font-family: 'DejaVu Sans', 'Droid Sans Fallback'; font-size: 8pt; color: #555; }
              @bottom-left { content: "Runbook Pilot sign-off report";
                font-family: 'DejaVu Sans', 'Droid Sans Fallback'; font-size: 8pt; color: #555; } }
            body { font-family: 'DejaVu Sans', 'Droid Sans Fallback'; font-size: 7.5pt; color: #111; }
            .rehearsal { color: #b00020; font-weight: bold; }
            .rehearsal-banner { color: #b00020; font-weight: bold; font-size: 13pt; border: 1.5pt solid #b00020;
              padding: 2mm 4mm; }
            #running-header { position: running(header); font-size: 8pt; color: #555;
              border-bottom: 0.5pt solid #999; padding-bottom: 2pt; width: 100%; text-align: center; }
            .cover { margin-bottom: 4mm; }
            .kicker { color: #555; font-size: 9pt; margin-top: 0; }
            h1 { font-size: 18pt; margin: 2mm 0 3mm 0; }
            h2 { font-size: 13pt; margin: 4.5mm 0 1.5mm 0; border-bottom: 0.8pt solid #333; page-break-after: avoid; }
            h3 { font-size: 10pt; margin: 3mm 0 1mm 0; page-break-after: avoid; }
            .stepid { color: #555; font-size: 7.5pt; font-weight: normal; }
            .verdict { font-size: 16pt; font-weight: bold; padding: 2mm 4mm; margin: 2mm 0; }
            .v-passed { color: #0a5d1a; border: 1.5pt solid #0a5d1a; }
            .v-passed_with_waivers { color: #8a5a00; border: 1.5pt solid #8a5a00; }
            .cover-waiver { color: #8a5a00; margin: 1mm 0; }
            .v-failed { color: #a30000; border: 1.5pt solid #a30000; }
            .v-incomplete { color: #8a5a00; border: 1.5pt solid #8a5a00; }
            .v-rolled_back { color: #1a4a8a; border: 1.5pt solid #1a4a8a; }
            .v-rollback_failed { color: #a30000; border: 1.5pt solid #a30000; }
            .v-rollback_incomplete { color: #8a5a00; border: 1.5pt solid #8a5a00; }
            table { border-collapse: collapse; width: 100%; }
            table.checks, table.rowcounts, table.timeline, table.fixed { table-layout: fixed; }
            .kv th { text-align: left; width: 22%; padding: 0.8mm 2mm; vertical-align: top; color: #333; }
            .kv td { padding: 0.8mm 2mm; border-bottom: 0.3pt solid #ccc; word-wrap: break-word; }
            .summary { margin: 2mm 0; }
            .description { font-size: 8pt; }
            .description p { margin: 1mm 0; }
            .description h1, .description h2, .description h3, .description h4 { font-size: 8.5pt; border: none;
              margin: 1.5mm 0 0.5mm 0; }
            .description code, .hash { font-family: 'DejaVu Sans Mono', 'Droid Sans Fallback'; font-size: 7pt; }
            thead { display: table-header-group; }
            table.grid { -fs-table-paginate: paginate; }
            .time { white-space: nowrap; }
            .ref { color: #555; font-size: 7.5pt; }
            .inner { font-size: 7pt; margin: 0.5mm 0; }
            .appendix pre.sql { font-size: 6pt; line-height: 1.05; padding: 0 0 0 1mm; margin: 0.5mm 0 1mm 0; }
            .appendix h3 { -fs-page-break-min-height: 0; }
            .sqlentry h3 { font-size: 8.5pt; margin: 1.2mm 0 0.3mm 0; }
            .grid th { background: #e8e8e8; text-align: left; font-weight: bold; }
            .grid th, .grid td { border: 0.4pt solid #999; padding: 0.3mm 1.2mm; vertical-align: top;
              word-wrap: break-word; }
            .grid tr.more td { border-top: none; background: #fafafa; }
            tr { page-break-inside: avoid; }
            tr.more { page-break-inside: auto; }
            h2, h3 { -fs-page-break-min-height: 28mm; }
            table.inner { -fs-page-break-min-height: 12mm; }
            .inner th, .inner td { padding: 0.3mm 1mm; }
            .grid tr.member td { border-top: none; border-bottom: none; padding-top: 0; padding-bottom: 0; }
            .grid tr.member td + td { padding-left: 4mm; }
            .schema .def { font-size: 6.5pt; color: #333; }
            .timeline td { padding: 0.3mm 1.2mm; font-size: 7.5pt; }
            p.row, p.list { margin: 0.5mm 0; }
            .num { text-align: right; }
            .mono, pre { font-family: 'DejaVu Sans Mono', 'Droid Sans Fallback'; }
            td.fp { font-size: 6.5pt; }
            pre.sql { white-space: pre-wrap; word-wrap: break-word; font-size: 6.5pt; line-height: 1.1; margin: 1mm 0;
              padding: 1mm; border-left: 1.5pt solid #999; }
            .error { color: #a30000; margin: 1mm 0; }
            tr.exclusive td { color: #a30000; font-weight: bold; }
            .badge { font-weight: bold; font-size: 7.5pt; }
            .s-passed { color: #0a5d1a; } .s-failed { color: #a30000; } .s-error { color: #a30000; }
            .s-waived { color: #8a5a00; } .s-confirmed { color: #1b4f9c; } .s-pending { color: #666; }
            .s-skipped { color: #666; } .s-running { color: #666; }
            .bar { height: 2.2mm; margin: 0.6mm 0; }
            .changebar { height: 3.4mm; }
            .changebar .axis { width: 50%; height: 3.4mm; border-right: 0.6pt solid #333; }
            .bar.removed, .swatch.removed { background: #a30000; }
            .bar.added, .swatch.added { background: #0a5d1a; }
            .swatch { display: inline-block; width: 3mm; height: 2mm; }
            .legend { font-size: 7pt; color: #555; margin: 0.5mm 0 1mm 0; }
            .keep { page-break-inside: avoid; }
            #signature-box { height: 28mm; width: 110mm; margin-top: 3mm; }
            """;
}
