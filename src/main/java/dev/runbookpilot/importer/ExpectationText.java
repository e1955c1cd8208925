package dev.runbookpilot.importer;

import dev.runbookpilot.runbook.Expectation;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the expected result a checklist writes next to a query ({@code -- Expected: 0},
 * {@code -- Should return: 3.7.0}, {@code (should be >= 4)}) and turns it into the runbook expectation grammar.
 * Anything it cannot read without guessing stays unparsed, so the item becomes a manual confirmation.
 */
public final class ExpectationText {

    private ExpectationText() {}

    /** The phrase after an expectation marker, or null when the text states no expected result. */
    private static final Pattern MARKER = Pattern.compile(
            "(?i)(?:(?:\\bexpected(?:\\s+(?:results?|outputs?|values?|counts?))?|\\bshould\\s+(?:return|be|equal|show)"
                    + "|\\bmust\\s+(?:return|be|equal)|\\bexpect)\\b\\s*[:=]?"
                    + "|\\bresults?\\s*[:=]"
                    // "returns 5", "→ 7.2": only before something that reads as a value, since both also occur
                    // in prose ("the function returns the rows", "Renamed a → b").
                    + "|\\breturns?\\b(?=\\s*(?:[<>=≥≤≠]|[-+]?\\d|'|no\\b|zero\\b|empty\\b|nothing\\b))"
                    + "|(?<=^|[\\s`)])[→⇒](?=\\s*(?:[<>=≥≤≠]|[-+]?\\d|'|\"|no\\b|zero\\b|empty\\b)))\\s*(.*)");

    public static String phrase(String text) {
        if (text == null) return null;
        String t = text.replace("**", "").replace("__", "");
        Matcher m = MARKER.matcher(t);
        if (!m.find()) return null;
        String p = m.group(1);
        // "Revision moved on (should return 1.2): `psql ...`": a marker inside parentheses ends at their close.
        String head = t.substring(0, m.start());
        if (head.chars().filter(c -> c == '(').count() > head.chars().filter(c -> c == ')').count()
                && p.indexOf(')') >= 0) {
            p = p.substring(0, p.indexOf(')'));
        }
        p = p.strip().replaceAll("[:.;,]+$", "").strip();
        if (p.endsWith(")") && !p.contains("(")) p = p.substring(0, p.length() - 1).strip();
        return p.isEmpty() ? null : p;
    }

    private static final String NUM = "([-+]?\\d+(?:\\.\\d+)?)";
    private static final Pattern OP = Pattern.compile("(>=|<=|!=|<>|==|=|>|<|≥|≤|≠)\\s*" + NUM);
    private static final Pattern WORD_OP = Pattern.compile(
            "(at least|no less than|at most|no more than|more than|greater than|over|less than|fewer than|under"
                    + "|exactly)\\s+" + NUM, Pattern.CASE_INSENSITIVE);
    private static final Pattern OR_MORE = Pattern.compile(NUM + "\\s+or\\s+(more|greater|higher|above|less|fewer|lower|below)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern BETWEEN = Pattern.compile("between\\s+" + NUM + "\\s+and\\s+" + NUM,
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ROWS = Pattern.compile(NUM + "\\s+rows?", Pattern.CASE_INSENSITIVE);
    private static final Pattern BARE = Pattern.compile(NUM);
    private static final Pattern QUOTED = Pattern.compile("(['\"`])([^'\"`]*)\\1");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]*");

