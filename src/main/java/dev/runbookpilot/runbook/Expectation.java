package dev.runbookpilot.runbook;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a query's result must be. Grammar (case-insensitive keywords):
 * <pre>
 *   = N | != N | &gt;= N | &lt;= N | &gt; N | &lt; N      scalar compared as a number
 *   between A and B                               inclusive numeric range
 *   'text'  or  "text"                            scalar equals the text exactly
 *   empty | not empty                             the result has no rows / some rows
 *   rows = N  (any comparison operator)           number of rows returned
 * </pre>
 * A scalar is the first column of the single row a query returns; more or fewer rows is a failure, never a guess.
 */
public sealed interface Expectation {

    String describe();

    enum Op {
        EQ("="), NE("!="), GE(">="), LE("<="), GT(">"), LT("<");

        final String symbol;

        Op(String symbol) { this.symbol = symbol; }

        public String symbol() { return symbol; }

        boolean test(int cmp) {
            return switch (this) {
                case EQ -> cmp == 0;
                case NE -> cmp != 0;
                case GE -> cmp >= 0;
                case LE -> cmp <= 0;
                case GT -> cmp > 0;
                case LT -> cmp < 0;
            };
        }

        static Op of(String symbol) {
            for (Op op : values()) if (op.symbol.equals(symbol)) return op;
            if (symbol.equals("==")) return EQ;
            if (symbol.equals("<>")) return NE;
            throw new IllegalArgumentException(symbol);
        }
    }

    /** The scalar compared numerically. */
    record Compare(Op op, BigDecimal value) implements Expectation {
        public String describe() { return op.symbol + " " + value.toPlainString(); }

        public boolean test(BigDecimal actual) { return op.test(actual.compareTo(value)); }
    }

    record Between(BigDecimal low, BigDecimal high) implements Expectation {
        public String describe() { return "between " + low.toPlainString() + " and " + high.toPlainString(); }

        public boolean test(BigDecimal actual) { return actual.compareTo(low) >= 0 && actual.compareTo(high) <= 0; }
    }

    /** The scalar equals this text exactly (SQL NULL never does). */
    record Text(String value) implements Expectation {
        public String describe() { return "'" + value + "'"; }
    }

    /** The result has no rows ({@code empty}) or at least one ({@code not empty}). */
    record Emptiness(boolean empty) implements Expectation {
        public String describe() { return empty ? "empty" : "not empty"; }
    }

    /** The number of rows returned. */
    record Rows(Op op, long count) implements Expectation {
        public String describe() { return "rows " + op.symbol + " " + count; }

        public boolean test(long actual) { return op.test(Long.compare(actual, count)); }
    }

    /** Thrown for text that is not an expectation; the message says what would be. */
    final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        public ParseException(String message) { super(message); }
    }

    String NUMBER = "([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?)";
    Pattern COMPARE = Pattern.compile("(=|==|!=|<>|>=|<=|>|<)\\s*" + NUMBER);
    Pattern BETWEEN = Pattern.compile("between\\s+" + NUMBER + "\\s+and\\s+" + NUMBER, Pattern.CASE_INSENSITIVE);
    Pattern ROWS = Pattern.compile("rows\\s*(=|==|!=|<>|>=|<=|>|<)\\s*(\\d+)", Pattern.CASE_INSENSITIVE);
    Pattern BARE_NUMBER = Pattern.compile(NUMBER);
    List<String> FORMS = List.of("= N", "!= N", ">= N", "<= N", "> N", "< N", "between A and B", "'text'",
            "empty", "not empty", "rows = N");

    static Expectation parse(String text) throws ParseException {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        if (s.isEmpty()) throw new ParseException("empty expectation; write one of " + String.join(", ", FORMS));
        String lower = s.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        if (lower.equals("empty")) return new Emptiness(true);
        if (lower.equals("not empty")) return new Emptiness(false);
        if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"') && s.charAt(s.length() - 1) == s.charAt(0)) {
            return new Text(s.substring(1, s.length() - 1));
        }
        Matcher m = COMPARE.matcher(s);
        if (m.matches()) return new Compare(Op.of(m.group(1)), number(m.group(2), s));
        m = BETWEEN.matcher(s);
        if (m.matches()) {
            BigDecimal low = number(m.group(1), s);
            BigDecimal high = number(m.group(2), s);
            if (low.compareTo(high) > 0) {
                throw new ParseException("'" + s + "': the lower bound is above the upper bound; write between "
                        + high.toPlainString() + " and " + low.toPlainString());
            }
            return new Between(low, high);
        }
        m = ROWS.matcher(s);
        if (m.matches()) {
            try {
                return new Rows(Op.of(m.group(1)), Long.parseLong(m.group(2)));
            } catch (NumberFormatException e) {
                throw new ParseException("'" + s + "': " + m.group(2) + " rows is more than a query can return");
            }
        }
        m = BARE_NUMBER.matcher(s);
        if (m.matches()) return new Compare(Op.EQ, number(m.group(1), s));
        String hint = lower.startsWith("rows") ? "write rows followed by a comparison and a whole number, e.g. rows = 3"
                : lower.startsWith("between") ? "write between and two numbers, e.g. between 1 and 9"
                : Character.isLetter(s.charAt(0)) ? "quote text values, e.g. '" + s + "'"
                : "write one of " + String.join(", ", FORMS);
        throw new ParseException("'" + s + "' is not an expectation; " + hint);
    }

    /** A number the grammar matched can still be beyond BigDecimal's exponent range (1e99999999999). */
    private static BigDecimal number(String digits, String expectation) throws ParseException {
        try {
            return new BigDecimal(digits);
        } catch (NumberFormatException e) {
            throw new ParseException("'" + expectation + "': " + digits + " is out of range; write a smaller exponent");
        }
    }
}
