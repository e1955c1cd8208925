package dev.runbookpilot.report;

import dev.runbookpilot.report.sign.PadesSigner;
import dev.runbookpilot.report.sign.PdfIdentity;
import dev.runbookpilot.report.sign.PdfSignatureCheck;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.SessionState;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where a signed PDF export's time goes in a cold JVM, phase by phase, as {@code report --format pdf --sign} runs
 * them: wall time, this thread's CPU time and the classes loaded so far after each phase, then the render once more
 * in the now warm JVM. In package report to reach the PDF identity as the exporter does.
 *
 * <p>{@code java -cp target/runbook-pilot.jar:target/lib/*:CLASSES dev.runbookpilot.report.PdfPhases JOURNAL CONFIG_DIR}
 */
public final class PdfPhases {
    private static long wall = System.nanoTime();
    private static long cpu;

    private static void lap(String phase) {
        long now = System.nanoTime();
        long threadCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        System.out.printf("%-20s %7d ms wall %6d ms CPU %6d classes%n", phase, (now - wall) / 1_000_000,
                (threadCpu - cpu) / 1_000_000, ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        wall = now;
        cpu = threadCpu;
    }

    public static void main(String[] args) throws Exception {
        lap("JVM to main");
        PdfReport.prepare(); // as report --format pdf does first
        SessionState state = SessionState.replay(Journal.read(Path.of(args[0])));
        lap("journal replay");
        PdfIdentity id = SigningIdentity.generated(Path.of(args[1]), ReportFormat.PDF, state.started().operator())
                .pdfIdentity();
        lap("signing identity");
        Report report = ReportBuilder.build(state);
        lap("report model");
        PdfReport.Signer signer = new PdfReport.Signer(id.signerName(), id.fingerprint());
        PdfReport.Rendered rendered = PdfReport.render(report, signer);
        lap("PDF layout + write");
        byte[] signed = PadesSigner.sign(rendered.pdf(), id,
                new PadesSigner.Placement(rendered.signaturePage(), rendered.signatureBox()), Instant.now());
        lap("PAdES signature");
        boolean valid = PdfSignatureCheck.verify(signed).valid();
        lap("verification " + (valid ? "ok" : "FAILED"));
        PdfReport.render(report, signer);
        lap("render again, warm");
    }
}
