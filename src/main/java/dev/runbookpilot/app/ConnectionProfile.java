package dev.runbookpilot.app;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A saved way to reach a server: either fields (any of them blank means "as libpq would default it", so PG*
 * variables, service files and pgpass still apply), or a URI / connection string, or a service name. Never a
 * password: one in a URI or connection string is refused, so profiles files can be shared and backed up freely.
 *
 * @param port null when not given (libpq's PGPORT or 5432 then apply)
 */
public record ConnectionProfile(String name, String host, Integer port, String database, String user,
                                String sslmode, String uri, String service) {

    /** Which of the three spellings the profile uses. */
    public enum Kind { FIELDS, URI, SERVICE }

    static final String NO_PASSWORDS = "a saved profile never holds a password: remove it, and put it in ~/.pgpass"
            + " or enter it when asked";

    private static final Pattern KEYWORD_PASSWORD = Pattern.compile("(?:^|\\s)password\\s*=",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern QUERY_PASSWORD = Pattern.compile("[?&]password=", Pattern.CASE_INSENSITIVE);

    public ConnectionProfile {
        name = trimmed(name);
        host = trimmed(host);
        database = trimmed(database);
        user = trimmed(user);
        sslmode = trimmed(sslmode);
        uri = trimmed(uri);
        service = trimmed(service);
        if (name == null) {
            throw new IllegalArgumentException("a profile needs a name");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("profile \"" + name + "\": port " + port
                    + " is not between 1 and 65535 (usually 5432)");
        }
        boolean fields = host != null || port != null || database != null || user != null || sslmode != null;
        int kinds = (fields ? 1 : 0) + (uri != null ? 1 : 0) + (service != null ? 1 : 0);
        if (kinds > 1) {
            throw new IllegalArgumentException("profile \"" + name + "\" mixes fields, a URI and a service name:"
                    + " give only one of them");
        }
        if (uri != null && containsPassword(uri)) {
            throw new IllegalArgumentException("profile \"" + name + "\": " + NO_PASSWORDS);
        }
    }

    public static ConnectionProfile ofFields(String name, String host, Integer port, String database, String user,
                                             String sslmode) {
        return new ConnectionProfile(name, host, port, database, user, sslmode, null, null);
    }

    public static ConnectionProfile ofUri(String name, String uri) {
        return new ConnectionProfile(name, null, null, null, null, null, uri, null);
    }

    public static ConnectionProfile ofService(String name, String service) {
        return new ConnectionProfile(name, null, null, null, null, null, null, service);
    }

    public Kind kind() {
        if (uri != null) return Kind.URI;
        return service != null ? Kind.SERVICE : Kind.FIELDS;
    }

    /** The spec {@link Targets#resolve(String)} takes, so a profile resolves exactly as the CLI's {@code --db}. */
    public String spec() {
        switch (kind()) {
            case URI:
                return uri;
            case SERVICE:
                return "service=" + quote(service);
            default:
                StringBuilder b = new StringBuilder();
                append(b, "host", host);
                append(b, "port", port == null ? null : port.toString());
                append(b, "dbname", database);
                append(b, "user", user);
                append(b, "sslmode", sslmode);
                return b.toString();
        }
    }

    /**
     * Whether a URI, JDBC URL or keyword/value string carries a password. Errs on the side of refusing: a
     * quoted value that merely mentions {@code password=} is refused too.
     */
    public static boolean containsPassword(String spec) {
        if (spec == null) return false;
        String s = spec.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
            String rest = s.substring(s.indexOf("://") + 3);
            int end = indexOfAny(rest, "/?");
            String authority = end < 0 ? rest : rest.substring(0, end);
            int at = authority.lastIndexOf('@');
            if (at >= 0 && authority.substring(0, at).indexOf(':') >= 0) return true;
            return QUERY_PASSWORD.matcher(s).find();
        }
        if (lower.startsWith("jdbc:")) {
            return QUERY_PASSWORD.matcher(s).find() || s.indexOf(';') >= 0 && lower.contains("password=");
        }
        return KEYWORD_PASSWORD.matcher(s).find();
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) return i;
        }
        return -1;
    }

    private static void append(StringBuilder b, String keyword, String value) {
        if (value == null) return;
        if (b.length() > 0) b.append(' ');
        b.append(keyword).append('=').append(quote(value));
    }

    /** libpq keyword/value quoting: single quotes, backslash escapes quote and backslash. */
    private static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String trimmed(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
