package dev.runbookpilot.runbook;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * YAML parsed into a tree that remembers where every node and key stood, so that every problem found later
 * can be reported as {@code file:line:column}. Jackson's own tree forgets locations.
 */
final class YamlTree {

    sealed interface Node permits MapNode, ListNode, ScalarNode {
        SourceLocation location();

        default String typeName() {
            if (this instanceof MapNode) return "a mapping";
            if (this instanceof ListNode) return "a list";
            ScalarNode s = (ScalarNode) this;
            if (s.isNull()) return "empty";
            if (s.token() == JsonToken.VALUE_STRING) return "text";
            if (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE) return "a boolean";
            return "a number";
        }
    }

    record Entry(String key, SourceLocation keyLocation, Node value) {}

    record MapNode(Map<String, Entry> entries, SourceLocation location) implements Node {}

    record ListNode(List<Node> items, SourceLocation location) implements Node {}

    /** A scalar keeps its text; {@code token} says whether YAML read it as text, number, boolean or null. */
    record ScalarNode(String text, JsonToken token, boolean quoted, SourceLocation location) implements Node {
        boolean isNull() { return token == JsonToken.VALUE_NULL; }
    }

    /** An empty plain value ({@code title:}) is YAML's null, not an empty text that would pass for a value. */
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();

    private final Path file;
    private final List<String> lines;
    private final List<RunbookProblem> problems;

    private YamlTree(Path file, String text, List<RunbookProblem> problems) {
        this.file = file;
        this.lines = text.lines().toList();
        this.problems = problems;
    }

    /**
     * The deepest nesting a runbook needs is about eight levels (phases, steps, checks, options, expectations);
     * anything far deeper is a mistake or an attack, refused where it starts instead of deep inside the parser.
     */
    static final int MAX_DEPTH = 64;

    /** A refusal that ends the parse at once, with its location. */
    private static final class Refused extends RuntimeException {
        final RunbookProblem problem;

        Refused(RunbookProblem problem) {
            super(problem.message(), null, false, false);
            this.problem = problem;
        }
    }

    /** Parses YAML text; syntax errors are added to {@code problems} and yield null. */
    static Node parse(String text, Path file, List<RunbookProblem> problems) {
        if (text.length() > RunbookLoader.MAX_CHARS) {
            problems.add(new RunbookProblem(locationOf(text, RunbookLoader.MAX_CHARS, file), tooLarge(), tooLargeHint()));
            return null;
        }
        YamlTree tree = new YamlTree(file, text, problems);
        JsonParser p = null;
        try {
            p = FACTORY.createParser(text);
            JsonToken t = p.nextToken();
            if (t == null) {
                problems.add(new RunbookProblem(new SourceLocation(file, 1, 1), "the file is empty",
                        "start with 'runbook: <title>'; see docs/runbook-format.md"));
                return null;
            }
            Node root = tree.read(p, 1);
            // A second document would be silently ignored: whoever wrote it meant something by it.
            if (p.nextToken() != null) {
                problems.add(new RunbookProblem(tree.here(p), "a second YAML document: a runbook file holds one",
                        "remove the '---' and what follows it, or merge it into the runbook above"));
                return null;
            }
            return root;
        } catch (Refused r) {
            problems.add(r.problem);
            return null;
        } catch (JsonProcessingException e) {
            problems.add(syntaxProblem(e, file, p));
            return null;
        } catch (YAMLException e) {
            // SnakeYAML failures Jackson does not wrap (reader-level problems) are syntax problems all the same.
            problems.add(new RunbookProblem(fallbackLocation(p, file), "YAML syntax: " + firstLine(e.getMessage()),
                    "check the file's characters and structure"));
            return null;
        } catch (IOException e) {
            problems.add(new RunbookProblem(fallbackLocation(p, file), "cannot read: " + e.getMessage(), null));
            return null;
        } finally {
            if (p != null) {
                try {
                    p.close();
                } catch (IOException | RuntimeException ignored) {
                    // The text is in memory: closing releases nothing that matters.
                }
            }
        }
    }

    static String tooLarge() {
        return "the runbook is larger than " + RunbookLoader.MAX_BYTES / 1024 + " KiB";
    }

    static String tooLargeHint() {
        return "move long SQL into migration files (execute: { file: ... }) and keep the runbook to its checks";
    }

    /** Where the parser stood when it gave up: line 1, column 1 when it never got going. */
    private static SourceLocation fallbackLocation(JsonParser p, Path file) {
        JsonLocation l = p == null ? null : p.currentLocation();
        if (l == null || l.getLineNr() < 1) return new SourceLocation(file, 1, 1);
        return new SourceLocation(file, l.getLineNr(), Math.max(1, l.getColumnNr()));
    }

