package dev.runbookpilot.proc;

import dev.runbookpilot.db.ConnectionSettings;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment a child process gets so that it connects to the connected target and nowhere else: libpq's
 * {@code PG*} variables and a {@code DATABASE_URL}, with the password only when the tool holds one.
 *
 * <p>Variables inherited from the operator's shell that choose where to connect, as whom or with what options
 * ({@link #OVERRIDDEN}) are removed first: a {@code PGHOSTADDR} or {@code PGSERVICE} left over from another
 * terminal would otherwise send {@code psql} to a different server than the one the checks look at.
 *
 * @param variables   the variables to set, in a stable order
 * @param secretNames the names among them whose values are secrets (shown masked)
 * @param secrets     the secret values, each in every form a tool might print it (raw and URL-encoded)
 */
public record ClientEnvironment(Map<String, String> variables, Set<String> secretNames, List<String> secrets) {

    public static final String MASK = "*****";

    /** Removed from the inherited environment before ours is set. */
    public static final Set<String> OVERRIDDEN = Set.of("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER",
            "PGPASSWORD", "PGSERVICE", "PGSERVICEFILE", "PGOPTIONS", "PGTARGETSESSIONATTRS", "PGAPPNAME",
            "PGSSLMODE", "PGREQUIRESSL", "PGLOADBALANCEHOSTS", "DATABASE_URL");

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    public ClientEnvironment {
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        secretNames = Collections.unmodifiableSet(new LinkedHashSet<>(secretNames));
        // Longest first, so a URL-encoded form that contains the raw one is masked whole.
        List<String> sorted = new ArrayList<>(new LinkedHashSet<>(secrets));
        sorted.removeIf(String::isEmpty);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        secrets = List.copyOf(sorted);
    }

    /**
     * The environment for a tool connecting as {@code settings} describes. SSL file settings of the connection
     * become their libpq variables; the application name tells a DBA watching {@code pg_stat_activity} whose
     * process it is.
     */
    public static ClientEnvironment of(ConnectionSettings settings, String applicationName) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("PGHOST", settings.host());
        v.put("PGPORT", Integer.toString(settings.port()));
        v.put("PGDATABASE", settings.database());
        v.put("PGUSER", settings.user());
        v.put("PGSSLMODE", settings.sslmode());
        v.put("PGAPPNAME", applicationName);
        Map<String, String> extras = settings.extraJdbcProperties();
        copy(extras, "sslrootcert", "PGSSLROOTCERT", v);
        copy(extras, "sslcert", "PGSSLCERT", v);
        copy(extras, "sslkey", "PGSSLKEY", v);
        copy(extras, "connectTimeout", "PGCONNECT_TIMEOUT", v);
        Set<String> secretNames = new LinkedHashSet<>();
        List<String> secrets = new ArrayList<>();
        String password = settings.password();
        if (password != null) {
            v.put("PGPASSWORD", password);
            secretNames.add("PGPASSWORD");
            secrets.add(password);
            secrets.add(encode(password));
        }
        v.put("DATABASE_URL", databaseUrl(settings, password));
        if (password != null) secretNames.add("DATABASE_URL");
        return new ClientEnvironment(v, secretNames, secrets);
    }

    /**
     * A {@code postgresql://} URI with the password (Ecto, Prisma and SQLAlchemy read the database there), with
     * {@code sslmode} only when it is not libpq's default, since not every tool accepts the parameter.
     */
    static String databaseUrl(ConnectionSettings s, String password) {
        String host = s.host().indexOf(':') >= 0 ? "[" + s.host() + "]" : s.host();
        return "postgresql://" + encode(s.user()) + (password == null ? "" : ":" + encode(password)) + "@" + host
                + ":" + s.port() + "/" + encode(s.database())
                + ("prefer".equals(s.sslmode()) ? "" : "?sslmode=" + s.sslmode());
    }

    /**
     * This environment plus a step's own {@code env:} entries, whose values may reference ours as
     * {@code ${NAME}} (e.g. a JDBC URL for Flyway built from {@code ${PGHOST}}). An entry that references a
     * secret is a secret itself. A reference to a variable we do not set is refused: it would expand to nothing.
     *
     * @throws IllegalArgumentException naming the entry and the unknown variable
     */
    public ClientEnvironment with(Map<String, String> extra) {
        Map<String, String> v = new LinkedHashMap<>(variables);
        Set<String> names = new LinkedHashSet<>(secretNames);
        List<String> values = new ArrayList<>(secrets);
        extra.forEach((name, template) -> {
            boolean secret = false;
            Matcher m = REFERENCE.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String ref = m.group(1);
                String value = variables.get(ref);
                if (value == null) {
                    throw new IllegalArgumentException("env " + name + " references ${" + ref + "}, which is not one"
                            + " of the variables Runbook Pilot sets: " + String.join(", ", variables.keySet()));
                }
                secret |= secretNames.contains(ref);
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            v.put(name, out.toString());
            if (secret) {
                names.add(name);
                values.add(out.toString());
            }
        });
        return new ClientEnvironment(v, names, values);
    }

    /**
     * This environment with {@code PGOPTIONS=-c default_transaction_read_only=on}: every transaction a libpq-based tool
     * opens is read-only unless the tool itself switches that off. A seat belt for a status command, not a proof: a
     * tool with its own driver (JDBC, Postgrex, sqlx, Prisma) never reads the variable.
     */
    public ClientEnvironment readOnly() {
        Map<String, String> v = new LinkedHashMap<>(variables);
        v.put("PGOPTIONS", "-c default_transaction_read_only=on");
        return new ClientEnvironment(v, secretNames, secrets);
    }

    /** The variables as the operator may see them: secrets replaced by {@link #MASK}. */
    public Map<String, String> shown() {
        Map<String, String> out = new LinkedHashMap<>();
        variables.forEach((k, val) -> out.put(k, secretNames.contains(k) ? mask(val) : val));
        return out;
    }

    /** The text with every secret value replaced by {@link #MASK}. */
    public String mask(String text) {
        String out = text;
        for (String s : secrets) out = out.replace(s, MASK);
        return out;
    }

    private static void copy(Map<String, String> from, String key, String variable, Map<String, String> to) {
        String value = from.get(key);
        if (value != null && !value.isBlank()) to.put(variable, value);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
