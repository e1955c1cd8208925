package dev.runbookpilot.db;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Parses the three spellings an operator may type: a libpq URI ({@code postgresql://}, {@code postgres://}), a
 * pgjdbc URL ({@code jdbc:postgresql:}) and a libpq keyword/value string ({@code host=... dbname=...}).
 * Errors give the 1-based character position in the string as typed and never echo a password.
 */
final class PgSpecParser {
    private static final String JDBC_PREFIX = "jdbc:postgresql:";

    private PgSpecParser() {}

    static PgSpec parse(String spec) throws ConnectionSpecException {
        if (spec == null || spec.isBlank()) {
            return new PgSpec(Map.of(), Map.of(), null);
        }
        int start = 0;
        while (Character.isWhitespace(spec.charAt(start))) {
            start++;
        }
        String s = spec.stripTrailing();
        String head = s.substring(start).toLowerCase(Locale.ROOT);
        if (head.startsWith("postgresql://") || head.startsWith("postgres://")) {
            return parseUri(s, start + head.indexOf("://") + 3);
        }
        if (head.startsWith(JDBC_PREFIX)) {
            return parseJdbc(s, start + JDBC_PREFIX.length());
        }
        if (head.startsWith("jdbc:")) {
            throw new ConnectionSpecException("only PostgreSQL JDBC URLs are supported: the URL at position "
                    + (start + 1) + " must start with jdbc:postgresql://");
        }
        return parseKeywordValue(s, start);
    }

    // ---- keyword/value ------------------------------------------------------------------------------------

    private static PgSpec parseKeywordValue(String s, int start) throws ConnectionSpecException {
        Map<String, PgValue> values = new LinkedHashMap<>();
        int n = s.length();
        int i = start;
        while (true) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int keyStart = i;
            while (i < n && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != '=') {
                i++;
            }
            String key = s.substring(keyStart, i);
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (key.isEmpty()) {
                throw new ConnectionSpecException("\"=\" without a keyword at position " + (i + 1)
                        + " of the connection string: write key=value pairs such as host=db.example.com");
            }
            if (i >= n || s.charAt(i) != '=') {
                throw missingEquals(key, keyStart);
            }
            requireKnown(key, "position " + (keyStart + 1) + " of the connection string");
            i++;
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            int valueStart = i;
            StringBuilder value = new StringBuilder();
            if (i < n && s.charAt(i) == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = s.charAt(i++);
                    if (c == '\\') {
                        if (i < n) {
                            value.append(s.charAt(i++));
                        }
                    } else if (c == '\'') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new ConnectionSpecException("unterminated quoted value for " + key + " starting at position "
                            + (valueStart + 1) + " of the connection string: end it with a single quote "
                            + "(write \\' for a quote and \\\\ for a backslash inside the value)");
                }
            } else {
                while (i < n && !Character.isWhitespace(s.charAt(i))) {
                    char c = s.charAt(i++);
                    if (c == '\\') {
                        if (i < n) {
                            value.append(s.charAt(i++));
                        }
                    } else {
                        value.append(c);
                    }
                }
            }
            values.put(key, new PgValue(value.toString(),
                    "position " + (valueStart + 1) + " of the connection string"));
        }
        return new PgSpec(values, Map.of(), "connection string");
    }

    private static ConnectionSpecException missingEquals(String word, int position) {
        if (PgKeywords.isKnown(word)) {
            return new ConnectionSpecException("missing \"=\" after " + word + " at position " + (position + 1)
                    + " of the connection string: write " + word + "=value (no other text between pairs)");
        }
        // The word is not echoed: a stray word in a connection string is as likely to be a password as a typo.
        return new ConnectionSpecException("the word at position " + (position + 1) + " of the connection string "
                + "is not a key=value pair: write key=value pairs separated by spaces, e.g. host=db.example.com "
                + "dbname=app user=alice, or a URI such as postgresql://alice@db.example.com/app");
    }

    private static void requireKnown(String key, String where) throws ConnectionSpecException {
        if (PgKeywords.isKnown(key)) {
            return;
        }
        Optional<String> near = PgKeywords.closest(key);
        if (near.isPresent()) {
            throw new ConnectionSpecException("unknown keyword \"" + key + "\" at " + where
                    + ": did you mean \"" + near.get() + "\"?");
        }
        throw new ConnectionSpecException("unknown keyword at " + where + " (not repeated here in case it is a "
                + "secret): check its spelling; the usual keywords are " + PgKeywords.commonKeywords());
    }

    // ---- libpq URI ----------------------------------------------------------------------------------------

    private static PgSpec parseUri(String s, int authorityStart) throws ConnectionSpecException {
        Map<String, PgValue> values = new LinkedHashMap<>();
        int n = s.length();
        int i = authorityStart;

        int p = i;
        while (p < n && s.charAt(p) != '@' && s.charAt(p) != '/' && s.charAt(p) != '?') {
            p++;
        }
        if (p < n && s.charAt(p) == '@') {
            int colon = s.indexOf(':', i);
            int userEnd = colon >= 0 && colon < p ? colon : p;
            put(values, "user", percentDecode(s, i, userEnd), i);
            if (userEnd < p) {
                put(values, "password", percentDecode(s, userEnd + 1, p), userEnd + 1);
            }
            i = p + 1;
        }

        if (i < n && s.charAt(i) == '[') {
            int close = s.indexOf(']', i);
            if (close < 0) {
                throw new ConnectionSpecException("the IPv6 address at position " + (i + 1)
                        + " of the URI has no closing \"]\": write it as [2001:db8::1]");
            }
            if (close == i + 1) {
                throw new ConnectionSpecException("empty IPv6 address \"[]\" at position " + (i + 1) + " of the URI");
            }
            put(values, "host", s.substring(i + 1, close), i + 1);
            i = close + 1;
            if (i < n && ":/?,".indexOf(s.charAt(i)) < 0) {
                throw new ConnectionSpecException("unexpected character at position " + (i + 1) + " of the URI after "
                        + "the IPv6 address: expected \":port\", \"/dbname\" or \"?parameters\"");
            }
        } else {
            int hostStart = i;
            while (i < n && ":/?,".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            if (s.substring(hostStart, i).indexOf('@') >= 0) {
                // Only a password containing '@' gets here; the text is not echoed because it holds part of it.
                throw new ConnectionSpecException("unexpected \"@\" in the host part of the URI (position "
                        + (hostStart + 1) + "): percent-encode \"@\" in a user name or password as %40");
            }
            put(values, "host", percentDecode(s, hostStart, i), hostStart);
        }
        if (i < n && s.charAt(i) == ',') {
            throw multipleHosts("position " + (i + 1) + " of the URI");
        }
        if (i < n && s.charAt(i) == ':') {
            int portStart = ++i;
            while (i < n && "/?,".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            if (i < n && s.charAt(i) == ',') {
                throw multipleHosts("position " + (i + 1) + " of the URI");
            }
            put(values, "port", percentDecode(s, portStart, i), portStart);
        }
        if (i < n && s.charAt(i) == '/') {
            int dbStart = ++i;
            while (i < n && s.charAt(i) != '?') {
                i++;
            }
            put(values, "dbname", percentDecode(s, dbStart, i), dbStart);
        }
        if (i < n && s.charAt(i) == '?') {
            i++;
            while (i < n) {
                int end = s.indexOf('&', i);
                if (end < 0) {
                    end = n;
                }
                if (end > i) {
                    uriParameter(s, i, end, values);
                }
                i = end + 1;
            }
        }
        return new PgSpec(values, Map.of(), "URI");
    }

    private static void uriParameter(String s, int from, int to, Map<String, PgValue> values)
            throws ConnectionSpecException {
        int eq = s.indexOf('=', from);
        if (eq < 0 || eq >= to) {
            throw new ConnectionSpecException("the query parameter at position " + (from + 1)
                    + " of the URI has no \"=\": write ?key=value&key=value");
        }
        String key = percentDecode(s, from, eq);
        String value = percentDecode(s, eq + 1, to);
        String where = "position " + (from + 1) + " of the URI";
        if (key.equals("ssl")) {
            // libpq accepts ssl=true for JDBC compatibility and treats it as sslmode=require.
            if (!value.equals("true")) {
                throw new ConnectionSpecException("ssl=" + value + " at " + where
                        + " is not supported: libpq only accepts ssl=true; use sslmode=disable|prefer|require|...");
            }
            values.put("sslmode", new PgValue("require", where + " (ssl=true)"));
            return;
        }
        requireKnown(key, where);
        values.put(key, new PgValue(value, "position " + (eq + 2) + " of the URI"));
    }

    private static void put(Map<String, PgValue> values, String key, String value, int position) {
        if (!value.isEmpty()) {
            values.put(key, new PgValue(value, "position " + (position + 1) + " of the URI"));
        }
    }

    /** libpq's percent-decoding: %XX only ('+' stays '+'), UTF-8, no %00. */
    private static String percentDecode(String s, int from, int to) throws ConnectionSpecException {
        if (s.indexOf('%', from) < 0 || s.indexOf('%', from) >= to) {
            return s.substring(from, to);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < to ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < to ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new ConnectionSpecException("invalid percent-encoding at position " + (i + 1)
                            + " of the URI: \"%\" must be followed by two hex digits (write %25 for a literal %)");
                }
                int b = hi * 16 + lo;
                if (b == 0) {
                    throw new ConnectionSpecException("forbidden %00 at position " + (i + 1) + " of the URI");
                }
                bytes.write(b);
                i += 2;
            } else {
                byte[] enc = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(enc, 0, enc.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new ConnectionSpecException("the percent-encoded text at position " + (from + 1)
                    + " of the URI is not valid UTF-8: encode each byte of the UTF-8 form as %XX");
        }
    }

    private static ConnectionSpecException multipleHosts(String where) {
        return new ConnectionSpecException("several hosts at " + where + ": Runbook Pilot connects to exactly one "
                + "server; give a single host (the primary you are migrating)");
    }

    // ---- pgjdbc URL ---------------------------------------------------------------------------------------

    private static PgSpec parseJdbc(String s, int restStart) throws ConnectionSpecException {
        Map<String, PgValue> values = new LinkedHashMap<>();
        Map<String, String> extras = new LinkedHashMap<>();
        int n = s.length();
        int q = s.indexOf('?', restStart);
        int pathEnd = q < 0 ? n : q;
        int i = restStart;
        if (s.startsWith("//", i)) {
            i += 2;
            int authStart = i;
            int slash = s.indexOf('/', i);
            int authEnd = slash < 0 || slash > pathEnd ? pathEnd : slash;
            if (s.substring(authStart, authEnd).indexOf('@') >= 0) {
                throw new ConnectionSpecException("a JDBC URL cannot carry user@ before the host (position "
                        + (authStart + 1) + "): use jdbc:postgresql://host:port/db?user=NAME, or a libpq URI "
                        + "postgresql://NAME@host:port/db");
            }
            if (s.substring(authStart, authEnd).indexOf(',') >= 0) {
                throw multipleHosts("position " + (authStart + 1) + " of the JDBC URL");
            }
            jdbcHostPort(s, authStart, authEnd, values);
            i = authEnd;
        }
        if (i < pathEnd) {
            if (s.charAt(i) == '/') {
                i++;
            }
            String db = jdbcDecode(s, i, pathEnd, "the database name");
            if (!db.isEmpty()) {
                values.put("dbname", new PgValue(db, jdbcWhere(i)));
            }
        }
        boolean sslTrue = false;
        if (q >= 0) {
            int from = q + 1;
            while (from < n) {
                int end = s.indexOf('&', from);
                if (end < 0) {
                    end = n;
                }
                if (end > from) {
                    int eq = s.indexOf('=', from);
                    String key = eq < 0 || eq > end ? s.substring(from, end) : s.substring(from, eq);
                    String value = eq < 0 || eq > end ? "" : jdbcDecode(s, eq + 1, end, "the value of " + key);
                    PgValue v = new PgValue(value, jdbcWhere(from));
                    String keyword = jdbcToLibpq(key);
                    if (key.equals("ssl")) {
                        sslTrue = value.isEmpty() || Boolean.parseBoolean(value);
                    } else if (keyword != null) {
                        values.put(keyword, v);
                    } else {
                        extras.put(key, value);
                    }
                }
                from = end + 1;
            }
        }
        if (sslTrue && !values.containsKey("sslmode")) {
            // pgjdbc's own rule: ssl=true without sslmode means verify-full.
            values.put("sslmode", new PgValue("verify-full", "ssl=true in the JDBC URL"));
        }
        return new PgSpec(values, extras, "URI");
    }

    private static void jdbcHostPort(String s, int from, int to, Map<String, PgValue> values)
            throws ConnectionSpecException {
        int portSep;
        if (from < to && s.charAt(from) == '[') {
            int close = s.indexOf(']', from);
            if (close < 0 || close > to) {
                throw new ConnectionSpecException("the IPv6 address at position " + (from + 1)
                        + " of the JDBC URL has no closing \"]\": write it as [2001:db8::1]");
            }
            values.put("host", new PgValue(s.substring(from + 1, close), jdbcWhere(from)));
            portSep = close + 1 < to ? close + 1 : -1;
            if (portSep >= 0 && s.charAt(portSep) != ':') {
                throw new ConnectionSpecException("unexpected character at position " + (portSep + 1)
                        + " of the JDBC URL after the IPv6 address: expected \":port\" or \"/database\"");
            }
        } else {
            int colon = s.indexOf(':', from);
            portSep = colon >= 0 && colon < to ? colon : -1;
            int hostEnd = portSep >= 0 ? portSep : to;
            if (hostEnd > from) {
                values.put("host", new PgValue(s.substring(from, hostEnd), jdbcWhere(from)));
            }
        }
        if (portSep >= 0 && portSep + 1 < to) {
            values.put("port", new PgValue(s.substring(portSep + 1, to), jdbcWhere(portSep + 1)));
        }
    }

    /** pgjdbc decodes its URL with {@link URLDecoder} ('+' is a space), so the same rule applies here. */
    private static String jdbcDecode(String s, int from, int to, String what) throws ConnectionSpecException {
        try {
            return URLDecoder.decode(s.substring(from, to), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ConnectionSpecException("invalid percent-encoding in " + what + " at position " + (from + 1)
                    + " of the JDBC URL: \"%\" must be followed by two hex digits (write %25 for a literal %)");
        }
    }

    private static String jdbcWhere(int position) {
        return "position " + (position + 1) + " of the JDBC URL";
    }

    /** The libpq keyword for a pgjdbc URL parameter, or null when it is pgjdbc-only and passes through as is. */
    private static String jdbcToLibpq(String key) {
        switch (key) {
            case "user":
            case "password":
            case "sslmode":
            case "service":
            case "options":
            case "sslcert":
            case "sslkey":
            case "sslrootcert":
            case "sslpassword":
                return key;
            case "ApplicationName":
                return "application_name";
            case "connectTimeout":
                return "connect_timeout";
            case "PGHOST":
                return "host";
            case "PGPORT":
                return "port";
            case "PGDBNAME":
                return "dbname";
            default:
                return null;
        }
    }
}
