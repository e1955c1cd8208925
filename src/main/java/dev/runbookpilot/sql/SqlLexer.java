package dev.runbookpilot.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one SQL tokenizer of the product: the migration splitter, the check guard and the checklist importer all
 * read SQL through it. It follows PostgreSQL's and psql's lexers where they decide something for us: {@code $}
 * continues an identifier (so {@code a$$b$} is one name, not the start of a dollar quote), block comments nest,
 * {@code E''} strings (and plain strings when {@code standard_conforming_strings} is off) take backslash escapes,
 * {@code U&} strings and identifiers, and any backslash outside a literal starts a psql meta-command.
 *
 * <p>It is never the only thing a safety decision rests on: the check guard also asks pgjdbc's own parser, and
 * the server refuses a second command in one extended-protocol Parse.
 */
public final class SqlLexer {

    /** What a token is; literals and comments carry whether they were closed before the end of the text. */
    public enum Kind {
        WHITESPACE, LINE_COMMENT, BLOCK_COMMENT,
        /** An unquoted identifier or keyword. */
        WORD,
        QUOTED_IDENT,
        /** {@code U&"..."}: an identifier whose escapes we do not decode. */
        UNICODE_IDENT,
        /** {@code '...'}, {@code N'...'}, {@code B'...'}, {@code X'...'}. */
        STRING,
        /** {@code E'...'}: backslash escapes. */
        ESCAPE_STRING,
        /** {@code U&'...'}: a string whose escapes we do not decode. */
        UNICODE_STRING,
        DOLLAR_STRING, NUMBER,
        /** {@code $1}. */
        PARAM,
        SEMICOLON, OPEN_PAREN, CLOSE_PAREN,
        /** A backslash outside any literal: psql would run a meta-command here. */
        BACKSLASH,
        /** Any other character: operators, punctuation. */
        OTHER
    }

    /**
     * One token: {@code [start, end)} of the text, with the 1-based line and column of its first character.
     * {@code terminated} is false for a literal or comment still open at the end of the text.
     */
    public record Token(Kind kind, int start, int end, int line, int column, boolean terminated) {
        public String text(String sql) {
            return sql.substring(start, end);
        }

        public boolean isTrivia() {
            return kind == Kind.WHITESPACE || kind == Kind.LINE_COMMENT || kind == Kind.BLOCK_COMMENT;
        }

        /** The keyword or unquoted name in lower case, or null for any other token. */
        public String word(String sql) {
            return kind == Kind.WORD ? text(sql).toLowerCase(Locale.ROOT) : null;
        }
    }

    /**
     * A literal or comment still open at the end of a piece of text, so the next piece can be read from inside it
     * (the checklist importer reads SQL line by line, skipping lines that are not SQL).
     */
    public record Carry(Kind kind, String dollarTag, int commentDepth) {}

    /** The tokens of one piece, and what is still open at its end (null when nothing is). */
    public record Scan(List<Token> tokens, Carry carry) {}

    private final String text;
    private final boolean standardConformingStrings;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int line = 1;
    private int lineStart;
    private int commentDepth;

    private SqlLexer(String text, boolean standardConformingStrings) {
        this.text = text;
        this.standardConformingStrings = standardConformingStrings;
    }

    /** Reads {@code text} as the continuation of a piece that ended inside {@code carry} (null: outside anything). */
    public static Scan resume(String text, Carry carry, boolean standardConformingStrings) {
        SqlLexer lexer = new SqlLexer(text, standardConformingStrings);
        if (carry != null) lexer.finishCarried(carry);
        lexer.run();
        Token last = lexer.out.isEmpty() ? null : lexer.out.get(lexer.out.size() - 1);
        Carry open = null;
        if (last != null && !last.terminated()) {
            String tag = null;
            if (last.kind() == Kind.DOLLAR_STRING) {
                tag = carry != null && lexer.out.size() == 1 && carry.kind() == Kind.DOLLAR_STRING ? carry.dollarTag()
                        : text.substring(last.start(), lexer.dollarTagEnd(last.start()));
            }
            open = new Carry(last.kind(), tag, lexer.commentDepth);
        }
        return new Scan(lexer.out, open);
    }

