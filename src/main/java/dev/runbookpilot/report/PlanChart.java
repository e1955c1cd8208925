package dev.runbookpilot.report;

import dev.runbookpilot.io.Durations;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

import java.awt.Color;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * The PDF's planned-vs-actual timeline: a table in the page flow, and under it a bar chart drawn with PDFBox
 * primitives into a box the layout reserved ({@link #BOX_ID}): per row a grey bar for the plan and a bar for the
 * time taken, red when over its budget. The window's row, first, is drawn on a time axis (see {@link #window}).
 */
final class PlanChart {
    static final String BOX_ID = "plan-chart";
    /** Points of height each row of the chart takes. */
    static final float ROW = 14f;

    private PlanChart() {}

    /** The section's XHTML: the table and an empty box as tall as the chart. */
    static void xhtml(StringBuilder b, Report r) {
        if (!shown(r)) return;
        b.append("<h2>Planned vs actual</h2>\n<table class=\"grid\"><tr><th>Phase / step</th><th>Planned</th>"
                + "<th>Actual</th><th></th></tr>");
        Report.WindowLine w = r.window();
        if (w != null) {
            b.append("<tr><td><b>Window</b></td><td>").append(PdfReport.esc(MarkdownReport.plannedWindow(w)))
                    .append("</td><td>").append(PdfReport.esc(MarkdownReport.actualWindow(w))).append("</td><td>")
                    .append(w.overrun() ? "⚠ OVERRUN" : "").append("</td></tr>");
        }
        for (Report.PlanLine l : r.plan()) {
            b.append("<tr><td>").append(l.stepId() == null ? "<b>" + PdfReport.esc(l.title()) + "</b>"
                            : "<span class=\"mono\">" + PdfReport.esc(l.stepId()) + "</span> " + PdfReport.esc(l.title()))
                    .append("</td><td>").append(l.planned() == null ? "—" : Durations.human(l.planned()))
                    .append("</td><td>").append(l.actual() == null ? "not begun" : Durations.human(l.actual())
                            + (l.open() ? " (open)" : ""))
                    .append("</td><td>").append(l.overrun() ? "⚠ OVERRUN" : "").append("</td></tr>");
        }
        b.append("</table>\n<div id=\"").append(BOX_ID).append("\" style=\"height:")
                .append((int) Math.ceil(rows(r) * ROW)).append("pt\"></div>\n");
    }

    /** Whether the report has the section: a window planned, or budgets (or overruns) of phases and steps. */
    static boolean shown(Report r) {
        return r.window() != null || !r.plan().isEmpty();
    }

    private static int rows(Report r) {
        return r.plan().size() + (r.window() == null ? 0 : 1);
    }

    /**
     * The window's row, on a time axis of its own (from the earlier of the planned start and the first action to the
     * later of the planned end and the last): the planned window in grey, the first to the last action beneath it,
     * red when it overran. Where the bars sit says whether the window began late or ran over, not only how long.
     */
    private static void window(PDPageContentStream cs, Report.WindowLine w, float x, float y, float width)
            throws IOException {
        Instant from = w.firstAction() != null && w.firstAction().isBefore(w.plannedStart()) ? w.firstAction()
                : w.plannedStart();
        Instant to = w.lastAction() != null && w.lastAction().isAfter(w.plannedEnd()) ? w.lastAction()
                : w.plannedEnd();
        double span = Math.max(1, Duration.between(from, to).toMillis());
        cs.setNonStrokingColor(new Color(0xd0, 0xd7, 0xde));
        cs.addRect(x + (float) (width * Duration.between(from, w.plannedStart()).toMillis() / span), y + ROW * 0.5f,
                (float) (width * w.planned() / span), ROW * 0.35f);
        cs.fill();
        if (w.firstAction() == null) return;
        cs.setNonStrokingColor(w.overrun() ? new Color(0xcf, 0x22, 0x2e) : new Color(0x2d, 0xa4, 0x4e));
        cs.addRect(x + (float) (width * Duration.between(from, w.firstAction()).toMillis() / span), y + ROW * 0.1f,
                Math.max(1f, (float) (width * w.actual() / span)), ROW * 0.35f);
        cs.fill();
    }

    /** Draws the bars into the reserved box ({@code box} in PDF user space on page {@code page}). */
    static void draw(PDDocument doc, int page, PDRectangle box, Report r) throws IOException {
        long scale = 1;
        for (Report.PlanLine l : r.plan()) {
            if (l.planned() != null) scale = Math.max(scale, l.planned());
            if (l.actual() != null) scale = Math.max(scale, l.actual());
        }
        float labelWidth = box.getWidth() * 0.15f;
        float width = box.getWidth() - labelWidth;
        PDPage p = doc.getPage(page);
        try (PDPageContentStream cs = new PDPageContentStream(doc, p, PDPageContentStream.AppendMode.APPEND, true,
                true)) {
            float top = box.getUpperRightY();
            if (r.window() != null) {
                window(cs, r.window(), box.getLowerLeftX() + labelWidth, top - ROW, width);
                top -= ROW;
            }
            for (int i = 0; i < r.plan().size(); i++) {
                Report.PlanLine l = r.plan().get(i);
                float y = top - (i + 1) * ROW;
                float x = box.getLowerLeftX() + labelWidth + (l.stepId() == null ? 0 : 8);
                if (l.planned() != null) {
                    cs.setNonStrokingColor(new Color(0xd0, 0xd7, 0xde));
                    cs.addRect(x, y + ROW * 0.5f, width * l.planned() / scale, ROW * 0.35f);
                    cs.fill();
                }
                if (l.actual() != null) {
                    cs.setNonStrokingColor(l.overrun() ? new Color(0xcf, 0x22, 0x2e) : new Color(0x2d, 0xa4, 0x4e));
                    cs.addRect(x, y + ROW * 0.1f, Math.max(1f, width * l.actual() / scale), ROW * 0.35f);
                    cs.fill();
                }
            }
        }
    }
}
