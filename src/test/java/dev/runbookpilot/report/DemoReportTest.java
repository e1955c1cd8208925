package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.io.Durations;
import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.demo.DemoDatabase;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionState;
import dev.runbookpilot.testing.TestPostgres;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.PDFTextStripperByArea;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.geom.Rectangle2D;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report of the largest sample (schema-alignment) walked on its demo database with the deliberately broken
 * migration, one failure waived: the report an auditor receives after a real window, read back from the PDF.
 */
class DemoReportTest {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    @TempDir
    static Path dir;
    private static Report report;
    private static byte[] pdf;
    private static String markdown;

    @BeforeAll
    static void walkTheDemo() throws Exception {
        Path copy = dir.resolve("schema-alignment");
        copyTree(TestPostgres.projectDir().resolve("runbooks/schema-alignment"), copy);
        Path broken = TestPostgres.projectDir().resolve("src/test/resources/broken-migrations/schema-alignment.sql");
        Files.copy(broken, copy.resolve("demo/migration.sql"), StandardCopyOption.REPLACE_EXISTING);
        Path file = copy.resolve("runbook.yaml");
        // Backups in a folder beside the runbook's: its path must show relative to the runbook, not absolute.
        Files.writeString(file, Files.readString(file).replace("~/runbook-pilot-backups", "../backups"));
        Runbook runbook = RunbookLoader.load(file);
        String database = DemoDatabase.databaseName(runbook);
        TestPostgres.server().recreateDatabase(database);
        TestPostgres.runScript(database, DemoDatabase.setupScript(runbook));
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        try (Database db = Database.open(TestPostgres.jdbcUrl(database), props, 8, CheckDefaults.LOCK_TIMEOUT);
             Session session = Session.start(runbook, db, new JournalEvent.Connection("localhost",
                     TestPostgres.server().port(), database, "postgres", null, false, null), "Demo Operator",
                     dir.resolve("sessions"), RunListener.NONE)) {
            boolean waived = false;
            for (Phase phase : runbook.phases()) {
                for (Step step : phase.steps()) {
                    session.runChecks(step, Session.Scope.ALL);
                    for (int i = 0; i < step.checks().size(); i++) {
                        CheckSpec spec = step.checks().get(i);
                        if (spec instanceof CheckSpec.Manual) {
                            session.confirm(step, i, "checked");
                        }
                        if (spec instanceof CheckSpec.Signoff so) {
                            for (String role : so.roles()) session.sign(step, role, "Demo " + role);
                        }
                        if (!waived && session.checkStatus(step, i) == Status.FAILED) {
                            session.waive(step, i, "known difference, ticket OPS-7");
                            waived = true;
                        }
                    }
                }
            }
            session.finish();
        } finally {
            TestPostgres.exec("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        // Read back from the journal on disk: what the report needs (the description too) must be journaled.
        Path journal;
        try (Stream<Path> files = Files.list(dir.resolve("sessions"))) {
            journal = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        report = ReportBuilder.build(SessionState.replay(Journal.read(journal)));
        pdf = PdfReport.render(report);
        markdown = MarkdownReport.render(report);
        String out = System.getProperty("demoReport.out");
        if (out != null) {
            Files.write(Path.of(out + ".pdf"), pdf);
            Files.writeString(Path.of(out + ".md"), markdown);
        }
    }

    @AfterAll
    static void clear() {
        report = null;
        pdf = null;
        markdown = null;
    }

    /** The PDF's text a page at a time, lines in reading order. */
    private static List<String> pages() throws Exception {
        List<String> pages = new ArrayList<>();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            for (int page = 1; page <= doc.getNumberOfPages(); page++) {
                PDFTextStripper stripper = new PDFTextStripper();
                stripper.setSortByPosition(true);
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                pages.add(stripper.getText(doc));
            }
        }
        return pages;
    }

    private static String text() throws Exception {
        return String.join("\n", pages());
    }

    /** The header rows of the report's tables, which a table continued on the next page repeats at its top. */
    private static final List<String> TABLE_HEADERS = List.of("#CheckStatusExpectedActualTime",
            "ChangeObject,definitionDeclared/happened", "TableBeforeAfterChangeStatusChange,toscale",
            "StepMigration,SHA-256ofthefileasitran Status");

    /**
     * The text inside the page margins, without white space, the running header and footer a page break puts into a
     * text, or the header row a continued table repeats at the top of the next page (inside a cell the break cut).
     */
    private static String flatBody() throws Exception {
        StringBuilder b = new StringBuilder();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            for (PDPage page : doc.getPages()) {
                PDRectangle box = page.getMediaBox();
                // In the order the text was drawn, cell by cell: a cell's lines stay together.
                PDFTextStripperByArea stripper = new PDFTextStripperByArea();
                // A4 with 20 mm at the top and 18 mm at the bottom for the header and footer.
                stripper.addRegion("body", new Rectangle2D.Float(0, 57, box.getWidth(), box.getHeight() - 57 - 51));
                stripper.extractRegions(page);
                String flat = squash(stripper.getTextForRegion("body"));
                if (b.length() > 0) {
                    for (String header : TABLE_HEADERS) {
                        if (flat.startsWith(squash(header))) flat = flat.substring(squash(header).length());
                    }
                }
                b.append(flat);
            }
        }
        return b.toString();
    }

    private static String squash(String s) {
        return s.replaceAll("\\s+", "");
    }

    /** What the report prints for a journal text: workstation folders written relative to the runbook. */
    private static String shown(String s) {
        return new WorkstationPaths(report.runbookFile(), System.getProperty("user.home")).apply(s);
    }

    @Test
    void theDemoReportKeepsEveryCheckAndEverySqlInTwelvePages() throws Exception {
        List<String> pages = pages();
        System.out.println("demo report: " + pages.size() + " pages");
        // 38 pages before the SQL appendix and content-sized tables, 16 after, 17 with the table of locks the
        // migration held; 12 once the columns a table gained or lost share a heading, check results in a row are one
        // timeline line, a passed object check's found list is not printed twice and the type is a size smaller.
        assertThat(pages).hasSizeLessThanOrEqualTo(12);
        String flat = flatBody();
        int checks = 0;
        for (Report.PhaseReport p : report.phases()) {
            for (Report.StepReport st : p.steps()) {
                for (Report.CheckReport c : st.checks()) {
                    checks++;
                    String as = st.id() + "#" + (c.index() + 1);
                    assertThat(flat).as(as + " label").contains(squash(shown(c.label())));
                    if (c.expected() != null) assertThat(flat).as(as).contains(squash(shown(c.expected())));
                    if (c.actual() != null) assertThat(flat).as(as).contains(squash(shown(c.actual())));
                    if (c.sql() != null) assertThat(flat).as(as + " SQL").contains(squash(shown(c.sql())));
                    if (c.detail() instanceof CheckDetail.SchemaChanges sc) {
                        for (CheckDetail.SchemaChange ch : sc.changes()) {
                            Matcher member = MEMBER.matcher(ch.object());
                            if (flat.contains(squash(ch.label()))) {
                                for (String v : Arrays.asList(ch.before(), ch.after())) {
                                    if (v != null) assertThat(flat).as(as + " schema change").contains(squash(v));
                                }
                            } else {
                                // A column of a table added or dropped: under "9 columns of t", its name and definition.
                                assertThat(member.matches()).as(ch.label() + " printed whole or in its table's group")
                                        .isTrue();
                                assertThat(flat).contains(squash(plural(member.group(1)) + " of " + member.group(2)));
                                String definition = ch.before() != null && !ch.before().isBlank() ? ch.before()
                                        : ch.after();
                                assertThat(flat).as(as + " " + ch.label()).contains(squash(member.group(3)
                                        + (definition == null || definition.isBlank() ? "" : ": " + definition)));
                            }
                        }
                    }
                }
            }
        }
        assertThat(checks).isGreaterThan(30);
    }

    /** A key naming its table: {@code column:users.email}. */
    private static final Pattern MEMBER = Pattern.compile("([a-z]+):([^.\\s]+)\\.([^.\\s]+)");

    private static String plural(String kind) {
        return kind.endsWith("y") ? kind.substring(0, kind.length() - 1) + "ies" : kind + "s";
    }

    @Test
    void eachDistinctSqlIsPrintedOnceAndEveryCheckNamesItsNumber() throws Exception {
        SqlAppendix appendix = SqlAppendix.of(report);
        // The catalog queries of the object checks are shared: fewer texts than checks that ran SQL.
        long withSql = report.phases().stream().flatMap(p -> p.steps().stream()).flatMap(s -> s.checks().stream())
                .filter(SqlAppendix::holds).count();
        assertThat(appendix.entries().size()).isLessThan((int) withSql);
        String flat = flatBody();
        for (SqlAppendix.Entry e : appendix.entries()) {
            String sql = squash(shown(e.sql()));
            assertThat(occurrences(flat, sql)).as(e.name() + " in the PDF").isEqualTo(1);
            assertThat(occurrences(markdown, shown(e.sql()).strip())).as(e.name() + " in Markdown").isEqualTo(1);
        }
        for (Report.PhaseReport p : report.phases()) {
            for (Report.StepReport st : p.steps()) {
                for (Report.CheckReport c : st.checks()) {
                    if (!SqlAppendix.holds(c)) continue;
                    String name = appendix.entry(c).name();
                    assertThat(flat).contains(squash(shown(c.label())) + "SQL:" + name);
                    assertThat(markdown).contains(MarkdownReport.cell(shown(c.label())) + " (SQL [" + name + "]");
                }
            }
        }
    }

    private static int occurrences(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
        return n;
    }

    @Test
    void everyWordOfTheSchemaDiffPrintsWhole() throws Exception {
        Set<String> printed = new HashSet<>();
        String text = text();
        for (String line : text.split("\n")) printed.addAll(words(line));
        List<String> words = new ArrayList<>();
        report.phases().stream().flatMap(p -> p.steps().stream()).flatMap(s -> s.checks().stream())
                .map(Report.CheckReport::detail).filter(CheckDetail.SchemaChanges.class::isInstance)
                .map(CheckDetail.SchemaChanges.class::cast).flatMap(sc -> sc.changes().stream())
                .forEach(ch -> {
                    Matcher member = MEMBER.matcher(ch.object());
                    // A column in its table's group prints its name (and a colon before its definition), not its
                    // kind and table again.
                    boolean defined = ch.before() != null && !ch.before().isBlank()
                            || ch.after() != null && !ch.after().isBlank();
                    String object = member.matches() && !squash(text).contains(squash(ch.label()))
                            ? member.group(3) + (defined ? ":" : "") : ch.label();
                    for (String v : Arrays.asList(ch.change(), object, ch.before(), ch.after())) {
                        if (v != null) words.addAll(words(v));
                    }
                });
        // Before the column widths came from the content, "added" printed one letter per line.
        assertThat(words).contains("added", "renamed");
        assertThat(words).allSatisfy(w -> assertThat(printed).as("whole word " + w).contains(w));
    }

    /**
     * Words as a line may break between them: at spaces, after a colon or dot as in "index:table.name", before an
     * opening bracket.
     */
    private static List<String> words(String text) {
        return Arrays.stream(text.strip().split("\\s+|(?<=[:.])|(?=[\\[(])")).filter(w -> !w.isEmpty()).toList();
    }

    @Test
    void theFirstPageHasTheVerdictWindowTargetMigrationsAndDescription() throws Exception {
        String first = pages().get(0);
        String flat = squash(first);
        assertThat(first).contains("Verdict: " + report.verdict());
        Report.Waiver w = report.waivers().get(0);
        assertThat(flat).contains(squash("Waived: " + w.stepId())).contains(squash(w.reason()));
        assertThat(flat).contains(squash(TIME.format(report.start()))).contains(squash(TIME.format(report.end())));
        assertThat(flat).contains(squash(report.target().database())).contains(report.target().host());
        assertThat(report.migrations()).isNotEmpty();
        for (Report.Migration m : report.migrations()) {
            assertThat(m.sha256()).hasSize(64);
            assertThat(flat).contains(m.sha256()).contains(squash(shown(m.what())));
        }
        assertThat(flat).contains(squash("Deploys Ecto migration"))
                .contains(squash("if that fails, restore the backup taken in the pre-migration phase."));
        assertThat(markdown).contains("> Deploys Ecto migration");
        for (Report.Migration m : report.migrations()) assertThat(markdown).contains("`" + m.sha256() + "`");
    }

    @Test
    void noWorkstationPathAppearsAnywhereInTheReport() throws Exception {
        String text = text();
        String home = System.getProperty("user.home");
        for (String rendered : List.of(text, markdown)) {
            assertThat(rendered).doesNotContain(dir.toString()).doesNotContain(home + "/");
        }
        // The paths are still there, relative to the runbook's folder.
        assertThat(squash(text)).contains(squash("execute demo/migration.sql")).contains("../backups/");
        assertThat(markdown).contains("execute demo/migration.sql").contains("../backups/");
    }

    @Test
    void noTableHeaderEndsAPageAndNoDurationWraps() throws Exception {
        for (String page : pages()) {
            List<String> lines = Arrays.stream(page.split("\n")).map(String::strip).filter(l -> !l.isEmpty())
                    .filter(l -> !l.startsWith("Runbook Pilot sign-off report") && !l.matches("Page \\d+ of \\d+"))
                    .toList();
            String last = squash(lines.get(lines.size() - 1));
            assertThat(TABLE_HEADERS).as("last line of a page: " + last).noneMatch(h -> squash(h).equals(last));
        }
        String text = text();
        report.phases().stream().flatMap(p -> p.steps().stream()).flatMap(s -> s.checks().stream())
                .filter(c -> c.durationMillis() != null)
                .forEach(c -> assertThat(text).contains(Durations.human(c.durationMillis())));
    }

    @Test
    void aSmallChangeNextToALargeTableGetsAVisibleBar() throws Exception {
        CheckDetail.RowCountDiff diff = report.phases().stream().flatMap(p -> p.steps().stream())
                .flatMap(s -> s.checks().stream()).map(Report.CheckReport::detail)
                .filter(CheckDetail.RowCountDiff.class::isInstance).map(CheckDetail.RowCountDiff.class::cast)
                .findFirst().orElseThrow();
        assertThat(diff.lines()).anyMatch(l -> l.before() == 120_000L && l.delta() == 0);
        assertThat(diff.lines()).anyMatch(l -> l.delta() == -400L);
        String flat = squash(text());
        assertThat(flat).contains("-400").contains("(-7.41%)");
        StringBuilder b = new StringBuilder();
        PdfReport.rowCounts(b, diff);
        // The largest change takes half the cell, to the left of the middle: rows fewer.
        assertThat(b.toString()).contains("class=\"bar removed\" style=\"width:50.0%;margin-left:0.0%\"");
        // A change of one row next to one of 400 is still drawn.
        assertThat(PdfReport.changeBar(1L, 400)).contains("width:3.0%");
    }

    @Test
    void theTimelineFoldsEachStepsCheckResultsAndKeepsEveryFailureApprovalAndSignature() {
        List<String> timeline = report.timeline().stream().map(Report.TimelineEntry::what).toList();
        // Each failed check is named in the timeline by its step and number, whatever it was folded with.
        for (Report.PhaseReport p : report.phases()) {
            for (Report.StepReport st : p.steps()) {
                for (Report.CheckReport c : st.checks()) {
                    if (c.status() != Status.FAILED) continue;
                    assertThat(timeline).as(st.id() + "#" + c.index()).anyMatch(w -> w.startsWith(st.id() + ": ")
                            && w.matches(".*#" + c.index() + "( .*)? FAILED.*"));
                }
            }
        }
        Report.Waiver w = report.waivers().get(0);
        assertThat(timeline).anyMatch(e -> e.startsWith(w.stepId() + "#") && e.contains("waived by Demo Operator"))
                .anyMatch(e -> e.contains("signed as DBA by Demo DBA"))
                .anyMatch(e -> e.contains("migration began"))
                .anyMatch(e -> e.contains("confirmed by Demo Operator"))
                .anyMatch(e -> e.equals("old-shape: 7 check results, 7 PASSED")
                        || e.startsWith("old-shape: 7 check results until "));
        long results = timeline.stream().filter(e -> e.contains(" check results")).count();
        assertThat(results).as("one line per run of a step's results, not one per check").isLessThan(15);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
