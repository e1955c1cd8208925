package dev.runbookpilot.report;

import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionFixture;
import dev.runbookpilot.session.SessionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed PDF and Markdown exports of a 500-check session, timed in one JVM against an in-process baseline (rendering
 * the same report as unsigned Markdown), after warm-up. Run with
 * {@code mvn -o test -Dtest=ReportSigningBenchmark -Dbenchmark=true}; figures go to docs/benchmarks.md.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ReportSigningBenchmark {
    private static final int STEPS = 50;
    private static final int CHECKS_PER_STEP = 10;
    private static final int WARMUP = 3;
    private static final int RUNS = 7;

    @TempDir
    Path dir;

    interface Work {
        void run() throws Exception;
    }

    @Test
    void aSessionWith500ChecksRendersAndSignsWithinTheTargets() throws Exception {
        StringBuilder yaml = new StringBuilder("runbook: Five hundred checks\ntarget: { environment: staging }\n"
                + "phases:\n  - name: Everything\n    steps:\n");
        for (int s = 0; s < STEPS; s++) {
            yaml.append("      - id: s").append(s).append("\n        title: Step ").append(s)
                    .append("\n        checks:\n");
            for (int c = 0; c < CHECKS_PER_STEP; c++) {
                yaml.append("          - query: { name: \"check ").append(s).append('.').append(c)
                        .append("\", sql: \"SELECT ").append(c).append(" + ").append(s).append("\", expect: \"= ")
                        .append(c + s + (c == 3 ? 1 : 0)).append("\" }\n");
            }
        }
        SessionState state;
        Journal.Snapshot journal;
        try (SessionFixture fx = SessionFixture.open("bench", null, dir)) {
            Runbook rb = fx.runbook(yaml.toString());
            try (Session session = fx.start(rb, "Bench Operator 山田", RunListener.NONE)) {
                for (int s = 0; s < STEPS; s++) session.runChecks(SessionFixture.step(rb, "s" + s), Session.Scope.ALL);
                session.finish();
                state = session.state();
                journal = Journal.snapshot(session.journalFile());
            }
        }
        assertThat(ReportBuilder.build(state).summary().checks()).isEqualTo(STEPS * CHECKS_PER_STEP);

        SigningIdentity pdfId = SigningIdentity.generated(dir.resolve("config"), ReportFormat.PDF, "Bench Signer");
        SigningIdentity mdId = SigningIdentity.generated(dir.resolve("config"), ReportFormat.MARKDOWN, "bench");
        pdfId.fingerprint();
        mdId.fingerprint();

        double baseline = median(() -> MarkdownReport.render(ReportBuilder.build(state)));
        double pdf = median(() -> ReportExporter.export(journal, ReportFormat.PDF, dir.resolve("r.pdf"), pdfId));
        double md = median(() -> ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("r.md"), mdId));

        System.out.printf(Locale.ROOT, "ReportSigningBenchmark (%d checks, median of %d after %d warm-up runs)%n"
                        + "  baseline unsigned Markdown render: %8.1f ms%n"
                        + "  signed PDF export:                 %8.1f ms  (%.0fx baseline)%n"
                        + "  signed Markdown export:            %8.1f ms  (%.1fx baseline)%n",
                STEPS * CHECKS_PER_STEP, RUNS, WARMUP, baseline, pdf, pdf / baseline, md, md / baseline);
        assertThat(pdf).as("signed PDF ms").isLessThan(2000);
        assertThat(md).as("signed Markdown ms").isLessThan(200);
    }

    private static double median(Work work) throws Exception {
        for (int i = 0; i < WARMUP; i++) work.run();
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            work.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[RUNS / 2];
    }
}
