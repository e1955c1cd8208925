package dev.runbookpilot.importer;

import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.MarkdownBlocks.Type;
import dev.runbookpilot.importer.Outline.PhaseDraft;
import dev.runbookpilot.importer.Outline.StepDraft;
import dev.runbookpilot.importer.Outline.Unit;
import dev.runbookpilot.importer.action.ActionLine;
import dev.runbookpilot.importer.action.ActionLines;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.runbookpilot.importer.ChecklistImporter.clean;
import static dev.runbookpilot.importer.ChecklistImporter.truncate;

/**
 * The actions' stage, between {@link ItemReader} and {@link StatementMapping}: a checklist entry of an execution
 * section that runs a migration ({@code alembic upgrade head}, {@code psql -f migrate.sql}, {@code \i file.sql}, ...:
 * {@link ActionLines}) becomes a {@code command} step of its own, in the entry's place, so the runbook runs it (after
 * the product's usual approval) instead of asking the operator to type it and tick a box. The step is split around
 * it: entries before the command stay in the step, entries after it go to a step "(continued)", so nothing is
 * confirmed before the migration ran. The matching undo in a rollback section ({@code alembic downgrade -1}) becomes
 * that command's {@code rollback:}, and leaves the rollback section.
 *
 * <p>It takes a line only when nothing else could be meant: one migration line in the entry, no other command in the
 * entry (before it, it sets up how the migration runs; after it, it would have to wait for it), not in an example, a "do not run" or "never" sentence, a
 * trigger ("if ... fails"), a rehearsal ("on staging") or a verification, rollback or troubleshooting section. Every
 * command step says in its description which line it came from and asks the reviewer to check the command, its
 * folder and its expected output; a line that connects elsewhere, pipes its output or holds a placeholder stays a
 * manual step with a warning (ADR 0037).
 */
final class ActionSteps {

    private final ChecklistDocument doc;
    private final ImportLedger ledger;
    private final Outline outline;
    /** The command steps made so far and their tool, for the rollbacks to find. */
    private final List<Forward> forwards = new ArrayList<>();

    /** A forward line of an execution section: its command step, or null when it was refused or skipped. */
    private record Forward(StepDraft step, String tool, String file) {}

    ActionSteps(ChecklistDocument doc, ImportLedger ledger, Outline outline) {
        this.doc = doc;
        this.ledger = ledger;
        this.outline = outline;
    }

    void split() {
        for (PhaseDraft p : outline.phases) {
            List<StepDraft> steps = new ArrayList<>(p.steps);
            p.steps.clear();
            for (StepDraft s : steps) p.steps.addAll(forward(p, s));
        }
        for (PhaseDraft p : outline.phases) {
            for (StepDraft s : p.steps) if (s.command == null) undo(p, s);
        }
    }

    // -------------------------------------------------------------- where an action may be read

    /** Sections that verify, roll back, troubleshoot, prepare or illustrate: no migration runs from them. */
    private static final Pattern NOT_EXECUTION = Pattern.compile("(?i)\\b(verif\\w*|validat\\w*|post[- ]?(?:migration"
            + "|deploy\\w*|checks?)|smoke|troubleshoot\\w*|emergency|incident|examples?|appendix|reference|faq"
            + "|pre[- ]?(?:flight|checks?|requisites?)|prerequisites?|preparation|rehears\\w*|staging|dry[- ]?run"
            + "|local\\w*|tests?|testing)\\b");
    /** Words that undo: a rollback section, or an entry that says it rolls back. */
    private static final Pattern UNDO_WORDS = Pattern.compile("(?i)\\b(roll(?:ing|ed)?[\\s-]*back|rollback|revert\\w*"
            + "|undo|downgrade|go(?:ing)?\\s+back|back\\s+out)\\b");
    /** An example, a warning or a prohibition: the command in it is not for running. */
    private static final Pattern NOT_FOR_RUNNING = Pattern.compile("(?i)\\b(do\\s+not|don'?t|never|must\\s+not"
            + "|should\\s+not|shouldn'?t|avoid|examples?|e\\.g\\.|for\\s+instance|instead\\s+of)\\b|\\bnot\\s+(?:to\\s+)?"
            + "run\\b");
    /** A trigger ("if it fails", "in case"): the command runs only when that happens. */
    private static final Pattern TRIGGER = Pattern.compile("(?i)\\b(if|in\\s+case|unless|only\\s+when|whenever)\\b");
    /** A rehearsal somewhere else than the runbook's target. */
    private static final Pattern ELSEWHERE = Pattern.compile("(?i)\\b(staging|rehears\\w*|dry[- ]?run|locally"
            + "|local\\s+(?:env\\w*|db|database|machine)|on\\s+a\\s+copy|test\\s+(?:env\\w*|db|database|server))\\b");
    /** A SQL file psql runs that is named as an undo: never a forward migration. */
    private static final Pattern UNDO_FILE = Pattern.compile("(?i)(rollback|revert|undo|(?:^|[^a-z])down(?:[^a-z]|$))");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");

