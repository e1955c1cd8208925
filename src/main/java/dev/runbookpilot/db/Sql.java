package dev.runbookpilot.db;

/**
 * Identifier quoting for names that come from runbooks: always quoted, never concatenated raw.
 *
 * <p>PostgreSQL's rule for a quoted identifier is the whole of it: wrap the name in double quotes and double every
 * double quote inside; nothing else is special between the quotes (no backslash escapes, case kept). The one thing a
 * quoted identifier cannot hold is the zero character, which the server refuses in any query text, so it is refused
 * here with the name in the message rather than as a protocol error later. (This used to go through jOOQ, whose
 * first use cost 0.8–1.5 s of class loading on the path of the first snapshot; see docs/decisions/0014.)
 */
public final class Sql {

    private Sql() {}

    /** {@code "schema"."table"} with any embedded double quote doubled. */
    public static String qualified(String schema, String name) {
        return ident(schema) + "." + ident(name);
    }

    /** {@code "name"} with any embedded double quote doubled. */
    public static String ident(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an identifier cannot contain the zero character: "
                    + name.replace("\0", "\\0"));
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
