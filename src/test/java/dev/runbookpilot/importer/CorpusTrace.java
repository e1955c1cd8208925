package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.LineUse;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which checklist lines each check of an imported runbook came from, found from the outside: a line is a check's
 * when the import says the line went into an automated check of that step ({@link ImportResult#lines()}) and the
 * check carries the line's text ({@link SourceTrace#carriedIn}) in any of its fields, or when the check's name ends
 * with {@code (line N)}. No knowledge of how the importer decided is used, so the trace survives its restructuring.
 */
final class CorpusTrace {

    private static final Pattern NAMED_LINE = Pattern.compile("\\(line (\\d+)\\)\\s*$");

    /**
     * One check of the runbook, in runbook order.
     *
     * @param lines the source lines it was traced to (may be empty)
     * @param line  where it sits in the checklist: its first traced line, else its step's first line, else 0
     */
    record Traced(Step step, int index, CheckSpec spec, SortedSet<Integer> lines, int line) {
        boolean automated() {
            return !(spec instanceof CheckSpec.Manual) && !(spec instanceof CheckSpec.Signoff);
        }

        /**
         * Whether it can prove a statement: automated, and not a snapshot (it records, it asserts nothing), a
         * migration or a backup (they act).
         */
        boolean verifies() {
            return automated() && !(spec instanceof CheckSpec.Snapshot) && !(spec instanceof CheckSpec.Execute)
                    && !(spec instanceof CheckSpec.Backup);
        }

        /**
         * Whether this test can run it: commands, status commands, migrations and backups need tools and files it
         * does not have.
         */
        boolean runnable() {
            return automated() && !(spec instanceof CheckSpec.Writer) && !(spec instanceof CheckSpec.Backup)
                    && !(spec instanceof CheckSpec.StatusCommand);
        }

        String describe() {
            return step.id() + "#" + index + " " + spec.kind() + " '" + spec.label() + "' (line " + line + ")";
        }
    }

    private CorpusTrace() {}

    static List<Traced> trace(ImportResult imported, Runbook runbook, List<String> source) {
        List<Traced> out = new ArrayList<>();
        for (Step step : runbook.steps().toList()) {
            int stepLine = imported.lines().stream().filter(u -> step.id().equals(u.stepId()))
                    .mapToInt(LineUse::line).min().orElse(0);
            for (int i = 0; i < step.checks().size(); i++) {
                CheckSpec spec = step.checks().get(i);
                String text = SourceTrace.normalise(String.join("\n", texts(spec, new ArrayList<>())));
                SortedSet<Integer> lines = new TreeSet<>();
                for (LineUse u : imported.lines()) {
                    String raw = source.get(u.line() - 1);
                    // A fence marker has no text to carry: every check of the step would "carry" it.
                    if (u.use() == ImportResult.Use.AUTOMATED && step.id().equals(u.stepId())
                            && !SourceTrace.fragments(raw).isEmpty() && SourceTrace.carriedIn(raw, text)) {
                        lines.add(u.line());
                    }
                }
                Matcher named = spec.meta().name() == null ? null : NAMED_LINE.matcher(spec.meta().name());
                if (named != null && named.find()) lines.add(Integer.parseInt(named.group(1)));
                out.add(new Traced(step, i, spec, lines, lines.isEmpty() ? stepLine : lines.first()));
            }
        }
        return out;
    }

    /** The checks that prove a statement: those that verify and were traced to one of its lines. */
    static List<Traced> of(CorpusTruth.Statement statement, List<Traced> checks) {
        Set<Integer> lines = statement.lines();
        return checks.stream().filter(c -> c.verifies() && c.lines().stream().anyMatch(lines::contains)).toList();
    }

    /** Every text a check spec holds, whatever its kind: its name, SQL, expectations, object names, tables. */
    private static List<String> texts(Object value, List<String> out) {
        // Where the check sits in the YAML says nothing about where it came from in the checklist.
        if (value == null || value instanceof dev.runbookpilot.runbook.SourceLocation) return out;
        if (value instanceof CharSequence s) {
            out.add(s.toString());
        } else if (value instanceof Collection<?> c) {
            for (Object o : c) texts(o, out);
        } else if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                texts(e.getKey(), out);
                texts(e.getValue(), out);
            }
        } else if (value instanceof Record r) {
            for (RecordComponent rc : r.getClass().getRecordComponents()) {
                try {
                    texts(rc.getAccessor().invoke(r), out);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + rc, e);
                }
            }
        } else if (value instanceof Number || value instanceof Enum<?> || value instanceof java.nio.file.Path) {
            out.add(value.toString());
        }
        return out;
    }
}