    /** The text with its code spans blanked out: what the words around the commands say. */
    private static String proseOnly(String text) {
        return CODE_SPAN.matcher(text).replaceAll(" ");
    }

    private String headings(PhaseDraft p, StepDraft s) {
        return p.name + "\n" + s.title;
    }

    /** The entry's words, its notes, and for a code block standing alone the two lines of text above it. */
    private String prose(Unit u) {
        StringBuilder b = new StringBuilder(u.text);
        for (Block n : u.notes) b.append('\n').append(n.text);
        if (u.text.isBlank() && !u.blocks.isEmpty()) {
            int first = u.blocks.get(0).line;
            for (int l = first - 1; l >= Math.max(1, first - 2); l--) b.append('\n').append(doc.raw(l));
        }
        b.append('\n').append(leadIn(u.line));
        return b.toString();
    }

    private static final Pattern LIST_ITEM = Pattern.compile("^(?:[-*+]|\\d+[.)])\\s.*");

    /**
     * The sentence that introduces the entry's list ("Never run these against production; they are for the staging
     * copy only:"): the paragraph or heading above the list's first entry. What it says of the list holds for every
     * entry in it.
     */
    private String leadIn(int line) {
        int l = line - 1;
        // Up over the list's earlier entries, their indented lines and the blank lines between them.
        while (l >= 1 && (doc.raw(l).isBlank() || Character.isWhitespace(doc.raw(l).charAt(0))
                || LIST_ITEM.matcher(doc.raw(l)).matches())) {
            l--;
        }
        if (l < 1 || doc.raw(l).startsWith("```") || doc.raw(l).startsWith("~~~")) return "";
        if (doc.raw(l).startsWith("#")) return doc.raw(l);
        StringBuilder b = new StringBuilder();
        for (; l >= 1 && !doc.raw(l).isBlank() && !doc.raw(l).startsWith("#"); l--) b.append(doc.raw(l)).append('\n');
        return b.toString();
    }

    // -------------------------------------------------------------- reading an entry

    /** One action line of an entry: where it is, what it does, the block line it is on (or -1 for a code span). */
    private record Hit(int line, ActionLine action, Block block, int index) {}

    /** An entry's action lines, and the lines of other code it runs (commands in spans, lines of its blocks). */
    private record Reading(List<Hit> hits, List<Integer> code) {}