    private void finishCarried(Carry carry) {
        boolean terminated;
        switch (carry.kind()) {
            case DOLLAR_STRING -> {
                int close = text.indexOf(carry.dollarTag());
                terminated = close >= 0;
                advanceTo(close < 0 ? text.length() : close + carry.dollarTag().length());
            }
            case BLOCK_COMMENT -> {
                commentDepth = carry.commentDepth();
                terminated = blockCommentBody();
            }
            case QUOTED_IDENT, UNICODE_IDENT -> terminated = quoted('"', false);
            case ESCAPE_STRING -> terminated = quoted('\'', true);
            case UNICODE_STRING -> terminated = quoted('\'', false);
            default -> terminated = quoted('\'', !standardConformingStrings);
        }
        out.add(new Token(carry.kind(), 0, pos, 1, 1, terminated));
    }

    /** Tokens of {@code sql} as PostgreSQL reads it with {@code standard_conforming_strings = on}. */
    public static List<Token> tokenize(String sql) {
        return tokenize(sql, true);
    }

    public static List<Token> tokenize(String sql, boolean standardConformingStrings) {
        SqlLexer lexer = new SqlLexer(sql, standardConformingStrings);
        lexer.run();
        return lexer.out;
    }

    private void run() {
        int n = text.length();
        while (pos < n) {
            int start = pos;
            int startLine = line;
            int column = pos - lineStart + 1;
            char c = text.charAt(pos);
            Kind kind;
            boolean terminated = true;
            if (isSpace(c)) {
                while (pos < n && isSpace(text.charAt(pos))) advance();
                kind = Kind.WHITESPACE;
            } else if (c == '-' && peek(1) == '-') {
                while (pos < n && text.charAt(pos) != '\n') pos++;
                kind = Kind.LINE_COMMENT;
            } else if (c == '/' && peek(1) == '*') {
                terminated = blockComment();
                kind = Kind.BLOCK_COMMENT;
            } else if (c == '\'') {
                pos++;
                terminated = quoted('\'', !standardConformingStrings);
                kind = Kind.STRING;
            } else if (c == '"') {
                pos++;
                terminated = quoted('"', false);
                kind = Kind.QUOTED_IDENT;
            } else if (isIdentStart(c)) {
                Kind prefixed = prefixedLiteral(c);
                if (prefixed != null) {
                    kind = prefixed;
                    terminated = quoted(prefixed == Kind.UNICODE_IDENT ? '"' : '\'', prefixed == Kind.ESCAPE_STRING
                            || prefixed == Kind.STRING && (c == 'n' || c == 'N') && !standardConformingStrings);
                } else {
                    while (pos < n && isIdentCont(text.charAt(pos))) pos++;
                    kind = Kind.WORD;
                }
            } else if (c == '$') {
                int tagEnd = dollarTagEnd(pos);
                if (tagEnd > 0) {
                    String tag = text.substring(pos, tagEnd);
                    int close = text.indexOf(tag, tagEnd);
                    terminated = close >= 0;
                    advanceTo(close < 0 ? n : close + tag.length());
                    kind = Kind.DOLLAR_STRING;
                } else if (Character.isDigit(peek(1))) {
                    pos++;
                    while (pos < n && Character.isDigit(text.charAt(pos))) pos++;
                    kind = Kind.PARAM;
                } else {
                    pos++;
                    kind = Kind.OTHER;
                }
            } else if (Character.isDigit(c) || c == '.' && Character.isDigit(peek(1))) {
                number();
                kind = Kind.NUMBER;
            } else {
                pos++;
                kind = switch (c) {
                    case ';' -> Kind.SEMICOLON;
                    case '(' -> Kind.OPEN_PAREN;
                    case ')' -> Kind.CLOSE_PAREN;
                    case '\\' -> Kind.BACKSLASH;
                    default -> Kind.OTHER;
                };
            }
            out.add(new Token(kind, start, pos, startLine, column, terminated));
        }
    }

