package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.LineUse;
import dev.runbookpilot.importer.ImportSummary.UnmappedSql;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The importer's output is pinned byte for byte: every checklist the importer's tests import (the seeds, the
 * fixtures, the unseen corpus and every checklist written inline in a test, {@code golden/NNN.md}) with the YAML,
 * the summary, every unmapped statement and where every source line went ({@code golden/NNN.expected.txt}); and
 * the documents the fuzz test generates with its fixed seed ({@code golden/fuzz.txt}: each document and the
 * SHA-256 of the same dump). The expected files were written by the importer as it was before it became a pipeline
 * of stages (ADR 0034), so a restructuring that changes one byte of output fails here.
 *
 * <p>When a change is meant to change output (a new recogniser), regenerate with
 * {@code -Dimporter.golden.write=true} and let the diff of {@code golden/} show in review what changed.
 */
class ImporterGoldenTest {

    private static final Path DIR = TestPostgres.projectDir().resolve("src/test/resources/golden");
    private static final boolean WRITE = Boolean.getBoolean("importer.golden.write");

    static Stream<String> documents() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+\\.md"))
                    .map(n -> n.substring(0, n.length() - 3)).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void importsTestChecklistsExactlyAsBefore(String id) throws Exception {
        String markdown = Files.readString(DIR.resolve(id + ".md"), StandardCharsets.UTF_8);
        Path expectedFile = DIR.resolve(id + ".expected.txt");
        String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
        String source = expected.substring("source: ".length(), expected.indexOf('\n'));
        String actual = "source: " + source + "\n" + dump(ChecklistImporter.importMarkdown(markdown, source));
        if (WRITE && !actual.equals(expected)) Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
        else assertEquals(expected, actual, "import of golden/" + id + ".md (" + source + ")");
    }

    @Test
    void importsTheFuzzDocumentsExactlyAsBefore() throws Exception {
        Path file = DIR.resolve("fuzz.txt");
        String[] records = Files.readString(file, StandardCharsets.UTF_8).split("\n");
        assertTrue(records.length > 1000, "the fuzz goldens are there");
        StringBuilder rewritten = new StringBuilder();
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < records.length; i++) {
            int space = records[i].indexOf(' ');
            String markdown = unescape(records[i].substring(space + 1));
            String actual = sha256(dump(ChecklistImporter.importMarkdown(markdown, "fuzz.md")));
            if (!actual.equals(records[i].substring(0, space))) changed.add("document " + (i + 1) + ":\n" + markdown);
            rewritten.append(actual).append(' ').append(escape(markdown)).append('\n');
        }
        if (WRITE) Files.writeString(file, rewritten, StandardCharsets.UTF_8);
        else assertEquals(List.of(), changed.stream().limit(3).toList(), changed.size() + " fuzz documents import "
                + "differently; the first ones are listed (compare with the importer on main)");
    }

    /** Everything an import returns, as text: the YAML, the summary and its numbers, unmapped SQL, line uses. */
    static String dump(ImportResult r) {
        StringBuilder b = new StringBuilder();
        ImportSummary s = r.summary();
        b.append("== yaml\n").append(r.yaml()).append("\n== summary\n").append(s.render());
        b.append("== numbers\n").append(String.format(Locale.ROOT, "items %d, automated %d, manual %d, verifiable %d, "
                        + "verified automatically %d, ratio %s%n", s.items(), s.automated(), s.manual(), s.verifiable(),
                s.verifiedAutomatically(), Double.toString(s.automatedRatio())));
        b.append("== unmapped\n");
        for (UnmappedSql u : s.unmapped()) {
            b.append("line ").append(u.line()).append(": ").append(u.reason()).append('\n').append(u.sql()).append('\n');
        }
        b.append("== lines\n");
        for (LineUse u : r.lines()) {
            b.append(u.line()).append(' ').append(u.use()).append(' ').append(u.stepId()).append(" | ")
                    .append(u.kept()).append('\n');
        }
        return b.toString();
    }

    /** One document per line of fuzz.txt: backslashes, CR, LF, NUL and UTF-16 surrogates (paired or not) escaped. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\\') b.append("\\\\");
            else if (c == '\r') b.append("\\r");
            else if (c == '\n') b.append("\\n");
            else if (c == 0) b.append("\\0");
            else if (Character.isSurrogate(c)) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                if (n == 'u') {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                } else {
                    b.append(n == 'r' ? '\r' : n == 'n' ? '\n' : n == '0' ? '\0' : n);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
