package dev.runbookpilot.db;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Where and how to connect, fully resolved (see {@link ConnectionResolver}).
 *
 * <p>The password is a secret: {@link #display()} and {@link #toString()} never show it, and nothing in this class
 * puts it anywhere except {@link #jdbcProperties()}. Without a password, pgjdbc itself still consults its own
 * {@code ~/.pgpass} reader (which does not check file permissions) before failing authentication.
 *
 * @param host                 TCP host name or address (IPv6 without brackets); never a Unix socket directory
 * @param port                 1..65535
 * @param database             database name
 * @param user                 role name
 * @param password             nullable
 * @param sslmode              libpq name: disable, allow, prefer, require, verify-ca or verify-full
 * @param passwordSource       where the password came from, for the operator (e.g. {@code pgpass ~/.pgpass},
 *                             {@code PGPASSWORD}, {@code URI}, {@code connection string}, {@code service NAME},
 *                             {@code prompt}); null when there is no password
 * @param extraJdbcProperties  further pgjdbc properties (e.g. connectTimeout, ApplicationName, sslrootcert)
 */
public record ConnectionSettings(String host, int port, String database, String user, String password,
                                 String sslmode, String passwordSource, Map<String, String> extraJdbcProperties) {
    static final String APPLICATION_NAME = "Runbook Pilot";
    private static final String MASK = "*****";

    public ConnectionSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(sslmode, "sslmode");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host is blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
        if (!PgKeywords.SSLMODES.contains(sslmode)) {
            throw new IllegalArgumentException("sslmode " + sslmode + " is not one of " + PgKeywords.SSLMODES);
        }
        extraJdbcProperties = extraJdbcProperties == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(extraJdbcProperties));
    }

    /** {@code jdbc:postgresql://host:port/db}; an IPv6 host in brackets, the database name URL-encoded. */
    public String jdbcUrl() {
        String db = URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
        return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + db;
    }

    /**
     * Properties for {@code DriverManager.getConnection(jdbcUrl(), jdbcProperties())}. Extras may override the
     * application name but never user, password or sslmode, which always come from the record's own fields.
     */
    public Properties jdbcProperties() {
        Properties p = new Properties();
        p.setProperty("ApplicationName", APPLICATION_NAME);
        extraJdbcProperties.forEach(p::setProperty);
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        } else {
            p.remove("password");
        }
        // pgjdbc accepts the libpq sslmode names unchanged.
        p.setProperty("sslmode", sslmode);
        p.remove("ssl");
        return p;
    }

    /** {@code user@host:port/db}, for titles, logs and reports; never contains the password. */
    public String display() {
        return user + "@" + hostForUrl() + ":" + port + "/" + database;
    }

    public ConnectionSettings withPassword(String password, String source) {
        return new ConnectionSettings(host, port, database, user, password, sslmode,
                password == null ? null : source, extraJdbcProperties);
    }

    @Override
    public String toString() {
        String extras = extraJdbcProperties.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? MASK : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        return "ConnectionSettings[host=" + host + ", port=" + port + ", database=" + database + ", user=" + user
                + ", password=" + (password == null ? "null" : MASK) + ", sslmode=" + sslmode
                + ", passwordSource=" + passwordSource + ", extraJdbcProperties=" + extras + "]";
    }

    private String hostForUrl() {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    private static boolean isSecret(String key) {
        return key.toLowerCase(Locale.ROOT).contains("password");
    }
}