    /**
     * The expectation grammar for a phrase ({@code "= 0"}, {@code "'3.7.0'"}, {@code "empty"}), or empty when the
     * phrase says more than a single value or comparison.
     */
    public static Optional<String> grammar(String phrase) {
        if (phrase == null) return Optional.empty();
        String p = phrase.strip();
        while (p.endsWith(".") || p.endsWith(";") || p.endsWith(",")) p = p.substring(0, p.length() - 1).strip();
        if (p.startsWith(":")) p = p.substring(1).strip();
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.matches("(?:no rows|0 rows|zero rows|empty|nothing|none|no results|no output)")) {
            return Optional.of("empty");
        }
        if (lower.matches("(?:zero|0)")) return Optional.of("= 0");
        Matcher why = EXPLAINED.matcher(p);
        if (why.matches() && !HEDGE.matcher(why.group(2)).find()) return grammar(why.group(1));
        Matcher m = OP.matcher(p);
        if (m.matches()) return checked(normalOp(m.group(1)) + " " + m.group(2));
        m = WORD_OP.matcher(p);
        if (m.matches()) {
            String op = switch (m.group(1).toLowerCase(Locale.ROOT)) {
                case "at least", "no less than" -> ">=";
                case "at most", "no more than" -> "<=";
                case "more than", "greater than", "over" -> ">";
                case "less than", "fewer than", "under" -> "<";
                default -> "=";
            };
            return checked(op + " " + m.group(2));
        }
        m = OR_MORE.matcher(p);
        if (m.matches()) {
            boolean atLeast = m.group(2).toLowerCase(Locale.ROOT).matches("more|greater|higher|above");
            return checked((atLeast ? ">= " : "<= ") + m.group(1));
        }
        m = BETWEEN.matcher(p);
        if (m.matches()) return checked("between " + m.group(1) + " and " + m.group(2));
        m = ROWS.matcher(p);
        if (m.matches()) return checked("rows = " + m.group(1));
        m = BARE.matcher(p);
        if (m.matches()) return checked("= " + m.group(1));
        m = QUOTED.matcher(p);
        if (m.matches() && !m.group(2).isBlank()) return checked("'" + m.group(2) + "'");
        // A single token such as 3.7.0 or PASS is a text value; anything with spaces is prose.
        if (TOKEN.matcher(p).matches() && !p.matches("(?i)true|false|yes|no|ok|success|fail|failure|error|null")) {
            return checked("'" + p + "'");
        }
        return Optional.empty();
    }

    /**
     * A value followed by why it is expected: {@code 0 (all tables dropped)}, {@code 3 (all columns present)}. The
     * parenthesis explains, it does not widen the value, unless it hedges ({@code 3.6.0 (or previous version)},
     * {@code 5 (approximately)}, {@code 0 (unless ...)}) or holds another number: then the phrase is not one value
     * and stays manual. A digit inside a name ({@code 1 (constraint created by V60)}) is no number.
     */
    private static final Pattern EXPLAINED = Pattern.compile("(.*?\\S)\\s*\\(([^()]*)\\)");
    private static final Pattern HEDGE = Pattern.compile(
            "(?i)\\b(or|and|approx\\w*|about|around|roughly|circa|ca|nearly|almost|close|depend\\w*|if|unless|may|might"
                    + "|could|varies|vary|differs?|previous|prior|before|after|at\\s+least|at\\s+most|more|less|fewer"
                    + "|depending|e\\.g|i\\.e|plus|minus|per|each)\\b|\\b\\d|[~±<>=≥≤≠+]");

    private static String normalOp(String op) {
        return switch (op) {
            case "≥" -> ">=";
            case "≤" -> "<=";
            case "≠", "<>" -> "!=";
            case "==" -> "=";
            default -> op;
        };
    }

    /** Only grammar the runbook loader accepts leaves this class. */
    private static Optional<String> checked(String grammar) {
        try {
            Expectation.parse(grammar);
            return Optional.of(grammar);
        } catch (Expectation.ParseException e) {
            return Optional.empty();
        }
    }

    private static final Pattern FAILS = Pattern.compile(
            "(?i)\\b(?:should|must|will|expect(?:ed)?\\s+to)\\s+(?:fail|error|be\\s+rejected|raise|violate)"
                    + "|\\bexpect(?:s|ed)?\\s+(?:an?\\s+)?(?:error|failure|exception)"
                    + "|\\bshould\\s+not\\s+(?:succeed|be\\s+allowed|work)");
    private static final Pattern SUCCEEDS = Pattern.compile(
            "(?i)\\b(?:should|must|will)\\s+(?:succeed|work|pass|be\\s+accepted|be\\s+allowed)\\b|\\bexpected:?\\s+success");

    static boolean saysFails(String text) {
        return text != null && FAILS.matcher(text).find();
    }

    static boolean saysSucceeds(String text) {
        return text != null && SUCCEEDS.matcher(text).find() && !saysFails(text);
    }

    private static final Pattern ERROR_TEXT = Pattern.compile("(?i)expected\\s+(?:error|failure|exception)\\s*:\\s*(.+)");

    /** The error message text after "Expected error:", without surrounding quotes. */
    static String errorText(String text) {
        if (text == null) return null;
        Matcher m = ERROR_TEXT.matcher(text);
        if (!m.find()) return null;
        String e = m.group(1).strip().replaceAll("^[\"'`]|[\"'`]$", "").strip();
        return e.isEmpty() ? null : e;
    }

    private static final Pattern EXPLICIT_STATE = Pattern.compile(
            "(?i)\\b(?:sqlstate|code|error|errors|fails?|failure|raises?|rejected|with)\\b\\W{0,3}([0-9][0-9A-Z]{4})\\b");
    private static final Pattern BARE_STATE = Pattern.compile("\\s*[\"'`(]?([0-9][0-9A-Z]{4})[\"'`)]?\\s*");
    /** PostgreSQL's condition names (Appendix A) for the errors checklists probe for. */
    private static final Map<String, String> CONDITIONS = Map.ofEntries(
            Map.entry("unique_violation", "23505"), Map.entry("foreign_key_violation", "23503"),
            Map.entry("check_violation", "23514"), Map.entry("not_null_violation", "23502"),
            Map.entry("exclusion_violation", "23P01"), Map.entry("restrict_violation", "23001"),
            Map.entry("insufficient_privilege", "42501"), Map.entry("undefined_table", "42P01"),
            Map.entry("undefined_column", "42703"), Map.entry("undefined_function", "42883"),
            Map.entry("duplicate_table", "42P07"), Map.entry("duplicate_object", "42710"),
            Map.entry("read_only_sql_transaction", "25006"), Map.entry("division_by_zero", "22012"),
            Map.entry("string_data_right_truncation", "22001"), Map.entry("numeric_value_out_of_range", "22003"),
            Map.entry("invalid_text_representation", "22P02"), Map.entry("raise_exception", "P0001"),
            Map.entry("lock_not_available", "55P03"), Map.entry("syntax_error", "42601"));
    private static final Pattern CONDITION = Pattern.compile("(?i)\\b([a-z]+(?:_[a-z]+)+)\\b");

    /**
     * The SQLSTATE an error description names, when it names one unambiguously: a code after a word such as
     * "error" or "SQLSTATE" ({@code expect error 23503}), the whole description being a code, a condition name
     * ({@code unique_violation}), or the usual wording of a constraint error.
     */
    static String sqlstate(String text) {
        if (text == null) return null;
        Matcher explicit = EXPLICIT_STATE.matcher(text);
        if (explicit.find()) return explicit.group(1).toUpperCase(Locale.ROOT);
        Matcher bare = BARE_STATE.matcher(text);
        if (bare.matches()) return bare.group(1).toUpperCase(Locale.ROOT);
        Matcher condition = CONDITION.matcher(text);
        while (condition.find()) {
            String state = CONDITIONS.get(condition.group(1).toLowerCase(Locale.ROOT));
            if (state != null) return state;
        }
        String t = text.toLowerCase(Locale.ROOT);
        if (t.contains("duplicate key") || t.contains("unique constraint") || t.contains("unique violation")) {
            return "23505";
        }
        if (t.contains("not null") || t.contains("not-null") || t.contains("null value")) return "23502";
        if (t.contains("foreign key")) return "23503";
        if (t.contains("check constraint")) return "23514";
        if (t.contains("exclusion constraint")) return "23P01";
        if (t.contains("permission denied") || t.contains("insufficient privilege")) return "42501";
        return null;
    }
}
