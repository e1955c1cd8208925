package dev.runbookpilot.importer.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading object names and check names out of checklist prose; shared by the recognisers. */
final class Names {

    private Names() {}

    /** A plain SQL identifier, optionally schema-qualified; quoted identifiers are left to a person. */
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(?:\\.[A-Za-z_][A-Za-z0-9_$]*)?");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");

    /** The backticked names in the text, in order, each an identifier; null when a span is something else. */
    static List<String> backticked(String text, Pattern nameShape) {
        List<String> names = new ArrayList<>();
        Matcher m = CODE_SPAN.matcher(text);
        while (m.find()) {
            String n = m.group(2).strip();
            if (!nameShape.matcher(n).matches()) return null;
            if (!names.contains(n)) names.add(n);
        }
        return names;
    }

    /** The item's text without Markdown emphasis or backticks, on one line: the check's name. */
    static String checkName(Item item) {
        return checkName(item, item.line(), null);
    }

    /**
     * The check's name traced to {@code line}: the item's text, or, for an item with no text of its own (a code
     * block standing alone), {@code fallback} (the query), so the name says what is checked and where.
     */
    static String checkName(Item item, int line, String fallback) {
        String text = item.text().isBlank() && fallback != null ? fallback : item.text();
        String t = text.replace("**", "").replace("__", "").replace("`", "").replaceAll("\\s+", " ").strip();
        if (t.length() > 120) t = t.substring(0, 117) + "...";
        return t + " (line " + line + ")";
    }

    /** The text with its code spans blanked out: what the prose around the names says. */
    static String proseOnly(String text) {
        return CODE_SPAN.matcher(text).replaceAll(" ");
    }
}
