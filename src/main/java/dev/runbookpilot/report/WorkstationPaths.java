package dev.runbookpilot.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the workstation's absolute paths in a rendered report: a path in the runbook's folder is written
 * relative to it ({@code demo/migration.sql}), one in a folder beside it with {@code ../}, one under the home folder
 * with {@code ~/}. An auditor learns where a file was in the runbook's terms, not who ran it from which home
 * folder on which machine; the runbook's SHA-256 still identifies the runbook.
 *
 * <p>It works on the finished text, after escaping, so every section any writer adds is covered; each folder is
 * searched for in every escaped spelling the writer uses.
 *
 * <p>The wizard names files the same way (a check's label, its expectation, the approval's file lines), so what an
 * operator reads on screen is what the auditor reads in the report; the wizard keeps the absolute path at hand in a
 * tooltip, since the operator must be able to see exactly which file runs.
 */
public final class WorkstationPaths {
    private record Rule(Pattern pattern, String inside, String alone) {}

    private final List<Rule> rules = new ArrayList<>();

    /**
     * @param runbookFile the runbook's absolute path as the journal recorded it (may be null)
     * @param home        the home folder (may be null)
     * @param spellings   how the writer escapes text; the raw spelling is always searched too
     */
    @SafeVarargs
    public WorkstationPaths(String runbookFile, String home, UnaryOperator<String>... spellings) {
        List<String[]> folders = new ArrayList<>();
        Path dir = runbookFile == null ? null : Path.of(runbookFile).toAbsolutePath().normalize().getParent();
        if (dir != null) {
            folders.add(new String[] {dir.toString(), ""});
            Path parent = dir.getParent();
            if (parent != null) folders.add(new String[] {parent.toString(), ".."});
        }
        if (home != null && !home.isBlank()) folders.add(new String[] {Path.of(home).normalize().toString(), "~"});
        // The most specific folder first: the runbook's folder usually lies under the home folder.
        folders.sort(Comparator.comparingInt((String[] f) -> f[0].length()).reversed());
        for (String[] f : folders) {
            // "/" or a drive root would match every path: such a folder is not a workstation detail to hide.
            if (f[0].length() <= 3) continue;
            Set<String> spelled = new LinkedHashSet<>();
            spelled.add(f[0]);
            for (UnaryOperator<String> s : spellings) spelled.add(s.apply(f[0]));
            for (String s : spelled) {
                // Not the tail of a longer path ("/data/home/x") and not a longer name ("/home/xy", "/home/x.old");
                // a full stop that ends the sentence still ends the path.
                Pattern p = Pattern.compile("(?<![\\w.~/-])" + Pattern.quote(s) + "(/|(?![\\w\\\\-]|\\.\\w))");
                // The runbook's folder itself is "./": a lone "." before a full stop would read as "..".
                rules.add(new Rule(p, f[1], f[1].isEmpty() ? "./" : f[1]));
            }
        }
    }

    /** The text with every path under the runbook's folder, a folder beside it or the home folder rewritten. */
    public String apply(String text) {
        String out = text;
        for (Rule r : rules) {
            Matcher m = r.pattern.matcher(out);
            StringBuilder b = new StringBuilder(out.length());
            while (m.find()) {
                String sep = m.group(1);
                String to = sep.isEmpty() ? r.alone : r.inside.isEmpty() ? "" : r.inside + sep;
                m.appendReplacement(b, Matcher.quoteReplacement(to));
            }
            m.appendTail(b);
            out = b.toString();
        }
        return out;
    }
}
