package dev.runbookpilot.check;

import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.ConnectionSettings;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.proc.ChildProcess;
import dev.runbookpilot.proc.ClientEnvironment;
import dev.runbookpilot.proc.PgTools;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.RunbookLoader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The copy of a target that a rehearsal runs on: the original dumped with {@code pg_dump} (schema only, or schema
 * and data) in a read-only transaction, restored with {@code pg_restore} into a fresh database on the copy server
 * (a throw-away embedded server, a server the operator names, or the original's own server when they opt in), and
 * dropped at the end. It reuses the restore drill's {@link Scratch} for the server: the same version and free-space
 * rules, the same journal names for what a crash leaves behind.
 *
 * <p>The original is only read: pg_dump runs with {@code default_transaction_read_only=on}, and nothing else of the
 * tool connects to it after the copy is made.
 */
public final class TargetCopy implements AutoCloseable {
    /** How long the dump and the restore may each take before they are stopped. */
    private static final Duration TIMEOUT = Duration.ofHours(12);
    private static final int KEEP_LINES = 100;
    /** Every copy's database name starts so; an original of that name is refused (it may be another copy). */
    public static final String PREFIX = "rp_rehearsal_";

    /** What the copy holds. */
    public enum Data {
        /** Tables, indexes, functions, but no rows: fast, but blind to migrations that fail on data. */
        SCHEMA("schema"),
        /** Schema and every row: the migration meets the data it will meet in the window. */
        FULL("full");

        private final String yamlName;

        Data(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }

        public static Data parse(String text) {
            for (Data d : values()) {
                if (d.yamlName.equalsIgnoreCase(text == null ? "" : text.strip())) return d;
            }
            throw new IllegalArgumentException("--data is 'schema' or 'full', not '" + text + "'");
        }
    }

    /** The copy could not be made; nothing of it is left unless {@link #getMessage} says so. */
    public static final class Failed extends Exception {
        public Failed(String message) {
            super(message);
        }
    }

    private final Scratch scratch;
    private final String name;

    private TargetCopy(Scratch scratch, String name) {
        this.scratch = scratch;
        this.name = name;
    }

    /**
     * {@code rp_rehearsal_<session>}: nobody takes it for a real database, and it is known before the copy exists.
     * Cut to PostgreSQL's 63 bytes with a hash suffix.
     */
    public static String databaseName(String sessionId) {
        String raw = (PREFIX + sessionId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (raw.length() <= 63) return raw;
        return raw.substring(0, 54) + "_" + RunbookLoader.sha256(raw.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    }

    /**
     * The copy database's name. On the throw-away embedded server the tool just started (nothing else lives there)
     * the copy keeps the original's name, so a runbook's checks of {@code current_database()} hold on the copy as
     * they will in the window; on any other server it is {@link #databaseName}, never a name that may already exist.
     */
    public static String copyName(CheckSpec.Scratch where, String sessionId, String originalName) {
        boolean reserved = List.of("postgres", "template0", "template1").contains(originalName);
        return where.where() == CheckSpec.ScratchKind.EMBEDDED && !reserved ? originalName : databaseName(sessionId);
    }

    /** How the journal names the copy server: {@code embedded}, {@code target} or the connection as given. */
    public static String serverName(CheckSpec.Scratch where) {
        return Scratch.journalName(where);
    }

    /** The throw-away embedded server's data directory for that session's copy; null on any other server. */
    public static Path dataDir(CheckSpec.Scratch where, String sessionId) {
        return Scratch.plan(where, null, null, databaseName(sessionId)).dataDir();
    }

    /**
     * Dumps the original and restores it into the copy {@code name} on {@code where}. On failure everything made so
     * far is removed before {@link Failed} is thrown (what could not be removed is in its message).
     *
     * <p>The copy is restored without owners and privileges (its objects belong to the copy's user, the proof leaves
     * owners and privileges out), but the roles the original's database names (owners, grantees, policies) must
     * exist on the copy server for a migration's or rollback's {@code GRANT}, {@code OWNER TO} or {@code SET ROLE} to
     * run as in the window. Those missing there are created NOLOGIN on the throw-away embedded server always, on a
     * server the operator names only when {@code createRoles}; they are dropped with the copy (ADR 0022).
     */
    public static TargetCopy make(CheckSpec.Scratch where, Database original, ServerInfo originalServer,
                                  String sessionId, Data data, boolean createRoles, CancelToken token,
                                  Consumer<String> output)
            throws Failed, InterruptedException {
        if (originalServer.database().startsWith(PREFIX)) {
            throw new Failed("the database '" + originalServer.database() + "' is itself a rehearsal's copy; rehearse"
                    + " against the original");
        }
        String name = copyName(where, sessionId, originalServer.database());
        Scratch scratch = Scratch.plan(where, original, originalServer, databaseName(sessionId));
        TargetCopy copy = new TargetCopy(scratch, name);
        Path work = null;
        try {
            PgTools.Tool pgDump = PgTools.find("pg_dump");
            PgTools.Tool pgRestore = PgTools.find("pg_restore");
            PgTools.requireAtLeastServer(pgDump, originalServer.serverVersion(), originalServer.serverVersionNum());
            scratch.open();
            PgTools.requireAtLeastServer(pgRestore, originalServer.serverVersion(), originalServer.serverVersionNum());
            if (where.where() == CheckSpec.ScratchKind.SERVER) scratch.requireNotOriginal(original);
            work = Files.createTempDirectory("rp-rehearsal-");
            Path dump = work.resolve("original.dump");
            List<String> dumpArgv = new ArrayList<>(List.of(pgDump.path().toString(), "--format=custom",
                    "--no-password", "--lock-wait-timeout=" + BackupChecks.LOCK_WAIT_TIMEOUT, "--file=" + dump));
            if (data == Data.SCHEMA) dumpArgv.add("--schema-only");
            // Read-only at the server, whatever pg_dump does: the original is never written by a rehearsal.
            ClientEnvironment readOnly = ClientEnvironment.of(original.connectionSettings(),
                    Database.applicationName("rehearsal copy")).with(Map.of("PGOPTIONS",
                    "-c default_transaction_read_only=on"));
            output.accept("pg_dump of " + originalServer.database() + " (" + data.yamlName() + ") …");
            runTool("pg_dump", dumpArgv, work, readOnly, token, output);
            scratch.create(name);
            provideRoles(where, scratch, referencedRoles(original), createRoles, output);
            output.accept("pg_restore into " + name + " on " + scratch.describe() + " …");
            runTool("pg_restore", List.of(pgRestore.path().toString(), "--dbname=" + name, "--no-owner",
                    "--no-privileges", "--exit-on-error", "--no-password", dump.toString()), work,
                    ClientEnvironment.of(scratch.settings(name), Database.applicationName("rehearsal copy")), token,
                    output);
            return copy;
        } catch (BackupChecks.Stop e) {
            throw copy.failed(e.getMessage().replace("no scratch database", "no copy"));
        } catch (PgTools.Refused e) {
            throw copy.failed("no copy: " + e.getMessage());
        } catch (java.sql.SQLException e) {
            throw copy.failed("no copy: " + WriteChecks.firstLine(e.getMessage()));
        } catch (IOException e) {
            throw copy.failed("no copy: " + e.getMessage());
        } catch (Failed e) {
            throw copy.failed(e.getMessage());
        } catch (InterruptedException | RuntimeException e) {
            copy.close();
            throw e;
        } finally {
            if (work != null) {
                try {
                    BackupChecks.deleteTree(work);
                } catch (IOException e) {
                    output.accept("cannot remove the dump " + work + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * The roles the original's database depends on: its owner, and every role that owns an object in it, is granted
     * a privilege on one or is named by a policy or default privileges there ({@code pg_shdepend}). Predefined
     * {@code pg_*} roles exist on every server and are left out.
     */
    static List<String> referencedRoles(Database original) throws java.sql.SQLException {
        List<String> roles = new ArrayList<>();
        try (java.sql.Connection c = original.readConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("""
                     SELECT r.rolname FROM pg_catalog.pg_roles r
                      WHERE (r.oid IN (SELECT d.refobjid FROM pg_catalog.pg_shdepend d
                                        WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass
                                          AND d.dbid = (SELECT oid FROM pg_catalog.pg_database
                                                         WHERE datname = pg_catalog.current_database()))
                             OR r.oid = (SELECT datdba FROM pg_catalog.pg_database
                                          WHERE datname = pg_catalog.current_database()))
                        AND r.rolname NOT LIKE 'pg\\_%'
                      ORDER BY 1""")) {
            while (rs.next()) roles.add(rs.getString(1));
        }
        return roles;
    }

    private static void provideRoles(CheckSpec.Scratch where, Scratch scratch, List<String> referenced,
                                     boolean createRoles, Consumer<String> output) throws java.sql.SQLException {
        if (where.where() == CheckSpec.ScratchKind.TARGET) return;
        List<String> missing = scratch.missingRoles(referenced);
        if (missing.isEmpty()) return;
        if (where.where() == CheckSpec.ScratchKind.EMBEDDED || createRoles) {
            scratch.createRoles(missing);
            output.accept("created role" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + " NOLOGIN on " + scratch.describe() + " (the original's schema names "
                    + (missing.size() == 1 ? "it" : "them") + "); dropped with the copy");
        } else {
            output.accept("the copy server has no role " + String.join(", ", missing) + " (the original's schema"
                    + " names " + (missing.size() == 1 ? "it" : "them") + "): a migration or rollback statement"
                    + " naming one fails on the copy; --create-roles creates them NOLOGIN for the rehearsal");
        }
    }

    private Failed failed(String message) {
        List<String> left = drop();
        return new Failed(left.isEmpty() ? message : message + "; left behind: " + String.join("; ", left));
    }

    private static void runTool(String what, List<String> argv, Path cwd, ClientEnvironment env, CancelToken token,
                                Consumer<String> output) throws Failed, InterruptedException {
        ChildProcess.Result r;
        try {
            r = ChildProcess.run(ChildProcess.Spec.against(argv, cwd, env, TIMEOUT, KEEP_LINES), token,
                    line -> output.accept(line.text()));
        } catch (ChildProcess.CannotStart e) {
            throw new Failed("no copy: " + what + " did not start: " + e.getMessage());
        }
        if (r.ending() != ChildProcess.Ending.EXITED || r.exitCode() == null || r.exitCode() != 0) {
            List<ChildProcess.Line> kept = r.kept();
            String last = String.join(" | ", kept.subList(Math.max(0, kept.size() - 5), kept.size()).stream()
                    .map(ChildProcess.Line::text).toList());
            throw new Failed("no copy: " + what + " " + (r.exitCode() == null ? "was stopped (" + r.ending() + ")"
                    : "failed (exit " + r.exitCode() + ")") + (last.isEmpty() ? "" : ": " + last));
        }
    }

    /** The copy database's name. */
    public String name() {
        return name;
    }

    /** The copy's connection settings: the session connects here, and only here. */
    public ConnectionSettings settings() {
        return scratch.settings(name);
    }

    /** Where the copy lives, as the operator reads it. */
    public String describe() {
        return name + " on " + scratch.describe();
    }

    /**
     * Drops the copy and stops a throw-away server. Every connection to the copy must be closed first (a forced
     * drop ends stragglers on PostgreSQL 13 and later).
     *
     * @return what could not be removed, empty when the copy is gone
     */
    public List<String> drop() {
        List<String> leftovers = new ArrayList<>();
        scratch.close(leftovers);
        return leftovers;
    }

    @Override
    public void close() {
        drop();
    }

    /**
     * After a crash: drops the copy a rehearsal's journal names. {@code original} is needed only when the copy was
     * on the original's own server; the name must be a rehearsal copy's, so an edited journal cannot drop another
     * database.
     *
     * @return what could not be removed, empty when nothing is left
     */
    public static List<String> dropLeftover(Database original, String sessionId, String server, String name,
                                            String dataDir) {
        List<String> leftovers = new ArrayList<>();
        if ("embedded".equals(server)) {
            // The whole throw-away server goes, and with it the copy: its directory must be this session's.
            Path d = dataDir == null ? null : Path.of(dataDir).getFileName();
            if (d == null || !d.toString().equals(databaseName(sessionId))) {
                leftovers.add("nothing removed: " + dataDir + " is not this rehearsal's copy server; check by hand");
                return leftovers;
            }
        } else if (name == null || !name.equals(databaseName(sessionId))) {
            leftovers.add("nothing dropped: '" + name + "' is not this rehearsal's copy; check by hand");
            return leftovers;
        }
        if (original == null && "target".equals(server)) {
            leftovers.add("the copy " + name + " on the original's server (cannot connect there now); drop it by hand");
            return leftovers;
        }
        Scratch.dropLeftover(original, server, name, dataDir, leftovers);
        return leftovers;
    }
}
