package dev.runbookpilot.importer.intent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A migration tool's status command with a stated or obvious result — "`alembic current` shows `(head)`",
 * "`flyway info`: no pending migrations", "`prisma migrate status` says the schema is up to date" — becomes a
 * {@code statusCommand} check that runs the checklist's own command line and judges its output.
 *
 * <p>The expected result is the checklist's when it states one (a quoted or backticked text the output must show, or
 * must not show after "no"/"not"); otherwise the tool's documented answer for "every migration is applied", when the
 * item says so in words ("up to date", "at head", "no pending") or stands in a verification section after the
 * migration (then unsure: the checklist did not say it). A status that is expected to show pending migrations (a
 * pre-flight look), one recorded to compare later, one after a rollback, or one in the same item as a command that
 * migrates is left to the operator: "up to date" would be the wrong expectation there.
 *
 * <p>Where the tool connects is the tool's business: Alembic, Ecto and Prisma read their database from their own
 * configuration, which may name another database than the target. Their checks are always unsure and say so; sqlx
 * reads {@code DATABASE_URL}, and Flyway is given {@code FLYWAY_URL}/{@code FLYWAY_USER} built from the target's
 * variables (an environment variable overrides Flyway's configuration files).
 */
public final class MigrationStatusRecogniser implements Recogniser {

    /** A status command a tool documents, and what its output looks like when every migration is applied. */
    private record Tool(Pattern command, List<String> upToDate, List<String> notUpToDate, Map<String, Object> env,
                        String ownConfiguration, String outsideItsProject) {}

    /**
     * Flyway and sqlx read their migrations from the folder they run in: outside the project they find none, list
     * nothing pending and exit 0, a PASS without having looked.
     */
    private static final String OUTSIDE_PROJECT = "it runs in the runbook's folder, where the tool may find no"
            + " migrations of its own and so none pending: set cwd: to the project's folder";

    /**
     * A line of {@code alembic current} naming a revision without "(head)" after it: with several heads (branches)
     * the tool prints one line per branch, and "(head)" on one line says nothing of the others. Alembic prints the
     * revision, then each annotation in parentheses ("(mergepoint)", "(branchpoint)", branch labels), with
     * {@code --verbose} after "Rev: "; its log lines ("INFO  [alembic...] ...") have words outside parentheses.
     */
    static final String ALEMBIC_NOT_AT_HEAD = "^(?:Rev: )?[^\\s()]+(?: \\((?!head\\))[^()]*\\))*$";

    /**
     * What "at head" cannot see from {@code alembic current} alone: a branch none of whose revisions is applied
     * prints no line at all.
     */
    private static final String ALEMBIC_UNSTARTED_BRANCH = "a branch none of whose revisions is applied prints no"
            + " line in alembic current (alembic current --check-heads, from Alembic 1.17.1, compares with every"
            + " head)";

    private static final String FLAGS = "(?:\\s+-{1,2}[\\w.-]+(?:[= ](?!current\\b|check\\b|info\\b)[^\\s-]\\S*)?)*";

    private static final Tool ALEMBIC_CURRENT = new Tool(Pattern.compile("\\balembic" + FLAGS + "\\s+current\\b"),
            List.of("\\(head\\)"), List.of(), Map.of(), "Alembic connects where alembic.ini or env.py says; make sure"
            + " that is the target (for example sqlalchemy.url from DATABASE_URL)", null);

    private static final List<Tool> TOOLS = List.of(
            ALEMBIC_CURRENT,
            // alembic check exits non-zero when the models hold changes no migration has made yet.
            new Tool(Pattern.compile("\\balembic" + FLAGS + "\\s+check\\b"), List.of(), List.of(), Map.of(),
                    "Alembic connects where alembic.ini or env.py says; make sure that is the target"
                    + " (for example sqlalchemy.url from DATABASE_URL)", null),
            // Every state but Success and Baseline is a migration not applied as the project has it: Ignored was
            // skipped, Missing and Future were applied but are not in the project's folder (the wrong folder, or
            // another branch), Outdated and Undone no longer hold.
            new Tool(Pattern.compile("\\bflyway" + FLAGS + "\\s+info\\b"), List.of(),
                    List.of("\\bPending\\b", "\\bFailed\\b", "\\bIgnored\\b", "\\bMissing\\b", "\\bFuture\\b",
                            "\\bOutdated\\b", "\\bUndone\\b"), flywayEnv(), null, OUTSIDE_PROJECT),
            new Tool(Pattern.compile("\\bsqlx\\s+migrate\\s+info\\b"), List.of(), List.of("(?i)\\bpending\\b"),
                    Map.of(), null, OUTSIDE_PROJECT),
            new Tool(Pattern.compile("\\bmix\\s+ecto\\.migrations\\b"), List.of(), List.of("^\\s*down\\s"),
                    Map.of(), "Ecto connects where the app's config (config/*.exs) says; make sure that is the target"
                    + " (for example url: System.get_env(\"DATABASE_URL\"))", null),
            new Tool(Pattern.compile("\\bprisma\\s+migrate\\s+status\\b"),
                    List.of("Database schema is up to date"), List.of(), Map.of(),
                    "Prisma connects with the variable schema.prisma's datasource names; make sure it is DATABASE_URL",
                    null));

    /** Commands that change the database: an item that runs one is a migration, not a status to check. */
    private static final Pattern MIGRATES = Pattern.compile("(?i)\\balembic(?:\\s+-\\S+)*(?:\\s+[\\w./-]+\\.ini)?\\s+"
            + "(upgrade|downgrade|stamp)\\b|\\bflyway(?:\\s+-\\S+)*\\s+(migrate|clean|repair|baseline|undo)\\b"
            + "|\\bsqlx\\s+(migrate\\s+(run|revert)|database\\s+(reset|drop|setup))\\b"
            + "|\\bmix\\s+ecto\\.(migrate|rollback|reset|drop|setup)\\b"
            + "|\\bprisma\\s+(migrate\\s+(deploy|dev|reset|resolve)|db\\s+(push|execute))\\b");
    /** The checklist says in words that every migration is applied. */
    private static final Pattern UP_TO_DATE = Pattern.compile("(?i)\\bup[ -]to[ -]date\\b|\\bat\\s+(?:the\\s+)?"
            + "(?:latest\\s+)?head\\b|\\(head\\)|\\bshows?\\s+(?:the\\s+)?head\\b|\\b(?:no|nothing|none|zero|0)\\s+"
            + "(?:migrations?\\s+)?(?:pending|down|unapplied)\\b|\\ball\\s+(?:migrations\\s+)?(?:are\\s+)?"
            + "(?:applied|installed|up|success(?:ful)?)\\b|\\bin\\s+sync\\b|\\bno\\s+(?:new\\s+)?(?:upgrade\\s+)?"
            + "operations\\b|\\bno\\s+(?:schema\\s+)?(?:drift|changes\\s+detected)\\b|\\blatest\\s+(?:revision|"
            + "version|migration)\\b");
    /** ... or that some are not: a pre-flight look at what will run. */
    private static final Pattern PENDING = Pattern.compile("(?i)\\b(pending|not\\s+(?:yet\\s+)?applied|unapplied"
            + "|behind|down)\\b");
    /** A status noted to compare later, looked at before the change or after a rollback: "head" would be wrong. */
    private static final Pattern NOT_AFTER = Pattern.compile("(?i)\\b(roll(?:ed)?[\\s-]*back|downgrade|revert|undo"
            + "|previous|before|pre[\\s-]?(?:flight|migration|deploy|check)|baseline|record|note\\s+(?:down|the)"
            + "|save|capture|write\\s+down|emergency|troubleshoot|if\\b)");
    /** A section or item that verifies the result of the change. */
    private static final Pattern VERIFIES = Pattern.compile("(?i)\\b(verif\\w*|post\\b|post-|after\\b|validat\\w*"
            + "|confirm\\w*|smoke|checks?\\b|checked\\b)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern QUOTED = Pattern.compile("`([^`]+)`|\"([^\"]+)\"|“([^”]+)”");
    /** "no `Pending`", "should not show any `down`": a negation at most two words before the quoted text. */
    private static final Pattern NEGATION = Pattern.compile("(?i)(?:\\b(?:no|not|never|without|nothing|none)|n't)"
            + "\\s+(?:[\\w-]+\\s+){0,2}$");
    /** A row's state in a status listing: stated of one row, it needs the row, not a line. */
    private static final Pattern ROW_STATE = Pattern.compile("(?i)up|down|pending|installed|applied|success|failed"
            + "|not\\s+applied");
    private static final Pattern ROW_STATE_AFTER = Pattern.compile("(?i)^\\W*(?:[\\w-]+\\s+){0,3}?(?:as\\s+)?(up|down"
            + "|pending|installed|applied|success|failed)\\b");
    private static final Pattern ALL = Pattern.compile("(?i)\\ball\\s+(?:[\\w-]+\\s+){0,2}$");
    private static final Pattern COMMENT = Pattern.compile("\\s+#\\s*(.*)$");
    private static final Pattern CD = Pattern.compile("^cd\\s+([^\\s;&|]+)\\s*&&\\s*(.+)$");
    private static final Pattern SHELL_PLUMBING = Pattern.compile("[|;<>`]|\\$\\(|&&|\\|\\||\\{\\{");

    private static Map<String, Object> flywayEnv() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("FLYWAY_URL", "jdbc:postgresql://${PGHOST}:${PGPORT}/${PGDATABASE}");
        env.put("FLYWAY_USER", "${PGUSER}");
        return env;
    }

    /** One status command found in the item: the tool, the line to run, the folder it runs in. */
    private record Found(Tool tool, String run, String cwd) {}

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        List<String> candidates = new ArrayList<>();
        Matcher span = CODE_SPAN.matcher(item.prose());
        while (span.find()) candidates.add(span.group(2).strip());
        // Comments in the item's code ("alembic current  # should be at head") say what the checklist expects.
        StringBuilder prose = new StringBuilder(item.prose());
        for (String line : item.codeLines()) {
            if (line.startsWith("#")) {
                prose.append('\n').append(line.substring(1).strip());
                continue;
            }
            Matcher comment = COMMENT.matcher(line);
            if (comment.find()) {
                prose.append('\n').append(comment.group(1));
                line = line.substring(0, comment.start());
            }
            if (!line.isBlank()) candidates.add(line.replaceFirst("^\\$\\s+", "").strip());
        }
        // Commands as written, without the comments that may say "no new upgrade operations".
        String commands = item.prose() + "\n" + String.join("\n", candidates);
        if (MIGRATES.matcher(commands).find()) return Optional.empty();
        List<Found> found = new ArrayList<>();
        for (String candidate : candidates) {
            for (Tool tool : TOOLS) {
                if (!tool.command().matcher(candidate).find()) continue;
                Found f = found(tool, candidate);
                if (f == null) return Optional.empty();
                if (found.stream().noneMatch(x -> x.run().equals(f.run()))) found.add(f);
            }
        }
        if (found.isEmpty()) return Optional.empty();
        String said = prose.toString();
        List<String> expected = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        Boolean allSaid = stated(said, expected, rejected);
        if (allSaid == null) return Optional.empty();
        boolean stated = !expected.isEmpty() || !rejected.isEmpty();
        // One stated result for two commands: which one it is about is a guess.
        if (stated && found.size() > 1) return Optional.empty();
        List<String> doubts = new ArrayList<>();
        if (!stated) {
            String words = Names.proseOnly(said);
            boolean saysUpToDate = allSaid || UP_TO_DATE.matcher(words).find();
            if (PENDING.matcher(UP_TO_DATE.matcher(words).replaceAll(" ")).find()) return Optional.empty();
            if (!saysUpToDate) {
                String around = String.join("\n", item.headings()) + "\n" + words;
                if (NOT_AFTER.matcher(around).find() || !VERIFIES.matcher(around).find()) return Optional.empty();
                doubts.add("the checklist states no result; this expects the tool's own answer for every migration"
                        + " applied");
            } else if (NOT_AFTER.matcher(words).find()) {
                return Optional.empty();
            }
        }
        List<Intent.Check> checks = new ArrayList<>();
        for (Found f : found) {
            if (f.tool().ownConfiguration() != null && !doubts.contains(f.tool().ownConfiguration())) {
                doubts.add(f.tool().ownConfiguration());
            }
            Map<String, Object> options = Intent.options("name", Names.checkName(item), "run", f.run());
            if (f.cwd() != null) options.put("cwd", f.cwd());
            if (!f.tool().env().isEmpty()) options.put("env", new LinkedHashMap<>(f.tool().env()));
            if (f.tool().outsideItsProject() != null && f.cwd() == null
                    && !doubts.contains(f.tool().outsideItsProject())) {
                doubts.add(f.tool().outsideItsProject());
            }
            List<String> expect = stated && !expected.isEmpty() ? expected : f.tool().upToDate();
            // The tool's own "not applied" reading always stands: a stated version or "no `ERROR`" is also printed
            // by a tool that lists every migration, applied or pending, so alone it would pass with one pending.
            List<String> reject = new ArrayList<>(f.tool().notUpToDate());
            for (String r : rejected) if (!reject.contains(r)) reject.add(r);
            // "At head" is every branch at its head, not one line saying "(head)" among lines of branches behind.
            if (f.tool() == ALEMBIC_CURRENT && expect.stream().anyMatch(p -> p.contains("\\(head\\)"))) {
                reject.add(ALEMBIC_NOT_AT_HEAD);
                if (!doubts.contains(ALEMBIC_UNSTARTED_BRANCH)) doubts.add(ALEMBIC_UNSTARTED_BRANCH);
            }
            if (!expect.isEmpty()) options.put("expectOutput", List.copyOf(expect));
            if (!reject.isEmpty()) options.put("rejectOutput", List.copyOf(reject));
            checks.add(new Intent.Check(item.line(), "statusCommand", options));
        }
        return Optional.of(doubts.isEmpty() ? Intent.sure(this, checks)
                : Intent.unsure(this, String.join("; ", doubts), checks));
    }

    /** The line to run, without a leading {@code cd DIR &&} (which becomes the folder); null for shell plumbing. */
    private static Found found(Tool tool, String candidate) {
        String run = candidate;
        String cwd = null;
        Matcher cd = CD.matcher(run);
        if (cd.matches()) {
            cwd = cd.group(1);
            run = cd.group(2).strip();
        }
        // A pipe, a redirection or a second command is the checklist's own plumbing around the status: its result
        // is no longer the tool's answer. Placeholders (<env>) are a command nobody can run as written.
        if (SHELL_PLUMBING.matcher(run).find()) return null;
        // A URL on the command line sends the tool to a database this runbook does not know.
        if (run.matches("(?i).*(-url[= ]|--database-url|postgres(?:ql)?://).*")) return null;
        return new Found(tool, run, cwd);
    }

    /** A stated text as a regular expression: literal, and a whole word where it starts or ends with one. */
    static String word(String text) {
        String re = literal(text);
        if (Character.isLetterOrDigit(text.charAt(0))) re = "\\b" + re;
        if (Character.isLetterOrDigit(text.charAt(text.length() - 1))) re = re + "\\b";
        return re;
    }

    /** The text as a regular expression that matches it literally, readable in the runbook. */
    static String literal(String text) {
        return text.replaceAll("([\\\\.\\[\\]{}()*+?^$|])", "\\\\$1");
    }

    /**
     * The results the checklist states in quotes or backticks ("shows `(head)`", "no `Pending`"): each must appear in
     * the output, or, after a negation, must not. Commands and placeholders quoted in the item are not results.
     *
     * @return whether the checklist said "all `up`" (every row in the up-to-date state); null when it states the state
     *         of one row ("`2026…` as down", "are `down`"), which no pattern over lines can hold the tool to
     */
    private static Boolean stated(String prose, List<String> expected, List<String> rejected) {
        boolean[] said = {false, false};
        for (String line : prose.split("\n")) {
            Matcher q = QUOTED.matcher(line);
            while (q.find()) {
                String text = (q.group(1) != null ? q.group(1) : q.group(2) != null ? q.group(2) : q.group(3))
                        .strip();
                if (text.length() < 2 || text.matches(".*[<>{}].*")) continue;
                boolean isCommand = TOOLS.stream().anyMatch(t -> t.command().matcher(text).find())
                        || MIGRATES.matcher(text).find() || text.matches("(?i)(alembic|flyway|sqlx|mix|prisma|npx)\\b.*");
                if (isCommand) continue;
                String before = line.substring(0, q.start());
                // "all `up`" says every row is up: the tool's own up-to-date reading, not one line showing "up".
                if (ALL.matcher(before).find()) {
                    said[0] = true;
                    continue;
                }
                boolean negated = NEGATION.matcher(before).find();
                // "`2026…` as down", "both are `down`": which row has that state is the point, and a line showing
                // the text (every row shows its version; some row is down) would pass without proving it.
                String after = line.substring(q.end());
                if (!negated && (ROW_STATE.matcher(text).matches() || ROW_STATE_AFTER.matcher(after).find())) {
                    said[1] = true;
                    continue;
                }
                (negated ? rejected : expected).add(word(text));
            }
        }
        return said[1] ? null : said[0];
    }
}
