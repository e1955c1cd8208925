package dev.runbookpilot.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Compares SQL as PostgreSQL prints it back (pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef, pg_get_expr) by
 * meaning where a pg_dump/restore round trip changes only the printing. Two texts are the same when their tokens are
 * the same after rewrites the server's own parser makes; layout between tokens never counts, anything inside a
 * literal or a quoted name always does.
 *
 * <p>The one rewrite: an IN list on a {@code varchar} column is stored as an array cast as a whole,
 * {@code (ARRAY['x'::character varying])::text[]}; printed and parsed again (pg_restore does exactly that), the cast
 * of an {@code ARRAY[...]} constructor is pushed into its elements, {@code ARRAY[('x'::character varying)::text]}.
 * The first form is rewritten into the second, as the parser does — so only texts the server itself would store
 * the same way compare equal. Where the rewrite is not certain to keep the meaning (a cast to a type with a length,
 * whose per-element form truncates where the whole-array form fails; an element that is an expression, whose
 * parentheses pretty-printing decides by precedence) the text is compared as written: a false "changed", never a
 * false "same".
 */
final class DeparsedSql {

    private DeparsedSql() {}

    /** True when the two printed definitions mean the same; null equals only null. */
    static boolean same(String a, String b) {
        if (Objects.equals(a, b)) return true;
        if (a == null || b == null) return false;
        List<String> x = canonical(a);
        List<String> y = canonical(b);
        return x != null && x.equals(y);
    }

    /** The tokens after the rewrite, or null when the text does not lex (then only the identical text is same). */
    static List<String> canonical(String text) {
        List<String> tokens = lex(text);
        return tokens == null ? null : rewrite(tokens);
    }

    private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

