package dev.runbookpilot.io;

import java.util.List;

/**
 * Comma-separated values as RFC 4180 writes them: a field holding a comma, a double quote, a CR or an LF is enclosed
 * in double quotes, a double quote inside it doubled, each record ended by CRLF. A NULL is an empty unquoted field
 * and an empty string a quoted one ({@code ""}), as PostgreSQL's {@code COPY ... (FORMAT csv)} writes them, so a
 * pasted result keeps the difference. Values are copied as they are: nothing is trimmed or prefixed.
 */
public final class Csv {
    private Csv() {}

    /** One field, quoted when it must be; null is the empty unquoted field. */
    public static String field(String value) {
        if (value == null) return "";
        if (value.isEmpty()) return "\"\"";
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /** One record, ended by CRLF. */
    public static String record(List<String> fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) b.append(',');
            b.append(field(fields.get(i)));
        }
        return b.append("\r\n").toString();
    }

    /** A header record, then one record per row. */
    public static String table(List<String> header, List<? extends List<String>> rows) {
        StringBuilder b = new StringBuilder(record(header));
        for (List<String> row : rows) b.append(record(row));
        return b.toString();
    }
}
