package dev.runbookpilot.report;

import dev.runbookpilot.io.Durations;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

import java.awt.Color;
import java.io.IOException;

/**
 * The PDF's planned-vs-actual timeline: a table in the page flow, and under it a bar chart drawn with PDFBox
 * primitives into a box the layout reserved ({@link #BOX_ID}): per row a grey bar for the plan and a bar for the
 * time taken, red when over its budget.
 */
final class PlanChart {
    static final String BOX_ID = "plan-chart";
    /** Points of height each row of the chart takes. */
    static final float ROW = 14f;

    private PlanChart() {}

    /** The section's XHTML: the table and an empty box as tall as the chart. */
    static void xhtml(StringBuilder b, Report r) {
        if (r.plan().isEmpty()) return;
        b.append("<h2>Planned vs actual</h2>\n<table class=\"grid\"><tr><th>Phase / step</th><th>Planned</th>"
                + "<th>Actual</th><th></th></tr>");
        for (Report.PlanLine l : r.plan()) {
            b.append("<tr><td>").append(l.stepId() == null ? "<b>" + PdfReport.esc(l.title()) + "</b>"
                            : "<span class=\"mono\">" + PdfReport.esc(l.stepId()) + "</span> " + PdfReport.esc(l.title()))
                    .append("</td><td>").append(l.planned() == null ? "—" : Durations.human(l.planned()))
                    .append("</td><td>").append(l.actual() == null ? "not begun" : Durations.human(l.actual())
                            + (l.open() ? " (open)" : ""))
                    .append("</td><td>").append(l.overrun() ? "⚠ OVERRUN" : "").append("</td></tr>");
        }
        b.append("</table>\n<div id=\"").append(BOX_ID).append("\" style=\"height:")
                .append((int) Math.ceil(r.plan().size() * ROW * 1.0f)).append("pt\"></div>\n");
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