    /** PostgreSQL's tokens as far as printed SQL uses them; null for anything unterminated or unknown. */
    static List<String> lex(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                int end = quoted(s, i, '\'', false);
                if (end < 0) return null;
                out.add(s.substring(i, end));
                i = end;
            } else if (c == '"') {
                int end = quoted(s, i, '"', false);
                if (end < 0) return null;
                out.add(s.substring(i, end));
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '$')) {
                    j++;
                }
                if (j < n && s.charAt(j) == '\'') {
                    // A prefixed literal: E'...' (backslash escapes), B'...', X'...', U&'...' is not printed.
                    int end = quoted(s, j, '\'', s.substring(i, j).equalsIgnoreCase("e"));
                    if (end < 0) return null;
                    out.add(s.substring(i, end));
                    i = end;
                } else {
                    out.add(s.substring(i, j));
                    i = j;
                }
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
                int j = i;
                while (j < n && Character.isDigit(s.charAt(j))) j++;
                if (j < n && s.charAt(j) == '.' && !(j + 1 < n && s.charAt(j + 1) == '.')) {
                    j++;
                    while (j < n && Character.isDigit(s.charAt(j))) j++;
                }
                if (j < n && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
                    int k = j + 1;
                    if (k < n && (s.charAt(k) == '+' || s.charAt(k) == '-')) k++;
                    if (k < n && Character.isDigit(s.charAt(k))) {
                        j = k;
                        while (j < n && Character.isDigit(s.charAt(j))) j++;
                    }
                }
                out.add(s.substring(i, j));
                i = j;
            } else if (c == ':' && i + 1 < n && s.charAt(i + 1) == ':') {
                out.add("::");
                i += 2;
            } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
                int j = i;
                while (j < n && OPERATOR_CHARS.indexOf(s.charAt(j)) >= 0) j++;
                out.add(s.substring(i, j));
                i = j;
            } else if ("()[],;.:".indexOf(c) >= 0) {
                out.add(String.valueOf(c));
                i++;
            } else {
                // Dollar quotes, parameters and anything else printed definitions do not hold.
                return null;
            }
        }
        return out;
    }

    /** The end (exclusive) of a quoted token starting at {@code start}, or -1 when unterminated. */
    private static int quoted(String s, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) i += 2;
                else return i + 1;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** {@code (ARRAY[e, ...])::T[]} and, pretty-printed, {@code ARRAY[e, ...]::T[]}, as the parser stores them. */
    private static List<String> rewrite(List<String> t) {
        List<String> out = new ArrayList<>(t.size());
        int i = 0;
        while (i < t.size()) {
            // A parenthesis right after a name opens a call's arguments, not the group a cast prints.
            boolean parenthesised = t.get(i).equals("(") && (i == 0 || groupMayFollow(t.get(i - 1)));
            int array = parenthesised ? i + 1 : i;
            int open = array + 1;
            if (array < t.size() && t.get(array).equalsIgnoreCase("ARRAY") && open < t.size()
                    && t.get(open).equals("[")) {
                int close = matching(t, open);
                int cast = parenthesised ? close + 2 : close + 1;
                if (close > 0 && (!parenthesised || (close + 1 < t.size() && t.get(close + 1).equals(")")))
                        && cast < t.size() && t.get(cast).equals("::")) {
                    int typeEnd = typeName(t, cast + 1, false);
                    List<List<String>> elements = split(t.subList(open + 1, close));
                    if (typeEnd > 0 && typeEnd + 1 < t.size() && t.get(typeEnd).equals("[")
                            && t.get(typeEnd + 1).equals("]") && (typeEnd + 2 >= t.size()
                            || !t.get(typeEnd + 2).equals("[")) && elements != null) {
                        List<String> type = t.subList(cast + 1, typeEnd);
                        List<String> rewritten = new ArrayList<>(List.of("ARRAY", "["));
                        for (int e = 0; e < elements.size(); e++) {
                            if (e > 0) rewritten.add(",");
                            List<String> element = rewrite(elements.get(e));
                            if (endsWithCast(element, type)) {
                                rewritten.addAll(element);
                            } else {
                                if (!parenthesised) {
                                    rewritten.addAll(element);
                                } else {
                                    rewritten.add("(");
                                    rewritten.addAll(element);
                                    rewritten.add(")");
                                }
                                rewritten.add("::");
                                rewritten.addAll(type);
                            }
                        }
                        rewritten.add("]");
                        out.addAll(rewritten);
                        i = typeEnd + 2;
                        continue;
                    }
                }
            }
            out.add(t.get(i));
            i++;
        }
        return out;
    }

    // Reserved words a group may follow in printed SQL; none of them can name a function.
    private static final Set<String> BEFORE_GROUP = Set.of("select", "where", "check", "on", "and", "or", "not",
            "any", "all", "some", "in", "then", "else", "when", "case", "return", "having", "by", "is", "between",
            "like", "ilike", "distinct", "values", "default");

    private static boolean groupMayFollow(String previous) {
        return previous.equals("(") || previous.equals("[") || previous.equals(",")
                || OPERATOR_CHARS.indexOf(previous.charAt(0)) >= 0
                || BEFORE_GROUP.contains(previous.toLowerCase(Locale.ROOT));
    }

    /** The index of the bracket closing the one at {@code open}, or -1. */
    private static int matching(List<String> t, int open) {
        int depth = 0;
        for (int i = open; i < t.size(); i++) {
            String s = t.get(i);
            if (s.equals("(") || s.equals("[")) depth++;
            else if (s.equals(")") || s.equals("]")) {
                depth--;
                if (depth == 0) return s.equals(t.get(open).equals("(") ? ")" : "]") ? i : -1;
            }
        }
        return -1;
    }

    /**
     * The elements of an array constructor when every one is simple (a literal, number, name, call or group with
     * casts and subscripts after it), so its cast prints without parentheses when pretty-printed; else null.
     */
    private static List<List<String>> split(List<String> t) {
        List<List<String>> out = new ArrayList<>();
        if (t.isEmpty()) return null;
        int start = 0;
        int depth = 0;
        for (int i = 0; i <= t.size(); i++) {
            String s = i < t.size() ? t.get(i) : ",";
            if (s.equals("(") || s.equals("[")) depth++;
            else if (s.equals(")") || s.equals("]")) depth--;
            else if (s.equals(",") && depth == 0) {
                List<String> element = t.subList(start, i);
                if (!simple(element)) return null;
                out.add(element);
                start = i + 1;
            }
        }
        return out;
    }

    private static boolean simple(List<String> e) {
        if (e.isEmpty()) return false;
        int i;
        String first = e.get(0);
        if (first.startsWith("'") || Character.isDigit(first.charAt(0)) || first.charAt(0) == '.'
                || (first.length() > 1 && first.charAt(1) == '\'')
                || Set.of("null", "true", "false").contains(first.toLowerCase(Locale.ROOT))) {
            i = 1;
        } else if (first.equals("(")) {
            i = matching(e, 0) + 1;
            if (i == 0) return false;
        } else if (first.equalsIgnoreCase("ARRAY") && e.size() > 1 && e.get(1).equals("[")) {
            return false;
        } else if (name(first)) {
            i = 1;
            while (i + 1 < e.size() && e.get(i).equals(".") && name(e.get(i + 1))) i += 2;
            if (i < e.size() && e.get(i).equals("(")) {
                i = matching(e, i) + 1;
                if (i == 0) return false;
            }
        } else {
            return false;
        }
        while (i < e.size()) {
            if (e.get(i).equals("::")) {
                i = typeName(e, i + 1, true);
                if (i < 0) return false;
            } else if (e.get(i).equals("[")) {
                i = matching(e, i) + 1;
                if (i == 0) return false;
            } else {
                return false;
            }
        }
        return true;
    }

    // Words that make an expression of what follows a name; a name never prints as one of them unquoted.
    private static final Set<String> NOT_NAMES = Set.of("and", "or", "not", "is", "in", "like", "ilike", "similar",
            "between", "collate", "at", "any", "all", "some", "case", "when", "then", "else", "end", "array",
            "distinct", "from", "overlaps", "escape", "isnull", "notnull", "null", "true", "false");

    private static boolean name(String token) {
        if (token.startsWith("\"")) return true;
        char c = token.charAt(0);
        return (Character.isLetter(c) || c == '_') && !token.contains("'")
                && !NOT_NAMES.contains(token.toLowerCase(Locale.ROOT));
    }

    // format_type's names of more than one word, each of which could otherwise be taken for the next token.
    private static final List<List<String>> MULTI_WORD = List.of(List.of("character", "varying"),
            List.of("bit", "varying"), List.of("double", "precision"),
            List.of("timestamp", "without", "time", "zone"), List.of("timestamp", "with", "time", "zone"),
            List.of("time", "without", "time", "zone"), List.of("time", "with", "time", "zone"));

    /**
     * The end of a type name as format_type prints it starting at {@code i} (a possibly qualified name or one of
     * the multi-word names, with a length only when {@code lengthAllowed}, and {@code []} only then), or -1.
     */
    private static int typeName(List<String> t, int i, boolean lengthAllowed) {
        for (List<String> words : MULTI_WORD) {
            if (i + words.size() <= t.size() && lower(t.subList(i, i + words.size())).equals(words)) {
                return modifiers(t, i + words.size(), lengthAllowed);
            }
        }
        if (i >= t.size() || !name(t.get(i))) return -1;
        int j = i + 1;
        while (j + 1 < t.size() && t.get(j).equals(".") && name(t.get(j + 1))) j += 2;
        return modifiers(t, j, lengthAllowed);
    }

    private static int modifiers(List<String> t, int j, boolean lengthAllowed) {
        if (j < t.size() && t.get(j).equals("(")) {
            if (!lengthAllowed) return -1;
            j = matching(t, j) + 1;
            if (j == 0) return -1;
        }
        if (lengthAllowed) {
            while (j + 1 < t.size() && t.get(j).equals("[") && t.get(j + 1).equals("]")) j += 2;
        }
        return j;
    }

    private static List<String> lower(List<String> words) {
        return words.stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
    }

    private static boolean endsWithCast(List<String> element, List<String> type) {
        int at = element.size() - type.size() - 1;
        return at > 0 && element.get(at).equals("::") && element.subList(at + 1, element.size()).equals(type);
    }
}
