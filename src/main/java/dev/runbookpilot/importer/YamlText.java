package dev.runbookpilot.importer;

import java.util.List;
import java.util.Map;

/**
 * A small YAML emitter for the importer: every string is double-quoted with every character YAML would read
 * differently escaped, so no user text can change the document's structure. Maps keep insertion order.
 */
final class YamlText {

    private final StringBuilder out = new StringBuilder();

    String text() {
        return out.toString();
    }

    void comment(int indent, String text) {
        out.append(" ".repeat(indent)).append("# ").append(commentSafe(text)).append('\n');
    }

    void line(int indent, String raw) {
        out.append(" ".repeat(indent)).append(raw).append('\n');
    }

    /** Writes {@code key: value} (scalars inline, maps and lists as blocks below the key). */
    void entry(int indent, String key, Object value) {
        String pad = " ".repeat(indent);
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.append(pad).append(key).append(": {}\n");
                return;
            }
            out.append(pad).append(key).append(":\n");
            map(indent + 2, m);
        } else if (value instanceof List<?> l) {
            if (l.isEmpty()) {
                out.append(pad).append(key).append(": []\n");
                return;
            }
            out.append(pad).append(key).append(":\n");
            list(indent + 2, l);
        } else {
            out.append(pad).append(key).append(": ").append(scalar(value)).append('\n');
        }
    }

    void map(int indent, Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) entry(indent, key(String.valueOf(e.getKey())), e.getValue());
    }

    void list(int indent, List<?> l) {
        String pad = " ".repeat(indent);
        for (Object item : l) {
            if (item instanceof Map<?, ?> m && !m.isEmpty()) {
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (first) {
                        out.append(pad).append("- ");
                        int mark = out.length();
                        entry(indent + 2, key(String.valueOf(e.getKey())), e.getValue());
                        out.delete(mark, mark + indent + 2);
                        first = false;
                    } else {
                        entry(indent + 2, key(String.valueOf(e.getKey())), e.getValue());
                    }
                }
            } else {
                out.append(pad).append("- ").append(scalar(item)).append('\n');
            }
        }
    }

    private static final java.util.regex.Pattern PLAIN_KEY = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    /** Keys the importer chose stay plain; keys taken from the checklist (table names) are quoted. */
    static String key(String k) {
        return PLAIN_KEY.matcher(k).matches() ? k : quote(k);
    }

    static String scalar(Object v) {
        if (v == null) return "null";
        if (v instanceof Boolean || v instanceof Integer || v instanceof Long) return v.toString();
        if (v instanceof Map<?, ?> m && m.isEmpty()) return "{}";
        if (v instanceof List<?> l && l.isEmpty()) return "[]";
        return quote(v.toString());
    }

    /** A YAML double-quoted scalar that reads back as exactly {@code s}. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (printable(c)) {
                        b.append(c);
                    } else {
                        b.append(String.format("\\u%04X", (int) c));
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Characters YAML reads as themselves inside a double-quoted scalar. NEL and the Unicode line and paragraph
     * separators are line breaks to YAML 1.1 and the BOM is a stream marker, so they are escaped too.
     */
    private static boolean printable(char c) {
        return (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF && c != 0x2028 && c != 0x2029)
                || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);
    }

    /** Comment text on one line, with anything YAML would not accept shown as an escape. */
    static String commentSafe(String s) {
        String q = quote(s);
        return q.substring(1, q.length() - 1);
    }
}
