package dev.runbookpilot.check;

import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.db.Sql;
import dev.runbookpilot.io.ByteSizes;
import dev.runbookpilot.proc.ChildProcess;
import dev.runbookpilot.proc.ClientEnvironment;
import dev.runbookpilot.proc.PgTools;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.RunbookLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Takes a backup with {@code pg_dump} and proves it: the dump is read back ({@code pg_restore --list}) and, for a
 * restore drill, restored into a scratch database whose exact row counts must equal those counted in the very
 * snapshot the dump saw.
 *
 * <p>Consistency: a dedicated connection opens a REPEATABLE READ READ ONLY transaction, exports its snapshot, counts
 * every table in it, and stays open while {@code pg_dump --snapshot} dumps that same snapshot. Rows other sessions
 * write meanwhile are in neither, so the comparison is exact on a live database.
 *
 * <p>Nothing half-done looks done: pg_dump writes under a temporary name that is moved into place only after it
 * exited 0, and the temporary path and the scratch database are journaled before either exists, so a resume after
 * a crash removes them ({@link #cleanUp}).
 */
public final class BackupChecks {
    private static final Logger log = LoggerFactory.getLogger(BackupChecks.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    /** Lines of pg_dump or pg_restore output kept at the head and at the tail. */
    private static final int KEEP_LINES = 100;
    /** pg_dump gives up on a table it cannot lock within this time instead of queueing behind a migration. */
    static final String LOCK_WAIT_TIMEOUT = "60s";
    /** A scratch database on the target needs this multiple of the database's size free on its disk. */
    static final int FREE_SPACE_FACTOR = 2;
    private static final String TABLES_SQL = "SELECT n.nspname, c.relname FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind = 'r' AND c.relpersistence <> 't'"
            + " AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'"
            + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
            + " AND d.objid = c.oid AND d.deptype = 'e')"
            + " ORDER BY 1, 2";

    private BackupChecks() {}

    /**
     * What the session provides: where the scratch server's embedded variant comes from, how the backup's start is
     * journaled, and where its output lines go.
     */
    public interface Hooks {
        /** Journals the temporary path and the scratch database before either exists; a failure stops the backup. */
        void began(Path partial, String scratchServer, String scratchDatabase, Path scratchDataDir) throws IOException;

        /** One line pg_dump or pg_restore printed (already masked). */
        void output(String line);
    }

    /** The request: which step, which spec, and the tables the runbook's earlier snapshots count on. */
    public record Request(String sessionId, String stepId, int index, CheckSpec.Backup spec, Database db,
                          ServerInfo server, List<String> requiredTables, CancelToken token) {
        public Request {
            requiredTables = List.copyOf(requiredTables);
        }
    }

    /** The result, and whether every temporary thing was removed (if not, {@code leftover} says what is left). */
    public record Done(CheckResult result, boolean cleaned, String leftover) {}

    /** One table as counted: its schema-qualified display name and its identifiers. */
    record Table(String schema, String name, long rows) {
        String display() {
            return schema + "." + name;
        }
    }

    /** A step that cannot go on: ERROR or FAILED with the reason, and what was proven so far. */
    static final class Stop extends Exception {
        final Status status;

        Stop(Status status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** Mutable record of the run, turned into a {@link CheckDetail.BackupProof} at the end. */
    private static final class Proof {
        String file;
        Long size;
        String sha256;
        long dumpMillis;
        String pgDump;
        String pgRestore;
        String snapshotId;
        Integer entries;
        List<String> missing = List.of();
        String scratch;
        String restore;
        List<CheckDetail.RestoredCount> counts = List.of();
        String commandLine;
    }

    public static Done run(Request req, Hooks session) {
        Hooks hooks = logged(req, session);
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        CheckSpec.Backup spec = req.spec();
        Proof proof = new Proof();
        Status status;
        String actual;
        List<String> leftovers = new ArrayList<>();
        Path partial = null;
        Scratch scratch = null;
        try {
            PgTools.Tool pgDump = PgTools.find("pg_dump");
            PgTools.Tool pgRestore = PgTools.find("pg_restore");
            proof.pgDump = pgDump.describe();
            proof.pgRestore = pgRestore.describe();
            // Before anything runs: a client older than the server is refused with both versions.
            PgTools.requireAtLeastServer(pgDump, req.server().serverVersion(), req.server().serverVersionNum());
            PgTools.requireAtLeastServer(pgRestore, req.server().serverVersion(), req.server().serverVersionNum());
            String scratchName = scratchDatabaseName(req.sessionId(), req.stepId());
            if (spec.verify() == CheckSpec.BackupVerify.RESTORE) {
                scratch = Scratch.plan(spec.scratch(), req.db(), req.server(), scratchName);
                proof.scratch = scratch.describe();
            }
            Files.createDirectories(spec.dir());
            String finalName = fileName(req.server().database(), req.sessionId(), Instant.now(), spec.format());
            Path target = spec.dir().resolve(finalName);
            partial = spec.dir().resolve("." + finalName + ".partial");
            if (Files.exists(target) || Files.exists(partial)) {
                throw new Stop(Status.ERROR, target + " already exists; a backup never overwrites a file");
            }
            hooks.began(partial, scratch == null ? null : scratch.journalName(),
                    scratch == null ? null : scratchName, scratch == null ? null : scratch.dataDir());
            if (scratch != null) {
                // Before the dump: a drill that cannot happen is said at once, not after an hour of pg_dump.
                scratch.open();
                proof.scratch = scratch.describe();
            }
            List<Table> tables = dumpInSnapshot(req, pgDump, partial, proof, hooks);
            moveIntoPlace(partial, target);
            proof.file = target.toString();
            proof.size = sizeOf(target);
            proof.sha256 = sha256(target);
            List<String> toc = list(pgRestore, target, req, hooks);
            proof.entries = (int) toc.stream().filter(l -> !l.isBlank() && !l.startsWith(";")).count();
            proof.missing = missing(toc, tables, req.requiredTables());
            if (!proof.missing.isEmpty()) {
                throw new Stop(Status.FAILED, "the dump lacks the data of " + String.join(", ", proof.missing));
            }
            if (scratch == null) {
                status = Status.PASSED;
                actual = "backup of " + tables.size() + " tables read back: " + proof.entries + " entries, "
                        + ByteSizes.human(proof.size) + ", SHA-256 " + proof.sha256;
            } else {
                restoreDrill(req, pgRestore, target, tables, scratch, scratchName, proof, hooks);
                long off = proof.counts.stream().filter(c -> !c.matches()).count();
                status = off == 0 ? Status.PASSED : Status.FAILED;
                actual = off == 0
                        ? "backup restored into " + scratch.describe() + ": all " + tables.size() + " tables have the"
                        + " snapshot's row counts; " + ByteSizes.human(proof.size) + ", SHA-256 " + proof.sha256
                        : off + " of " + tables.size() + " tables restored with other row counts than the snapshot"
                        + " the dump saw";
            }
        } catch (Stop e) {
            status = e.status;
            actual = e.getMessage();
        } catch (PgTools.Refused e) {
            status = Status.ERROR;
            actual = "not run: " + e.getMessage();
        } catch (SQLException e) {
            status = Status.ERROR;
            actual = req.token().isCancelled() ? req.token().reason() : "database: " + WriteChecks.firstLine(
                    e.getMessage());
        } catch (IOException e) {
            status = Status.ERROR;
            actual = "cannot write the backup: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            req.token().cancel();
            status = Status.ERROR;
            actual = "interrupted before it finished";
        } catch (RuntimeException e) {
            log.error("backup {}#{} failed unexpectedly", req.stepId(), req.index(), e);
            status = Status.ERROR;
            actual = "internal error: " + e;
        } finally {
            if (partial != null) removePartial(partial, leftovers);
            if (scratch != null) scratch.close(leftovers);
        }
        CheckDetail.BackupProof detail = new CheckDetail.BackupProof(proof.file, spec.format().yamlName(), proof.size,
                proof.sha256, proof.dumpMillis, proof.pgDump, proof.pgRestore, req.server().serverVersion(),
                proof.snapshotId, proof.entries, proof.missing, spec.verify().yamlName(), proof.scratch,
                proof.restore, proof.counts, proof.commandLine);
        if (!leftovers.isEmpty()) actual = actual + "; left behind: " + String.join("; ", leftovers);
        log.info("backup {}#{} {}: {} ({})", req.stepId(), req.index(), status, actual, proof.commandLine);
        CheckResult result = new CheckResult(req.stepId(), req.index(), spec.kind(), spec.label(), status,
                spec.describe(), actual, null, Duration.ofNanos(System.nanoTime() - t0).toMillis(), null,
                status == Status.ERROR ? actual : null, detail, start, Instant.now());
        return new Done(result, leftovers.isEmpty(), String.join("; ", leftovers));
    }

    /** The session's hooks, with every output line also in the log (masked like everything a tool prints). */
    private static Hooks logged(Request req, Hooks session) {
        return new Hooks() {
            @Override
            public void began(Path partial, String server, String database, Path dataDir) throws IOException {
                session.began(partial, server, database, dataDir);
            }

            @Override
            public void output(String line) {
                log.debug("backup {}#{}: {}", req.stepId(), req.index(), line);
                session.output(line);
            }
        };
    }

    // ---------------------------------------------------------------- dump

    /**
     * Exports a snapshot, counts every table in it, and runs pg_dump on that snapshot while the exporting
     * transaction stays open. Returns the tables with their counts.
     */
    private static List<Table> dumpInSnapshot(Request req, PgTools.Tool pgDump, Path partial, Proof proof,
                                              Hooks hooks) throws SQLException, Stop, InterruptedException {
        CheckSpec.Backup spec = req.spec();
        try (Connection c = req.db().openBackupSnapshot()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try (Statement s = c.createStatement()) {
                req.token().register(s);
                try (ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
                    rs.next();
                    proof.snapshotId = rs.getString(1);
                } finally {
                    req.token().unregister(s);
                }
            }
            List<Table> tables = countTables(c, req.token());
            hooks.output("counted " + tables.size() + " tables in snapshot " + proof.snapshotId);
            List<String> argv = new ArrayList<>(List.of(pgDump.path().toString(),
                    "--format=" + spec.format().yamlName(), "--snapshot=" + proof.snapshotId, "--verbose",
                    "--no-password", "--lock-wait-timeout=" + LOCK_WAIT_TIMEOUT, "--file=" + partial));
            if (spec.format() == CheckSpec.BackupFormat.DIRECTORY) argv.add("--jobs=" + spec.jobs());
            // The database comes from PGDATABASE, like host, port and user: never a password on a command line.
            proof.commandLine = String.join(" ", argv);
            ClientEnvironment env = ClientEnvironment.of(req.db().connectionSettings(),
                    Database.applicationName("backup"));
            ChildProcess.Result r;
            try {
                r = ChildProcess.run(ChildProcess.Spec.against(argv, partial.getParent(), env, spec.meta().timeout(),
                        KEEP_LINES), req.token(), line -> hooks.output(line.text()));
            } catch (ChildProcess.CannotStart e) {
                throw new Stop(Status.ERROR, "pg_dump did not start: " + e.getMessage());
            }
            proof.dumpMillis = r.duration().toMillis();
            c.rollback();
            if (r.ending() == ChildProcess.Ending.CANCELLED) {
                throw new Stop(Status.ERROR, req.token().reason() + " while pg_dump ran; it was stopped");
            }
            if (r.ending() == ChildProcess.Ending.TIMED_OUT) {
                throw new Stop(Status.ERROR, "pg_dump did not finish within " + spec.meta().timeout().toSeconds()
                        + " s (the step's timeout) and was stopped");
            }
            if (r.exitCode() != 0) {
                throw new Stop(Status.ERROR, "pg_dump failed (exit " + r.exitCode() + "): " + lastLines(r));
            }
            return tables;
        }
    }

    private static List<Table> countTables(Connection c, CancelToken token) throws SQLException {
        List<String[]> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TABLES_SQL)) {
            token.register(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) names.add(new String[] {rs.getString(1), rs.getString(2)});
            } finally {
                token.unregister(ps);
            }
        }
        List<Table> out = new ArrayList<>();
        for (String[] n : names) {
            try (Statement s = c.createStatement()) {
                token.register(s);
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + Sql.qualified(n[0], n[1]))) {
                    rs.next();
                    out.add(new Table(n[0], n[1], rs.getLong(1)));
                } finally {
                    token.unregister(s);
                }
            }
        }
        return out;
    }

    /** Forces the finished dump to disk, then gives it its final name in one step. */
    private static void moveIntoPlace(Path partial, Path target) throws IOException {
        if (Files.isDirectory(partial)) {
            try (Stream<Path> files = Files.list(partial)) {
                for (Path f : files.toList()) force(f);
            }
        } else {
            force(partial);
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + partial + " to " + target + " in one step: " + e.getMessage(), e);
        }
        forceDirectory(target.getParent());
    }

    private static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not every platform opens a directory for sync; the file itself is on disk.
            log.debug("cannot sync directory {}: {}", dir, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- proof

    private static List<String> list(PgTools.Tool pgRestore, Path dump, Request req, Hooks hooks)
            throws Stop, InterruptedException {
        List<String> lines = new ArrayList<>();
        ChildProcess.Result r;
        try {
            r = ChildProcess.run(new ChildProcess.Spec(List.of(pgRestore.path().toString(), "--list",
                    dump.toString()), dump.getParent(), Map.of(), ClientEnvironment.OVERRIDDEN,
                    req.spec().meta().timeout(), null, KEEP_LINES), req.token(), line -> {
                        if (line.stream() == ChildProcess.Stream.OUT) lines.add(line.text());
                    });
        } catch (ChildProcess.CannotStart e) {
            throw new Stop(Status.ERROR, "pg_restore --list did not start: " + e.getMessage());
        }
        if (r.ending() != ChildProcess.Ending.EXITED || r.exitCode() != 0) {
            throw new Stop(Status.FAILED, "pg_restore --list cannot read the dump back ("
                    + (r.exitCode() == null ? r.ending() : "exit " + r.exitCode()) + "): " + lastLines(r));
        }
        hooks.output("pg_restore --list read " + lines.size() + " lines back");
        return lines;
    }

    /**
     * Tables whose data the dump's table of contents lacks: every table counted in the snapshot, and every table a
     * snapshot check of the runbook names. A TOC data line reads {@code 3345; 0 16390 TABLE DATA schema name owner}.
     */
    static List<String> missing(List<String> toc, List<Table> counted, List<String> required) {
        List<String> dataLines = toc.stream().filter(l -> !l.startsWith(";"))
                .map(l -> {
                    int i = l.indexOf(" TABLE DATA ");
                    return i < 0 ? null : l.substring(i + " TABLE DATA ".length());
                })
                .filter(java.util.Objects::nonNull).toList();
        Map<String, Boolean> wanted = new LinkedHashMap<>();
        for (String r : required) wanted.put(r, false);
        for (Table t : counted) wanted.put(t.display(), false);
        List<String> out = new ArrayList<>();
        for (String name : wanted.keySet()) {
            int dot = name.indexOf('.');
            String prefix = name.substring(0, dot) + " " + name.substring(dot + 1) + " ";
            if (dataLines.stream().noneMatch(l -> l.startsWith(prefix))) out.add(name);
        }
        return out;
    }

    private static void restoreDrill(Request req, PgTools.Tool pgRestore, Path dump, List<Table> tables,
                                     Scratch scratch, String scratchName, Proof proof, Hooks hooks)
            throws Stop, SQLException, InterruptedException {
        scratch.create(scratchName);
        List<String> argv = new ArrayList<>(List.of(pgRestore.path().toString(), "--dbname=" + scratchName,
                "--no-owner", "--no-privileges", "--exit-on-error", "--verbose", "--no-password",
                "--jobs=" + req.spec().jobs(), dump.toString()));
        ClientEnvironment env = ClientEnvironment.of(scratch.settings(scratchName),
                Database.applicationName("restore drill"));
        ChildProcess.Result r;
        try {
            r = ChildProcess.run(ChildProcess.Spec.against(argv, dump.getParent(), env,
                    req.spec().meta().timeout(), KEEP_LINES), req.token(), line -> hooks.output(line.text()));
        } catch (ChildProcess.CannotStart e) {
            throw new Stop(Status.ERROR, "pg_restore did not start: " + e.getMessage());
        }
        if (r.ending() == ChildProcess.Ending.CANCELLED) {
            throw new Stop(Status.ERROR, req.token().reason() + " while pg_restore ran; it was stopped");
        }
        if (r.ending() == ChildProcess.Ending.TIMED_OUT) {
            throw new Stop(Status.ERROR, "pg_restore did not finish within " + req.spec().meta().timeout().toSeconds()
                    + " s (the step's timeout) and was stopped");
        }
        if (r.exitCode() != 0) {
            proof.restore = "pg_restore failed (exit " + r.exitCode() + "): " + lastLines(r);
            throw new Stop(Status.FAILED, "the backup did not restore into " + scratch.describe() + ": "
                    + proof.restore);
        }
        List<CheckDetail.RestoredCount> counts = new ArrayList<>();
        try (Connection c = scratch.connect(scratchName)) {
            for (Table t : tables) {
                Long restored;
                try (Statement s = c.createStatement()) {
                    req.token().register(s);
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM "
                            + Sql.qualified(t.schema(), t.name()))) {
                        rs.next();
                        restored = rs.getLong(1);
                    } catch (SQLException e) {
                        if (!"42P01".equals(e.getSQLState())) throw e;
                        restored = null;
                    } finally {
                        req.token().unregister(s);
                    }
                }
                counts.add(new CheckDetail.RestoredCount(t.display(), t.rows(), restored));
            }
        }
        proof.counts = counts;
        long off = counts.stream().filter(cnt -> !cnt.matches()).count();
        proof.restore = "restored in " + r.duration().toSeconds() + " s; " + (counts.size() - off) + " of "
                + counts.size() + " tables with the snapshot's exact row counts";
    }

    // ---------------------------------------------------------------- clean-up

    private static void removePartial(Path partial, List<String> leftovers) {
        try {
            deleteTree(partial);
        } catch (IOException e) {
            leftovers.add("the partial dump " + partial + " (" + e.getMessage() + "); delete it by hand");
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        } else {
            Files.deleteIfExists(p);
        }
    }

    /**
     * After a crash: removes what a backup that never finished left behind, as its journaled start names it.
     *
     * @return what could not be removed, empty when everything is gone
     */
    public static List<String> cleanUp(Database db, String partialPath, String scratchServer, String scratchDatabase,
                                       String scratchDataDir) {
        List<String> leftovers = new ArrayList<>();
        if (partialPath != null) removePartial(Path.of(partialPath), leftovers);
        if (scratchServer != null) Scratch.dropLeftover(db, scratchServer, scratchDatabase, scratchDataDir, leftovers);
        return leftovers;
    }

    /**
     * Why the leftovers a journal names for an interrupted backup are not exactly what this step creates, or null
     * when they are. Resume deletes files and drops a database on the journal's word; a journal edited by hand or
     * damaged must not turn that into deleting another directory or dropping another database, so each name must be
     * the one this session and step would have made: the scratch database {@link #scratchDatabaseName}, on the
     * server the step names, its embedded data directory named after it, and a partial dump in the step's
     * {@code dir} named after this session.
     */
    public static String untrustedLeftovers(String sessionId, String stepId, CheckSpec.Backup spec,
                                            String partialPath, String scratchServer, String scratchDatabase,
                                            String scratchDataDir) {
        String expected = scratchDatabaseName(sessionId, stepId);
        if (partialPath != null) {
            Path p = Path.of(partialPath).toAbsolutePath().normalize();
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            String session = "-" + sessionId.replaceAll("[^A-Za-z0-9_.-]", "_") + "-";
            if (!spec.dir().toAbsolutePath().normalize().equals(p.getParent()) || !name.startsWith(".")
                    || !name.endsWith(".partial") || !name.contains(session)) {
                return "the partial dump " + partialPath + " is not a partial dump of this session in " + spec.dir();
            }
        }
        if (scratchDatabase != null && !scratchDatabase.equals(expected)) {
            return "the scratch database " + scratchDatabase + " is not this step's (" + expected + ")";
        }
        if (scratchServer != null && (spec.scratch() == null
                || !scratchServer.equals(Scratch.journalName(spec.scratch())))) {
            return "the scratch server " + scratchServer + " is not the one the step names";
        }
        if (scratchDataDir != null) {
            Path d = Path.of(scratchDataDir).getFileName();
            if (d == null || !d.toString().equals(expected)) {
                return "the scratch server's directory " + scratchDataDir + " is not this step's";
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- names and numbers

    /**
     * {@code rp_scratch_<session>_<step>}: nobody takes it for a real database, and it is the same name on every
     * attempt of that step, so a leftover is found and dropped. Cut to PostgreSQL's 63 bytes with a hash suffix.
     */
    public static String scratchDatabaseName(String sessionId, String stepId) {
        String raw = ("rp_scratch_" + sessionId + "_" + stepId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (raw.length() <= 63) return raw;
        return raw.substring(0, 54) + "_" + RunbookLoader.sha256(raw.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    }

    static String fileName(String database, String sessionId, Instant at, CheckSpec.BackupFormat format) {
        String base = (database + "-" + sessionId + "-" + FILE_TIME.format(at)).replaceAll("[^A-Za-z0-9_.-]", "_");
        return format == CheckSpec.BackupFormat.DIRECTORY ? base + ".dumpdir" : base + ".dump";
    }

    private static long sizeOf(Path p) throws IOException {
        if (!Files.isDirectory(p)) return Files.size(p);
        try (Stream<Path> s = Files.list(p)) {
            long total = 0;
            for (Path f : s.toList()) total += Files.size(f);
            return total;
        }
    }

    /**
     * The SHA-256 of a dump file; for a directory dump, the SHA-256 of the {@code sha256sum} output for its files
     * in byte order of their names ({@code cd dir && LC_ALL=C sha256sum $(LC_ALL=C ls) | sha256sum}).
     */
    public static String sha256(Path p) throws IOException {
        if (!Files.isDirectory(p)) return sha256Hex(p);
        List<Path> files;
        try (Stream<Path> s = Files.list(p)) {
            files = s.sorted((a, b) -> compareBytes(a.getFileName().toString(), b.getFileName().toString())).toList();
        }
        StringBuilder lines = new StringBuilder();
        for (Path f : files) lines.append(sha256Hex(f)).append("  ").append(f.getFileName()).append('\n');
        return RunbookLoader.sha256(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static int compareBytes(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** Streamed: a dump can be larger than memory ({@link RunbookLoader#sha256} takes the bytes whole). */
    private static String sha256Hex(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String lastLines(ChildProcess.Result r) {
        List<ChildProcess.Line> kept = r.kept();
        List<String> last = kept.subList(Math.max(0, kept.size() - 5), kept.size()).stream()
                .map(ChildProcess.Line::text).toList();
        return last.isEmpty() ? "no output" : String.join(" | ", last);
    }
}