    /** {@code E'}, {@code N'}, {@code B'}, {@code X'}, {@code U&'}, {@code U&"}: the literal's kind, past its opening. */
    private Kind prefixedLiteral(char c) {
        char lower = Character.toLowerCase(c);
        if (peek(1) == '\'' && (lower == 'e' || lower == 'n' || lower == 'b' || lower == 'x')) {
            pos += 2;
            return lower == 'e' ? Kind.ESCAPE_STRING : Kind.STRING;
        }
        if (lower == 'u' && peek(1) == '&' && (peek(2) == '\'' || peek(2) == '"')) {
            Kind k = peek(2) == '\'' ? Kind.UNICODE_STRING : Kind.UNICODE_IDENT;
            pos += 3;
            return k;
        }
        return null;
    }

    /** Reads up to and past the closing quote ({@code ''} is an escaped quote); false when the text ends first. */
    private boolean quoted(char quote, boolean backslashEscapes) {
        int n = text.length();
        while (pos < n) {
            char d = text.charAt(pos);
            if (backslashEscapes && d == '\\' && pos + 1 < n) {
                advance();
                advance();
                continue;
            }
            if (d == quote) {
                if (peek(1) == quote) {
                    pos += 2;
                    continue;
                }
                pos++;
                return true;
            }
            advance();
        }
        return false;
    }

    private boolean blockComment() {
        commentDepth = 1;
        pos += 2;
        return blockCommentBody();
    }

    /** Past the end of a block comment already {@code commentDepth} deep; false when the text ends first. */
    private boolean blockCommentBody() {
        int n = text.length();
        while (pos < n) {
            if (text.startsWith("/*", pos)) {
                commentDepth++;
                pos += 2;
            } else if (text.startsWith("*/", pos)) {
                commentDepth--;
                pos += 2;
                if (commentDepth == 0) return true;
            } else {
                advance();
            }
        }
        return false;
    }

    private void number() {
        int n = text.length();
        while (pos < n) {
            char d = text.charAt(pos);
            if (Character.isLetterOrDigit(d) || d == '_') {
                pos++;
            } else if (d == '.' && peek(1) != '.') {
                pos++;
            } else if ((d == '+' || d == '-') && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E')
                    && Character.isDigit(peek(1))) {
                pos++;
            } else {
                return;
            }
        }
    }

    /** The end of a dollar-quote delimiter ({@code $$} or {@code $tag$}) starting at {@code at}, or -1. */
    private int dollarTagEnd(int at) {
        int j = at + 1;
        if (j < text.length() && isDollarTagStart(text.charAt(j))) {
            j++;
            while (j < text.length() && isDollarTagCont(text.charAt(j))) j++;
        }
        return j < text.length() && text.charAt(j) == '$' ? j + 1 : -1;
    }

    private void advance() {
        if (text.charAt(pos) == '\n') {
            line++;
            lineStart = pos + 1;
        }
        pos++;
    }

    private void advanceTo(int end) {
        while (pos < end) advance();
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < text.length() ? text.charAt(i) : '\0';
    }

    /** PostgreSQL's {@code space}: {@code [ \t\n\r\f\v]}. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    /** {@code ident_start}: {@code [A-Za-z\200-\377_]}; every non-ASCII character is a letter to PostgreSQL. */
    static boolean isIdentStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80;
    }

    /** {@code ident_cont}: also digits and {@code $}. */
    static boolean isIdentCont(char c) {
        return isIdentStart(c) || c >= '0' && c <= '9' || c == '$';
    }

    private static boolean isDollarTagStart(char c) {
        return isIdentStart(c);
    }

    /** {@code dolq_cont}: unlike an identifier, a dollar-quote tag cannot contain {@code $}. */
    private static boolean isDollarTagCont(char c) {
        return isIdentStart(c) || c >= '0' && c <= '9';
    }
}
