package dev.runbookpilot.check;

import dev.runbookpilot.db.ConnectionResolver;
import dev.runbookpilot.db.ConnectionSettings;
import dev.runbookpilot.db.ConnectionSpecException;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.db.Sql;
import dev.runbookpilot.demo.EmbeddedServer;
import dev.runbookpilot.io.ByteSizes;
import dev.runbookpilot.runbook.CheckSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The server a restore drill restores into, and the one scratch database made there. It is planned (named, its
 * place known) before anything exists, so the backup's journaled start can say what to remove after a crash;
 * {@link #open} then starts or reaches the server and refuses one whose major is older than the target's.
 */
final class Scratch {
    private static final String EMBEDDED = "embedded";
    private static final String TARGET = "target";

    private final CheckSpec.Scratch where;
    private final Database db;
    private final ServerInfo target;
    private final Path dataDir;
    private EmbeddedServer embedded;
    private ConnectionSettings server;
    private String version;
    private int versionNum;
    private String created;
    private final List<String> createdRoles = new java.util.ArrayList<>();

    private Scratch(CheckSpec.Scratch where, Database db, ServerInfo target, Path dataDir) {
        this.where = where;
        this.db = db;
        this.target = target;
        this.dataDir = dataDir;
    }

    /** Names the scratch server; nothing is started or created yet. */
    static Scratch plan(CheckSpec.Scratch where, Database db, ServerInfo target, String scratchName) {
        Path dir = where.where() == CheckSpec.ScratchKind.EMBEDDED
                ? Path.of(System.getProperty("java.io.tmpdir")).resolve(scratchName) : null;
        return new Scratch(where, db, target, dir);
    }

    /** How the journal names this server: {@code embedded}, {@code target} or the connection as written. */
    String journalName() {
        return journalName(where);
    }

    /** How the journal names a scratch server: {@code embedded}, {@code target}, or its connection. */
    static String journalName(CheckSpec.Scratch where) {
        return switch (where.where()) {
            case EMBEDDED -> EMBEDDED;
            case TARGET -> TARGET;
            case SERVER -> where.connection();
        };
    }

    Path dataDir() {
        return dataDir;
    }

    String describe() {
        String v = version == null ? "" : " (PostgreSQL " + version + ")";
        return switch (where.where()) {
            case EMBEDDED -> "a throw-away embedded server" + v;
            case TARGET -> "the target server itself" + v;
            case SERVER -> server == null ? where.connection() : server.display().replaceAll("/[^/]*$", "") + v;
        };
    }

    /**
     * Starts or reaches the server. Refuses one older than the target (a newer server's dump may not restore on
     * it) and, on the target itself, a disk without room for a second copy.
     */
    void open() throws BackupChecks.Stop, SQLException {
        switch (where.where()) {
            case EMBEDDED -> {
                try {
                    embedded = EmbeddedServer.start(dataDir);
                } catch (IOException e) {
                    throw new BackupChecks.Stop(Status.ERROR, "no scratch database: the embedded PostgreSQL did not start ("
                            + e.getMessage() + "); name a scratch server (scratch: postgresql://...)");
                }
                server = new ConnectionSettings("localhost", embedded.port(), "postgres", embedded.user(), null,
                        "disable", null, Map.of());
            }
            case TARGET -> {
                server = db.connectionSettings();
                requireFreeSpace();
            }
            case SERVER -> {
                try {
                    server = new ConnectionResolver(System.getenv(), Path.of(System.getProperty("user.home")))
                            .resolve(where.connection());
                } catch (ConnectionSpecException e) {
                    throw new BackupChecks.Stop(Status.ERROR, "no scratch database: the scratch server '"
                            + where.connection() + "' cannot be used: " + e.getMessage());
                }
            }
            default -> throw new IllegalStateException("unknown scratch kind " + where.where());
        }
        try (Connection c = maintenance(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version'),"
                     + " current_setting('server_version_num')::int")) {
            rs.next();
            version = rs.getString(1);
            versionNum = rs.getInt(2);
        } catch (SQLException e) {
            throw new BackupChecks.Stop(Status.ERROR, "no scratch database: cannot connect to " + describe() + ": "
                    + WriteChecks.firstLine(e.getMessage()));
        }
        if (versionNum / 10000 < target.serverVersionNum() / 10000) {
            throw new BackupChecks.Stop(Status.ERROR, "no scratch database: " + describe() + " is older than the target"
                    + " (PostgreSQL " + target.serverVersion() + "), and a dump of a newer server may not restore"
                    + " on it; name a scratch server of at least major " + target.serverVersionNum() / 10000
                    + " (scratch: postgresql://host/postgres)");
        }
    }

    /**
     * The scratch database goes on the target's own disk: a disk it fills stops production. Refused unless that
     * disk is visible from here (the data directory is a local path) and has twice the database's size free.
     */
    private void requireFreeSpace() throws BackupChecks.Stop {
        String dir;
        long databaseBytes;
        try (Connection c = db.readConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('data_directory'),"
                     + " pg_database_size(current_database())")) {
            rs.next();
            dir = rs.getString(1);
            databaseBytes = rs.getLong(2);
        } catch (SQLException e) {
            throw new BackupChecks.Stop(Status.ERROR, "no scratch database on the target: its free space cannot be checked"
                    + " (reading data_directory: " + WriteChecks.firstLine(e.getMessage()) + "); restore to another"
                    + " server (scratch: postgresql://host/postgres)");
        }
        Path data = Path.of(dir);
        if (!Files.isDirectory(data)) {
            throw new BackupChecks.Stop(Status.ERROR, "no scratch database on the target: its data directory " + dir
                    + " is not visible from this machine, so its free space cannot be checked; restore to another"
                    + " server (scratch: postgresql://host/postgres) or to the embedded one");
        }
        long free;
        try {
            free = Files.getFileStore(data).getUsableSpace();
        } catch (IOException e) {
            throw new BackupChecks.Stop(Status.ERROR, "no scratch database on the target: cannot read the free space of "
                    + dir + ": " + e.getMessage());
        }
        long needed = databaseBytes * BackupChecks.FREE_SPACE_FACTOR;
        if (free < needed) {
            throw new BackupChecks.Stop(Status.ERROR, "no scratch database on the target: "
                    + ByteSizes.human(free) + " free on its disk, and a restore drill needs " + BackupChecks.FREE_SPACE_FACTOR + " × the"
                    + " database's " + ByteSizes.human(databaseBytes) + "; restore to another server");
        }
    }

    /**
     * A copy server the operator names must not be the original's cluster: there the copy would sit beside
     * production without the free-space check the explicit opt-in ({@code --copy-on-target}) makes.
     */
    void requireNotOriginal(Database original) throws BackupChecks.Stop {
        String mine;
        String theirs;
        try (Connection c = maintenance(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
            rs.next();
            mine = rs.getString(1);
        } catch (SQLException e) {
            mine = null;
        }
        try (Connection c = original.readConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
            rs.next();
            theirs = rs.getString(1);
        } catch (SQLException e) {
            theirs = null;
        }
        ConnectionSettings o = original.connectionSettings();
        boolean same = mine != null && theirs != null ? mine.equals(theirs)
                : o.host().equals(server.host()) && o.port() == server.port();
        if (same) {
            throw new BackupChecks.Stop(Status.ERROR, "no scratch database: " + describe() + " is the original's own"
                    + " server; name another server, or opt in with --copy-on-target (it checks the free space)");
        }
    }

    /** Creates the scratch database empty, dropping a leftover of the same (unmistakably ours) name first. */
    void create(String name) throws SQLException {
        try (Connection c = maintenance(); Statement s = c.createStatement()) {
            s.execute(dropSql(name, versionNum));
            String encoding = target.database() == null ? "UTF8" : encodingOfTarget();
            s.execute("CREATE DATABASE " + Sql.ident(name) + " TEMPLATE template0 ENCODING '" + encoding
                    + "' LC_COLLATE 'C' LC_CTYPE 'C'");
            created = name;
        }
    }

    private String encodingOfTarget() throws SQLException {
        try (Connection c = db.readConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_encoding_to_char(encoding) FROM pg_database"
                     + " WHERE datname = current_database()")) {
            rs.next();
            return rs.getString(1).replace("'", "");
        }
    }

    /** Of {@code roles}, those the scratch server does not have, in their order. */
    List<String> missingRoles(List<String> roles) throws SQLException {
        if (roles.isEmpty()) return List.of();
        try (Connection c = maintenance();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT rolname FROM pg_catalog.pg_roles"
                     + " WHERE rolname = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", roles.toArray()));
            java.util.Set<String> present = new java.util.HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) present.add(rs.getString(1));
            }
            return roles.stream().filter(r -> !present.contains(r)).toList();
        }
    }

    /**
     * Creates each role NOLOGIN (nobody can sign in as it) on a scratch server that is not the original's; the roles
     * made are remembered, and {@link #close} drops them again.
     */
    void createRoles(List<String> roles) throws SQLException {
        if (where.where() == CheckSpec.ScratchKind.TARGET) {
            throw new IllegalStateException("roles are never created on the original's server");
        }
        try (Connection c = maintenance(); Statement s = c.createStatement()) {
            for (String role : roles) {
                s.execute("CREATE ROLE " + Sql.ident(role) + " NOLOGIN");
                createdRoles.add(role);
            }
        }
    }

    /** The scratch database's connection settings, for pg_restore. */
    ConnectionSettings settings(String database) {
        return new ConnectionSettings(server.host(), server.port(), database, server.user(), server.password(),
                server.sslmode(), server.passwordSource(), server.extraJdbcProperties());
    }

    Connection connect(String database) throws SQLException {
        ConnectionSettings s = settings(database);
        Properties p = s.jdbcProperties();
        p.setProperty("ApplicationName", Database.applicationName("restore drill"));
        return DriverManager.getConnection(s.jdbcUrl(), p);
    }

    /** A connection for CREATE and DROP DATABASE: to the target itself, or the scratch server's own database. */
    private Connection maintenance() throws SQLException {
        if (where.where() == CheckSpec.ScratchKind.TARGET) {
            Connection c = db.openWriter();
            c.setAutoCommit(true);
            return c;
        }
        return connect(server.database());
    }

    /** Drops the scratch database and stops a throw-away server; what it cannot remove goes to {@code leftovers}. */
    void close(List<String> leftovers) {
        if (created != null) {
            try (Connection c = maintenance(); Statement s = c.createStatement()) {
                s.execute(dropSql(created, versionNum));
                created = null;
            } catch (SQLException e) {
                if (embedded == null) {
                    leftovers.add("the scratch database " + created + " on " + describe() + " ("
                            + WriteChecks.firstLine(e.getMessage()) + "); drop it by hand");
                }
            }
        }
        if (!createdRoles.isEmpty() && embedded == null && created != null) {
            leftovers.add("the role(s) " + String.join(", ", createdRoles) + " created NOLOGIN on " + describe()
                    + " for the copy that is still there; drop them by hand after it");
        } else if (!createdRoles.isEmpty() && embedded == null) {
            // Made for this copy only, and with the copy gone nothing of this server depends on them.
            try (Connection c = maintenance(); Statement s = c.createStatement()) {
                while (!createdRoles.isEmpty()) {
                    s.execute("DROP ROLE IF EXISTS " + Sql.ident(createdRoles.get(0)));
                    createdRoles.remove(0);
                }
            } catch (SQLException e) {
                leftovers.add("the role(s) " + String.join(", ", createdRoles) + " created NOLOGIN on " + describe()
                        + " (" + WriteChecks.firstLine(e.getMessage()) + "); drop them by hand");
            }
        }
        if (embedded != null) {
            try {
                embedded.close();
                EmbeddedServer.discard(dataDir);
            } catch (IOException e) {
                leftovers.add("the scratch server's directory " + dataDir + " (" + e.getMessage() + ")");
            }
            embedded = null;
        } else if (dataDir != null) {
            try {
                EmbeddedServer.discard(dataDir);
            } catch (IOException e) {
                leftovers.add("the scratch server's directory " + dataDir + " (" + e.getMessage() + ")");
            }
        }
    }

    private static String dropSql(String name, int versionNum) {
        // WITH (FORCE) ends sessions a killed pg_restore left behind (PostgreSQL 13 and later).
        return "DROP DATABASE IF EXISTS " + Sql.ident(name) + (versionNum >= 130000 ? " WITH (FORCE)" : "");
    }

    /** Removes a scratch database or server a crashed backup journaled, as {@link #journalName} named it. */
    static void dropLeftover(Database db, String server, String name, String dataDir, List<String> leftovers) {
        if (EMBEDDED.equals(server)) {
            if (dataDir == null) return;
            try {
                EmbeddedServer.discard(Path.of(dataDir));
            } catch (IOException e) {
                leftovers.add("the scratch server's directory " + dataDir + " (" + e.getMessage() + ")");
            }
            return;
        }
        CheckSpec.Scratch where = TARGET.equals(server) ? CheckSpec.Scratch.TARGET
                : new CheckSpec.Scratch(CheckSpec.ScratchKind.SERVER, server);
        Scratch s = new Scratch(where, db, null, null);
        try {
            s.server = where.where() == CheckSpec.ScratchKind.TARGET ? db.connectionSettings()
                    : new ConnectionResolver(System.getenv(), Path.of(System.getProperty("user.home")))
                    .resolve(server);
            try (Connection c = s.maintenance(); Statement st = c.createStatement()) {
                st.execute(dropSql(name, c.getMetaData().getDatabaseMajorVersion() * 10000));
            }
        } catch (SQLException | ConnectionSpecException | RuntimeException e) {
            leftovers.add("the scratch database " + name + " on " + server + " (" + e.getMessage()
                    + "); drop it by hand");
        }
    }
}