    private Reading read(Unit u) {
        List<Hit> hits = new ArrayList<>();
        List<Integer> code = new ArrayList<>();
        List<Block> texts = new ArrayList<>();
        texts.add(new Block(Type.TEXT, u.line, 0, u.text));
        texts.addAll(u.notes);
        for (Block t : texts) {
            String inProse = t.line == u.line ? null : inProse(u, t);
            Matcher span = CODE_SPAN.matcher(t.text);
            while (span.find()) {
                String c = span.group(2).strip();
                ActionLine a = ActionLines.read(c).orElse(null);
                if (a != null && inProse != null && !a.isRefused()) {
                    a = ActionLine.refuse(a.tool(), a.direction(), inProse);
                }
                if (a != null) hits.add(new Hit(t.line, a, null, -1));
                // A name in backticks is prose; anything with a space in it is a command the operator runs.
                else if (c.contains(" ")) code.add(t.line);
            }
        }
        for (Block b : u.blocks) {
            String lang = b.lang == null ? "" : b.lang;
            boolean sql = lang.matches("sql|psql|pgsql|postgres|postgresql|plpgsql");
            boolean shell = lang.matches("|bash|sh|shell|console|zsh|terminal|shell-session|text");
            if (!sql && !shell) continue;
            String cd = null;
            int cdLine = -1;
            for (int i = 0; i < b.content.size(); i++) {
                int no = b.line + 1 + i;
                String t = b.content.get(i).strip();
                if (t.isEmpty() || t.startsWith("#") || t.startsWith("--")) continue;
                ActionLine a;
                if (t.endsWith("\\")) {
                    // sh joins a line ending in a backslash with the next: "kubectl exec ... --" + "alembic upgrade head"
                    // is one command, and the migration on its last line alone would run somewhere else.
                    StringBuilder joined = new StringBuilder();
                    int first = i;
                    while (t.endsWith("\\") && i + 1 < b.content.size()) {
                        joined.append(t, 0, t.length() - 1).append(' ');
                        t = b.content.get(++i).strip();
                    }
                    joined.append(t);
                    t = joined.toString();
                    a = ActionLines.read(t).orElse(null);
                    if (a == null) a = continued(b.content.subList(first, i + 1), no);
                    if (a == null) for (int j = first + 1; j <= i; j++) code.add(b.line + 1 + j);
                } else {
                    a = ActionLines.read(t).orElse(null);
                }
                if (a != null) {
                    if (cd != null && a.cwd() == null && !a.isRefused()) {
                        a = new ActionLine(a.tool(), a.direction(), a.run(), cd, a.env(), a.doubt(), null);
                        // The "cd DIR" line became the command's folder: it is no command left to run by hand.
                        code.remove(Integer.valueOf(cdLine));
                    }
                    hits.add(new Hit(no, a, b, i));
                    continue;
                }
                String dir = ActionLines.cdAlone(t);
                if (dir != null) {
                    cd = dir;
                    cdLine = no;
                }
                code.add(no);
            }
        }
        return new Reading(hits, code);
    }

    /** A line that is nothing but one code span (a prompt and a trailing colon allowed around it). */
    private static final Pattern SPAN_ALONE = Pattern.compile("^(`+)[^`]+\\1\\s*:?$");

    /**
     * Why a code span on a line under the entry's own words is not the entry's command, or null when it is. The
     * entry's first line says what the entry does; a line under it is the entry's prose ("The platform team's job
     * then runs `alembic upgrade head` on its own schedule.") unless the command stands on it alone, introduced as
     * one: a sub-bullet of its own, a paragraph of its own, or a line after one ending in ":" — and not in the middle
     * of a sentence that goes on below it. A line indented as code (ADR 0036) is a sample: its backticks are not
     * code spans at all.
     */
    private String inProse(Unit u, Block note) {
        if (note.literal) {
            return "the line is indented as code under the item (a sample, read as text), not a command of the"
                    + " item's own";
        }
        String words = "the line is part of the item's prose under its first line (line " + u.line + "), not the"
                + " item's own words or a command standing on a line of its own";
        if (!SPAN_ALONE.matcher(note.text.strip()).matches()) return words;
        String above = note.line > 1 ? doc.raw(note.line - 1).strip() : "";
        boolean introduced = note.type == Type.ITEM || above.isEmpty() || above.endsWith(":");
        if (!introduced) return words;
        // The next line of the same paragraph going on in lower case: "`alembic upgrade head`\n  from the bastion."
        boolean sentenceGoesOn = u.notes.stream().anyMatch(n -> n.line == note.line + 1 && n.type == Type.TEXT
                && !n.literal && !n.text.isBlank() && Character.isLowerCase(n.text.strip().charAt(0)));
        return sentenceGoesOn ? words : null;
    }

