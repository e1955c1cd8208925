package dev.runbookpilot.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns what the operator typed into {@link ConnectionSettings} the way libpq (psql, pg_dump) would, because pgjdbc
 * ignores libpq's environment variables and most of its files.
 *
 * <p>Accepted: nothing (PG* environment and defaults), a libpq URI ({@code postgresql://user:pw@host:port/db?..}),
 * a pgjdbc URL ({@code jdbc:postgresql://host:port/db?user=..}), or a keyword/value string
 * ({@code host=.. dbname=.. service=..}). Precedence, as in libpq: values in the spec, then the service's entries
 * ({@code service=} or {@code PGSERVICE}), then the PG* environment, then the defaults (localhost, 5432, the OS
 * user, database named like the user, sslmode prefer). When that yields no password the password file
 * ({@code passfile}, {@code PGPASSFILE} or {@code ~/.pgpass}) is consulted. Note that libpq, and therefore this
 * class, prefers {@code PGPASSWORD} over the password file.
 *
 * <p>Service files: {@code PGSERVICEFILE} or else {@code ~/.pg_service.conf}; then
 * {@code $PGSYSCONFDIR/pg_service.conf} (without PGSYSCONFDIR: {@code /etc/postgresql-common}, the Debian and
 * Ubuntu libpq default). The first file with the section wins.
 */
public final class ConnectionResolver {
    private static final Logger log = LoggerFactory.getLogger(ConnectionResolver.class);
    static final Path DEFAULT_SYSCONFDIR = Path.of("/etc/postgresql-common");

    /** libpq keyword -> environment variable, as in libpq's option table. */
    private static final Map<String, String> ENVIRONMENT = envTable();

    private final Map<String, String> env;
    private final Path home;
    private final Path defaultSysconfdir;
    private final String osUser;

    /**
     * @param env  the environment ({@code System.getenv()} in production)
     * @param home the user's home directory, where {@code .pgpass} and {@code .pg_service.conf} live
     */
    public ConnectionResolver(Map<String, String> env, Path home) {
        this(env, home, DEFAULT_SYSCONFDIR, System.getProperty("user.name"));
    }

    ConnectionResolver(Map<String, String> env, Path home, Path defaultSysconfdir, String osUser) {
        this.env = Map.copyOf(env);
        this.home = home;
        this.defaultSysconfdir = defaultSysconfdir;
        this.osUser = osUser;
    }

    public ConnectionSettings resolve(String spec) throws ConnectionSpecException {
        PgSpec parsed = PgSpecParser.parse(spec);
        Map<String, PgValue> values = new LinkedHashMap<>();
        parsed.values().forEach((k, v) -> {
            if (!v.isBlank()) {
                values.put(k, v);
            }
        });
        String passwordSource = values.containsKey("password") ? parsed.passwordSource() : null;

        PgValue service = values.containsKey("service") ? values.get("service") : fromEnv("PGSERVICE");
        if (service != null) {
            Map<String, PgValue> entries = serviceEntries(service);
            if (passwordSource == null && entries.containsKey("password") && !entries.get("password").isBlank()) {
                passwordSource = "service " + service.value();
            }
            entries.forEach((k, v) -> {
                if (!v.isBlank()) {
                    values.putIfAbsent(k, v);
                }
            });
        }

        for (Map.Entry<String, String> e : ENVIRONMENT.entrySet()) {
            PgValue v = fromEnv(e.getValue());
            if (v != null && !values.containsKey(e.getKey())) {
                values.put(e.getKey(), v);
                if (e.getKey().equals("password")) {
                    passwordSource = "PGPASSWORD";
                }
            }
        }

        String host = connectHost(values);
        int port = values.containsKey("port") ? port(values.get("port")) : 5432;
        String user = values.containsKey("user") ? values.get("user").value() : osUser;
        if (user == null || user.isBlank()) {
            throw new ConnectionSpecException("no user name given and the operating-system user is unknown: "
                    + "give user=NAME or set PGUSER");
        }
        String database = values.containsKey("dbname") ? values.get("dbname").value() : user;
        String sslmode = values.containsKey("sslmode") ? sslmode(values.get("sslmode")) : "prefer";
        Map<String, String> extras = jdbcExtras(values);
        extras.putAll(parsed.jdbcExtras());

        String password = values.containsKey("password") ? values.get("password").value() : null;
        if (password == null) {
            Path passfile = values.containsKey("passfile") ? path(values.get("passfile"), "passfile")
                    : home.resolve(".pgpass");
            Optional<String> fromFile = PgPassFile.lookup(passfile, pgpassHost(values), port, database, user)
                    .filter(p -> !p.isEmpty());
            if (fromFile.isPresent()) {
                password = fromFile.get();
                passwordSource = "pgpass " + shown(passfile);
            } else {
                passwordSource = null;
            }
        }
        return new ConnectionSettings(host, port, database, user, password, sslmode, passwordSource, extras);
    }

    private PgValue fromEnv(String variable) {
        String value = env.get(variable);
        return value == null || value.isBlank() ? null : new PgValue(value, "environment variable " + variable);
    }

    // ---- service files ------------------------------------------------------------------------------------

    private Map<String, PgValue> serviceEntries(PgValue service) throws ConnectionSpecException {
        List<Path> files = new ArrayList<>();
        PgValue userFile = fromEnv("PGSERVICEFILE");
        files.add(userFile == null ? home.resolve(".pg_service.conf") : path(userFile, "PGSERVICEFILE"));
        PgValue sysconf = fromEnv("PGSYSCONFDIR");
        files.add((sysconf == null ? defaultSysconfdir : path(sysconf, "PGSYSCONFDIR")).resolve("pg_service.conf"));
        List<String> searched = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                searched.add(shown(file) + " (no such file)");
                continue;
            }
            Optional<Map<String, PgValue>> entries = PgServiceFile.read(file, shown(file), service.value());
            if (entries.isPresent()) {
                return entries.get();
            }
            searched.add(shown(file) + " (no [" + service.value() + "] section)");
        }
        throw new ConnectionSpecException("service \"" + service.value() + "\" (from " + service.origin()
                + ") is not defined; searched " + String.join(", ", searched) + ". Add a [" + service.value()
                + "] section to one of these files (or point PGSERVICEFILE at yours), or fix the service name");
    }

    private static Path path(PgValue value, String name) throws ConnectionSpecException {
        try {
            return Path.of(value.value());
        } catch (InvalidPathException e) {
            throw new ConnectionSpecException(name + " \"" + value.value() + "\" (from " + value.origin()
                    + ") is not a valid file path: " + e.getReason());
        }
    }

    // ---- validation -------------------------------------------------------------------------------------

    private static String connectHost(Map<String, PgValue> values) throws ConnectionSpecException {
        PgValue host = values.get("host");
        PgValue hostaddr = values.get("hostaddr");
        if (host != null) {
            checkHost(host, "host");
        }
        if (hostaddr != null) {
            checkHost(hostaddr, "hostaddr");
            // libpq connects to hostaddr and keeps host for the password file and certificate checks.
            return hostaddr.value();
        }
        return host == null ? "localhost" : host.value();
    }

    private static String pgpassHost(Map<String, PgValue> values) {
        if (values.containsKey("host")) {
            return values.get("host").value();
        }
        return values.containsKey("hostaddr") ? values.get("hostaddr").value() : "localhost";
    }

    private static void checkHost(PgValue host, String keyword) throws ConnectionSpecException {
        String h = host.value();
        if (h.startsWith("/") || h.startsWith("@")) {
            throw new ConnectionSpecException(keyword + " \"" + h + "\" (from " + host.origin() + ") is a Unix-domain "
                    + "socket, which Runbook Pilot cannot use (pgjdbc connects over TCP only): use host=localhost "
                    + "and make sure the server listens on TCP (listen_addresses)");
        }
        if (h.indexOf(',') >= 0) {
            throw new ConnectionSpecException(keyword + " \"" + h + "\" (from " + host.origin() + ") lists several "
                    + "hosts: Runbook Pilot connects to exactly one server; give a single host");
        }
    }

    private static int port(PgValue port) throws ConnectionSpecException {
        String p = port.value().strip();
        if (p.matches("[0-9]{1,5}")) {
            int n = Integer.parseInt(p);
            if (n >= 1 && n <= 65535) {
                return n;
            }
        }
        String several = p.indexOf(',') >= 0 ? " (several ports are not supported)" : "";
        throw new ConnectionSpecException("port \"" + port.value() + "\" (from " + port.origin() + ") is not a number "
                + "between 1 and 65535" + several + ": give the server's TCP port, usually 5432");
    }

    private static String sslmode(PgValue value) throws ConnectionSpecException {
        String mode = value.value().strip();
        if (PgKeywords.SSLMODES.contains(mode)) {
            return mode;
        }
        String hint = PgKeywords.closestOf(mode, PgKeywords.SSLMODES).map(m -> "did you mean \"" + m + "\"? ")
                .orElse("");
        throw new ConnectionSpecException("sslmode \"" + value.value() + "\" (from " + value.origin() + ") is not "
                + "valid: " + hint + "use one of " + String.join(", ", PgKeywords.SSLMODES));
    }

    private static int nonNegativeInt(PgValue value, String keyword) throws ConnectionSpecException {
        String v = value.value().strip();
        if (v.matches("[0-9]{1,9}")) {
            return Integer.parseInt(v);
        }
        throw new ConnectionSpecException(keyword + " \"" + value.value() + "\" (from " + value.origin()
                + ") is not a whole number of seconds: use e.g. " + keyword + "=10 (0 waits forever)");
    }

    // ---- libpq keywords -> pgjdbc properties ----------------------------------------------------------------

    private static Map<String, String> jdbcExtras(Map<String, PgValue> values) throws ConnectionSpecException {
        Map<String, String> extras = new LinkedHashMap<>();
        for (Map.Entry<String, PgValue> e : values.entrySet()) {
            String keyword = e.getKey();
            PgValue v = e.getValue();
            if (PgKeywords.CORE.contains(keyword)) {
                continue;
            }
            if (PgKeywords.IGNORED.contains(keyword)) {
                log.warn("ignoring {} (from {}): pgjdbc has no equivalent{}", keyword, v.origin(),
                        keyword.equals("options") ? "; Runbook Pilot sets its own startup options" : "");
                continue;
            }
            switch (keyword) {
                case "application_name":
                    extras.put("ApplicationName", v.value());
                    break;
                case "connect_timeout":
                    extras.put("connectTimeout", Integer.toString(nonNegativeInt(v, keyword)));
                    break;
                case "target_session_attrs":
                    extras.put("targetServerType", targetServerType(v));
                    break;
                case "keepalives":
                    extras.put("tcpKeepAlive", Boolean.toString(!v.value().strip().equals("0")));
                    break;
                case "gssencmode":
                    extras.put("gssEncMode", v.value());
                    break;
                case "krbsrvname":
                    extras.put("kerberosServerName", v.value());
                    break;
                case "channel_binding":
                    extras.put("channelBinding", v.value());
                    break;
                case "sslnegotiation":
                    extras.put("sslNegotiation", v.value());
                    break;
                case "require_auth":
                    extras.put("requireAuth", v.value());
                    break;
                default:
                    // sslcert, sslkey, sslrootcert, sslpassword, gsslib: pgjdbc uses the libpq names.
                    extras.put(keyword, v.value());
            }
        }
        return extras;
    }

    private static String targetServerType(PgValue v) throws ConnectionSpecException {
        switch (v.value().strip()) {
            case "any":
                return "any";
            case "read-write":
            case "primary":
                return "primary";
            case "read-only":
            case "standby":
                return "secondary";
            case "prefer-standby":
                return "preferSecondary";
            default:
                throw new ConnectionSpecException("target_session_attrs \"" + v.value() + "\" (from " + v.origin()
                        + ") is not valid: use any, read-write, read-only, primary, standby or prefer-standby");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** A path as the operator would write it: {@code ~/.pgpass} under the home directory, else absolute. */
    private String shown(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path h = home.toAbsolutePath().normalize();
        return abs.startsWith(h) ? "~/" + h.relativize(abs).toString().replace('\\', '/') : abs.toString();
    }

    private static Map<String, String> envTable() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("host", "PGHOST");
        m.put("hostaddr", "PGHOSTADDR");
        m.put("port", "PGPORT");
        m.put("dbname", "PGDATABASE");
        m.put("user", "PGUSER");
        m.put("password", "PGPASSWORD");
        m.put("passfile", "PGPASSFILE");
        m.put("sslmode", "PGSSLMODE");
        m.put("connect_timeout", "PGCONNECT_TIMEOUT");
        m.put("application_name", "PGAPPNAME");
        m.put("sslcert", "PGSSLCERT");
        m.put("sslkey", "PGSSLKEY");
        m.put("sslrootcert", "PGSSLROOTCERT");
        m.put("target_session_attrs", "PGTARGETSESSIONATTRS");
        m.put("gssencmode", "PGGSSENCMODE");
        m.put("krbsrvname", "PGKRBSRVNAME");
        m.put("channel_binding", "PGCHANNELBINDING");
        m.put("require_auth", "PGREQUIREAUTH");
        m.put("options", "PGOPTIONS");
        return java.util.Collections.unmodifiableMap(m);
    }
}