    /** Line and column (both from 1, columns in code points) of the character at {@code index}. */
    static SourceLocation locationOf(CharSequence text, int index, Path file) {
        int line = 1;
        int column = 1;
        int end = Math.min(index, text.length());
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                column = 1;
            } else if (c == '\uFEFF' && i == 0 || Character.isLowSurrogate(c)) {
                continue;
            } else if (c != '\r') {
                column++;
            }
        }
        return new SourceLocation(file, line, column);
    }

    /**
     * Jackson's location for a YAML syntax error is the last token it read, often a line or more away from the
     * fault; SnakeYAML's problem mark (0-based) is where the fault is, and its context says what was being read.
     */
    private static RunbookProblem syntaxProblem(JsonProcessingException e, Path file, JsonParser p) {
        String hint = "check indentation and quoting around this position";
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            Mark at = m.getProblemMark();
            String message = "YAML syntax: " + firstLine(m.getProblem());
            Mark context = m.getContextMark();
            if (m.getContext() != null && context != null) {
                message += " " + firstLine(m.getContext()) + " started at line " + (context.getLine() + 1)
                        + ", column " + (context.getColumn() + 1);
            }
            return new RunbookProblem(new SourceLocation(file, at.getLine() + 1, at.getColumn() + 1), message, hint);
        }
        JsonLocation l = e.getLocation();
        return new RunbookProblem(l == null || l.getLineNr() < 1 ? fallbackLocation(p, file)
                : new SourceLocation(file, l.getLineNr(), Math.max(1, l.getColumnNr())),
                "YAML syntax: " + firstLine(e.getOriginalMessage()), hint);
    }

    private static String firstLine(String message) {
        return message == null ? "invalid YAML" : message.lines().findFirst().orElse("invalid YAML").strip();
    }

    private SourceLocation here(JsonParser p) {
        JsonLocation l = p.currentTokenLocation();
        return new SourceLocation(file, l.getLineNr(), l.getColumnNr());
    }

    private Node read(JsonParser p, int depth) throws IOException {
        SourceLocation at = here(p);
        JsonToken t = p.currentToken();
        if (depth > MAX_DEPTH) {
            throw new Refused(new RunbookProblem(at, "nested deeper than " + MAX_DEPTH + " levels",
                    "a runbook needs a handful of levels; check for unclosed brackets"));
        }
        refuseAlias(p, at);
        switch (t) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    SourceLocation keyAt = here(p);
                    refuseAlias(p, keyAt);
                    p.nextToken();
                    Node value = read(p, depth + 1);
                    if (entries.containsKey(key)) {
                        problems.add(new RunbookProblem(keyAt, "duplicate key '" + key + "'",
                                "first given at " + entries.get(key).keyLocation() + "; keep one"));
                    } else {
                        entries.put(key, new Entry(key, keyAt, value));
                    }
                }
                return new MapNode(entries, at);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) items.add(read(p, depth + 1));
                return new ListNode(items, at);
            }
            default -> {
                boolean quoted = t == JsonToken.VALUE_STRING && startsWithQuote(at);
                return new ScalarNode(t == JsonToken.VALUE_NULL ? null : p.getText(), t, quoted, at);
            }
        }
    }

    /**
     * The YAML parser hands an alias ({@code *q}) over as the text of its name, so {@code sql: *q} would run the
     * SQL "q". Expanding aliases instead would let one line stand for a billion ("billion laughs"): refuse them.
     */
    private static void refuseAlias(JsonParser p, SourceLocation at) {
        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
            throw new Refused(new RunbookProblem(at, "YAML alias '*" + safeText(p) + "' is not supported",
                    "write the value out where it is used; a runbook is read by people signing it"));
        }
    }

    private static String safeText(JsonParser p) {
        try {
            String text = p.getText();
            return text == null ? "" : text.length() > 40 ? text.substring(0, 40) + "…" : text;
        } catch (IOException e) {
            return "";
        }
    }

    /** A quoted scalar such as '3.7.0' stays text where a bare one would be read as an expression. */
    private boolean startsWithQuote(SourceLocation at) {
        if (at.line() < 1 || at.line() > lines.size()) return false;
        String line = lines.get(at.line() - 1);
        int i = at.column() - 1;
        return i >= 0 && i < line.length() && (line.charAt(i) == '\'' || line.charAt(i) == '"');
    }
}