    /**
     * A migration line on one of the physical lines of a continued command that, joined, is no migration line: a
     * refusal, so the item stays manual with a warning instead of reading as nothing at all.
     */
    private static ActionLine continued(List<String> lines, int firstLine) {
        for (String l : lines) {
            String part = l.strip();
            if (part.endsWith("\\")) part = part.substring(0, part.length() - 1);
            ActionLine a = ActionLines.read(part).orElse(null);
            if (a != null) {
                return ActionLine.refuse(a.tool(), a.direction(), "the line is part of a command continued with \\"
                        + " from line " + firstLine + ", which runs it differently (elsewhere, with other variables"
                        + " or inside another program)");
            }
        }
        return null;
    }

    /** The one action of the entry going the given way, or null (warned about when it is refused or one of two). */
    private Hit single(Unit u, Reading r, boolean forward) {
        List<Hit> going = r.hits().stream().filter(h -> h.action().goes(forward)).toList();
        if (going.isEmpty()) return null;
        for (Hit h : going) {
            if (h.action().isRefused()) {
                ledger.warn(h.line(), "not imported as a command step: " + h.action().refused() + "; it stays a"
                        + " manual step showing the line");
            }
        }
        if (going.stream().anyMatch(h -> h.action().isRefused())) return null;
        if (r.hits().size() > 1) {
            ledger.warn(going.get(0).line(), "the item runs " + r.hits().size() + " migration commands; it stays a"
                    + " manual step (give each command an item of its own to import it as a command step)");
            return null;
        }
        Hit h = going.get(0);
        // Code before the migration sets up how it runs ("SET search_path", "\\c billing", "export ..."); code after
        // it would have to wait for it. Either way the command step alone would not do what the item means.
        if (!r.code().isEmpty()) {
            ledger.warn(h.line(), "not imported as a command step: the item runs other commands with it (line "
                    + r.code().get(0) + "), which set up how it runs or would have to wait for it; it stays a manual"
                    + " step (give the migration an item of its own to import it as a command step)");
            return null;
        }
        return h;
    }

    // -------------------------------------------------------------- forward: the migration becomes a step

    private List<StepDraft> forward(PhaseDraft p, StepDraft s) {
        if (NOT_EXECUTION.matcher(headings(p, s)).find() || UNDO_WORDS.matcher(headings(p, s)).find()
                || StatementMapping.isConditional(p.name + " " + s.title)) {
            return List.of(s);
        }
        List<StepDraft> out = new ArrayList<>(List.of(s));
        List<Unit> units = new ArrayList<>(s.units);
        s.units.clear();
        // Where the entries that stay go: the step itself, then after each command a step "(continued)".
        StepDraft current = s;
        // An entry of the step before that only changes folder ("Go to the app: `cd app`"): the command runs there.
        String folder = null;
        for (int k = 0; k < units.size(); k++) {
            Unit u = units.get(k);
            Hit h = forwardHit(u);
            if (h == null) {
                Matcher only = CODE_SPAN.matcher(u.text);
                String dir = u.blocks.isEmpty() && only.find() ? ActionLines.cdAlone(only.group(2)) : null;
                if (dir != null && !only.find()) folder = dir;
            } else if (h.action().cwd() == null && folder != null) {
                ActionLine a = h.action();
                h = new Hit(h.line(), new ActionLine(a.tool(), a.direction(), a.run(), folder, a.env(), a.doubt(),
                        null), h.block(), h.index());
            }
            if (h != null && isRepeat(h)) {
                ledger.warn(h.line(), "not imported as a command step: '" + h.action().run() + "' is already a command"
                        + " step of this runbook (a second attempt, or the same step written twice); it stays a manual"
                        + " step so the migration is never run twice by the runbook");
                h = null;
            }
            if (h == null) {
                if (current == null) {
                    current = new StepDraft(s.title + " (continued)", u.line);
                    out.add(current);
                }
                current.units.add(u);
                continue;
            }
            // The entry runs nothing but the migration (single() keeps any other code manual): it all leaves.
            List<Integer> lines = new ArrayList<>(new TreeSet<>(u.lines));
            current = null;
            if (k == 0) {
                // Nothing comes before it: the step itself (its heading, its text) becomes the command step.
                command(s, h, lines);
                continue;
            }
            StepDraft cmd = new StepDraft(commandTitle(u, h), u.line);
            command(cmd, h, lines);
            out.add(cmd);
        }
        if (out.size() > 1 && !s.roles.isEmpty()) {
            // Signatures come after everything the step did, the command included.
            StepDraft last = out.get(out.size() - 1);
            if (last.command != null) {
                last = new StepDraft(s.title + " (continued)", s.signLines.get(0));
                out.add(last);
            }
            if (last != s) {
                last.roles.addAll(s.roles);
                last.signLines.addAll(s.signLines);
                s.roles.clear();
                s.signLines.clear();
            }
        }
        return out;
    }

    private boolean isRepeat(Hit h) {
        ActionLine a = h.action();
        return forwards.stream().anyMatch(f -> f.step() != null && a.run().equals(f.step().command.get("run"))
                && Objects.equals(a.cwd(), f.step().command.get("cwd")));
    }

    private Hit forwardHit(Unit u) {
        if (u.tableSql != null || u.requireNote) return null;
        Reading r = read(u);
        if (r.hits().isEmpty()) return null;
        Hit h = forwardHit(u, r);
        // A forward line not imported still counts when a rollback looks for the one forward it undoes.
        for (Hit o : r.hits()) {
            if (o != h && o.action().goes(true)) {
                ActionLine a = o.action();
                forwards.add(new Forward(null, a.tool(), a.tool().equals("psql") && !a.isRefused() ? psqlFile(a.run())
                        : null));
            }
        }
        return h;
    }

    private Hit forwardHit(Unit u, Reading r) {
        String words = prose(u);
        if (NOT_FOR_RUNNING.matcher(words).find() || TRIGGER.matcher(proseOnly(words)).find()
                || ELSEWHERE.matcher(words).find() || UNDO_WORDS.matcher(proseOnly(words)).find()) {
            return null;
        }
        Hit h = single(u, r, true);
        if (h == null) return null;
        if (h.action().tool().equals("psql") && UNDO_FILE.matcher(psqlFile(h.action().run())).find()) return null;
        return h;
    }

    private static final Pattern UNDO_PART = Pattern.compile("(?i)(?:^|[_.-])(?:down|up|rollback|revert|undo)(?=$|[_.-])");

    /** A SQL file's name without its folder, extension and undo/up/down words: what a forward and its undo share. */
    private static String baseName(String file) {
        String n = file.substring(file.lastIndexOf('/') + 1).replaceFirst("\\.[A-Za-z]+$", "");
        return UNDO_PART.matcher(n).replaceAll("").toLowerCase(Locale.ROOT);
    }

    private static String psqlFile(String run) {
        return run.substring(run.lastIndexOf(" -f ") + 4);
    }

    private String commandTitle(Unit u, Hit h) {
        String words = clean(proseOnly(u.text));
        if (words.replaceAll("[^\\p{L}]", "").length() >= 3) {
            return truncate(clean(u.text).replaceAll("[\\s:—–-]+$", ""), 100);
        }
        return "Run " + truncate(h.action().run(), 100);
    }

    /** Makes {@code cmd} the command step of the hit, described by the entry's lines and a note for the reviewer. */
    private void command(StepDraft cmd, Hit h, List<Integer> lines) {
        ActionLine a = h.action();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("run", a.run());
        if (a.cwd() != null) c.put("cwd", a.cwd());
        if (!a.env().isEmpty()) c.put("env", new LinkedHashMap<>(a.env()));
        cmd.command = c;
        cmd.descriptionLines.addAll(lines);
        String line = truncate(doc.raw(h.line()).strip(), 160);
        cmd.extraDescription.add("Imported from line " + h.line() + ": " + line + " — check the command, its folder"
                + " and its expected output before approving it.");
        if (a.doubt() != null) cmd.extraDescription.add("Check before running: " + a.doubt() + ".");
        ledger.warn(h.line(), "imported as a command step that runs '" + a.run() + "'"
                + (a.cwd() == null ? "" : " in " + a.cwd()) + " after approval — check the command, its folder and"
                + " its expected output" + (a.doubt() == null ? "" : " (" + a.doubt() + ")"));
        ledger.items++;
        ledger.automated++;
        forwards.add(new Forward(cmd, a.tool(), a.tool().equals("psql") ? psqlFile(a.run()) : null));
    }

    // -------------------------------------------------------------- undo: the rollback of a command step

    private void undo(PhaseDraft p, StepDraft s) {
        boolean section = UNDO_WORDS.matcher(headings(p, s)).find()
                || StatementMapping.isConditional(p.name + " " + s.title);
        for (Unit u : new ArrayList<>(s.units)) {
            if (u.tableSql != null || u.requireNote) continue;
            String words = prose(u);
            if (!section && !UNDO_WORDS.matcher(proseOnly(words)).find()) continue;
            if (NOT_FOR_RUNNING.matcher(words).find()) continue;
            Reading r = read(u);
            if (r.hits().isEmpty()) continue;
            Hit h = single(u, r, false);
            if (h == null) continue;
            ActionLine a = h.action();
            // psql running a file, or Django migrating to a named migration, undoes only when the section, the item
            // or the file's name says so: a troubleshooting section's "psql -f kill_locks.sql" is no rollback.
            if (a.direction() == ActionLine.Direction.EITHER && !UNDO_WORDS.matcher(headings(p, s)).find()
                    && !UNDO_WORDS.matcher(proseOnly(words)).find()
                    && !(a.tool().equals("psql") && UNDO_FILE.matcher(psqlFile(a.run())).find())) {
                continue;
            }
            List<Forward> same = forwards.stream().filter(f -> f.tool().equals(a.tool())).toList();
            if (a.tool().equals("psql")) {
                // 001_archive_down.sql undoes 001_archive.sql: the name says which forward it is, when one says so.
                String undoes = baseName(psqlFile(a.run()));
                List<Forward> named = same.stream().filter(f -> f.file() != null && baseName(f.file()).equals(undoes))
                        .toList();
                if (!named.isEmpty()) same = named;
            }
            // An undo that could belong to two forward lines (imported or not), or to none, stays the operator's.
            if (same.size() != 1 || same.get(0).step() == null
                    || same.get(0).step().command.containsKey("rollback")) {
                continue;
            }
            Forward f = same.get(0);
            if (f.file() != null && f.file().equals(psqlFile(a.run()))) continue;
            Map<String, Object> rollback = new LinkedHashMap<>();
            rollback.put("run", a.run());
            if (a.cwd() != null && !a.cwd().equals(f.step().command.get("cwd"))) rollback.put("cwd", a.cwd());
            f.step().command.put("rollback", rollback);
            s.units.remove(u);
            f.step().descriptionLines.addAll(new TreeSet<>(u.lines));
            f.step().extraDescription.add("Its rollback was imported from line " + h.line() + " (section '"
                    + s.title + "'): " + truncate(doc.raw(h.line()).strip(), 160) + " — it runs only when the window"
                    + " is rolled back, approved like the command.");
            ledger.warn(h.line(), "imported as the rollback of the command step '" + truncate(f.step().title, 80)
                    + "': '" + a.run() + "' — it runs only when the window is rolled back, after approval");
        }
    }
}
