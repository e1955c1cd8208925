package dev.runbookpilot.app;

import dev.runbookpilot.check.TargetCopy;
import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.demo.EmbeddedServer;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.RehearsalPlan;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A rehearsal on a copy, from start to end: earlier rehearsals' leftover copies are dropped, the copy is named in a
 * new journal, made, proven not to be the original, and a session runs the runbook on it; closing drops the copy and
 * journals that. The CLI and the wizard both drive this; neither makes a copy any other way.
 */
public final class Rehearsal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Rehearsal.class);
    /** The prefix of a demo rehearsal's own embedded original, under the session directory. */
    public static final String DEMO_DIR_PREFIX = "rehearsal-demo-";

    /**
     * Where the copy goes and what it holds.
     *
     * @param where       the copy server: embedded, a named server, or the original's own ({@code target}, opt-in
     *                    only)
     * @param createRoles create the roles the original names that a named copy server lacks (NOLOGIN, dropped with
     *                    the copy); on the embedded server they are always created, on the target never needed
     */
    public record Options(TargetCopy.Data data, CheckSpec.Scratch where, Path sessionDir, String operator,
                          boolean createRoles) {
        public Options(TargetCopy.Data data, CheckSpec.Scratch where, Path sessionDir, String operator) {
            this(data, where, sessionDir, operator, false);
        }
    }

    /** The rehearsal could not begin; the message says why and what was removed. */
    public static final class Refused extends Exception {
        public Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Target original;
    private final TargetCopy copy;
    private final Target copyTarget;
    private final Session session;
    private final Path demoDir;
    private boolean closed;

    private Rehearsal(Target original, TargetCopy copy, Target copyTarget, Session session, Path demoDir) {
        this.original = original;
        this.copy = copy;
        this.copyTarget = copyTarget;
        this.session = session;
        this.demoDir = demoDir;
    }

    /**
     * Begins a rehearsal of {@code runbook} on a copy of {@code original}, which it owns from here (closed with the
     * rehearsal, or earlier: as soon as the copy exists, unless the copy lives on the original's server). A demo
     * original's data directory ({@code demoDir}) is removed at the end.
     */
    public static Rehearsal start(Runbook runbook, Target original, Path demoDir, Options options, Targets targets,
                                  RunListener listener, Consumer<String> output)
            throws Refused, InterruptedException {
        RehearsalPlan plan = null;
        TargetCopy copy = null;
        Target copyTarget = null;
        try {
            cleanUpLeftovers(options.sessionDir(), options.operator(), targets, output);
            ServerInfo originalServer = original.db().serverInfo();
            plan = RehearsalPlan.create(runbook, options.sessionDir(), options.operator(), options.where(),
                    options.data(), original.record(), originalServer);
            output.accept("REHEARSAL " + plan.planned().sessionId() + ": copying " + originalServer.database()
                    + " (" + options.data().yamlName() + ") to " + plan.copyDatabase() + " …");
            long t0 = System.nanoTime();
            try {
                copy = TargetCopy.make(options.where(), original.db(), originalServer, plan.planned().sessionId(),
                        options.data(), options.createRoles(), new CancelToken(), output);
            } catch (TargetCopy.Failed e) {
                if (!e.getMessage().contains("left behind")) plan.copyDropped("the copy was not made: " + e.getMessage());
                throw new Refused(e.getMessage(), e);
            }
            long millis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            copyTarget = targets.connect(copy.settings(), Targets.PasswordPrompt.NONE);
            ServerInfo copyServer = copyTarget.db().serverInfo();
            String proof = RehearsalPlan.proofNotOriginal(copyServer, originalServer);
            plan.copyMade(copyServer, copy.describe(), proof, millis);
            output.accept("copy " + copy.describe() + " made in " + millis / 1000 + " s; " + proof);
            Session session = plan.startSession(runbook, copyTarget.db(), copyTarget.record(), listener);
            plan = null;
            if (options.where().where() != CheckSpec.ScratchKind.TARGET) {
                // Nothing of the rehearsal needs the original now: no connection to it stays open.
                original.close();
                return new Rehearsal(null, copy, copyTarget, session, demoDir);
            }
            return new Rehearsal(original, copy, copyTarget, session, demoDir);
        } catch (SQLException | TargetException | SessionException | IOException e) {
            List<String> left = new ArrayList<>();
            if (copyTarget != null) copyTarget.close();
            if (copy != null) left.addAll(copy.drop());
            if (plan != null) {
                try {
                    if (left.isEmpty()) plan.copyDropped("the rehearsal did not begin: " + e.getMessage());
                    plan.close();
                } catch (IOException ignored) {
                    // The next start finds the plan without its drop and removes the copy then.
                }
            }
            original.close();
            discardDemo(demoDir, left);
            throw new Refused("the rehearsal did not begin: " + e.getMessage()
                    + (left.isEmpty() ? "" : "; left behind: " + String.join("; ", left)), e);
        } catch (Refused | InterruptedException | RuntimeException e) {
            if (copyTarget != null) copyTarget.close();
            if (plan != null) {
                try {
                    plan.close();
                } catch (IOException ignored) {
                    // as above
                }
            }
            original.close();
            discardDemo(demoDir, new ArrayList<>());
            throw e;
        }
    }

    public Session session() {
        return session;
    }

    /** Where the copy is, as the operator reads it. */
    public String copyDescription() {
        return copy.describe();
    }

    /**
     * Stops the session's work, drops the copy (and a demo's own original), journals the drop and closes the
     * session.
     *
     * @return what could not be removed, empty when the copy is gone
     */
    public synchronized List<String> finish() throws IOException {
        if (closed) return List.of();
        closed = true;
        session.stop("the rehearsal ended", Session.STOP_WAIT, false);
        copyTarget.close();
        List<String> left = new ArrayList<>(copy.drop());
        if (original != null) original.close();
        discardDemo(demoDir, left);
        try {
            if (left.isEmpty()) session.copyDropped("dropped at the end of the rehearsal");
        } finally {
            session.close();
        }
        return left;
    }

    @Override
    public void close() throws IOException {
        List<String> left = finish();
        if (!left.isEmpty()) log.warn("the rehearsal left behind: {}", String.join("; ", left));
    }

    private static void discardDemo(Path demoDir, List<String> left) {
        if (demoDir == null) return;
        try {
            EmbeddedServer.discard(demoDir);
        } catch (IOException e) {
            left.add("the demo server's directory " + demoDir + " (" + e.getMessage() + ")");
        }
    }

    /**
     * Drops the copies of earlier rehearsals that ended without dropping theirs (the process was killed), as their
     * journals name them; a rehearsal running in another process is left alone.
     *
     * @return what could not be removed
     */
    public static List<String> cleanUpLeftovers(Path sessionDir, String operator, Targets targets,
                                                Consumer<String> output) throws IOException {
        List<String> all = new ArrayList<>();
        for (RehearsalPlan.Owned owned : RehearsalPlan.leftovers(sessionDir, operator)) {
            try (owned) {
                JournalEvent.RehearsalPlanned p = owned.leftover().planned();
                List<String> left = dropLeftover(p, sessionDir, targets);
                if (left.isEmpty()) {
                    owned.cleaned("dropped by a later start: the rehearsal had ended without dropping it");
                    output.accept("dropped the copy " + p.copyDatabase() + " left by rehearsal " + p.sessionId());
                } else {
                    all.addAll(left);
                    output.accept("rehearsal " + p.sessionId() + " left behind: " + String.join("; ", left));
                }
            }
        }
        return all;
    }

    private static List<String> dropLeftover(JournalEvent.RehearsalPlanned p, Path sessionDir, Targets targets) {
        JournalEvent.Connection o = p.original();
        List<String> left = new ArrayList<>();
        if (o.demo()) {
            // A demo rehearsal's original is its own throw-away server; with the copy on it, removing it removes both.
            Path dir = o.demoDataDir() == null ? null : Path.of(o.demoDataDir()).toAbsolutePath().normalize();
            boolean own = dir != null && dir.getParent().equals(sessionDir.toAbsolutePath().normalize())
                    && dir.getFileName().toString().startsWith(DEMO_DIR_PREFIX);
            if (own) {
                discardDemo(dir, left);
                if ("target".equals(p.copyServer())) return left;
            } else if ("target".equals(p.copyServer())) {
                return List.of("nothing removed: " + o.demoDataDir() + " is not a demo rehearsal's server in "
                        + sessionDir + "; check by hand");
            }
            // Else the demo was the wizard's (its folder is the workspace's, swept by the next demo start): it is
            // left alone, and the copy, on a server of its own, is dropped below like any other.
        }
        if (!"target".equals(p.copyServer())) {
            left.addAll(TargetCopy.dropLeftover(null, p.sessionId(), p.copyServer(), p.copyDatabase(),
                    p.copyDataDir()));
            return left;
        }
        try (Target t = targets.connect(Targets.uriOf(o), Targets.PasswordPrompt.NONE)) {
            left.addAll(TargetCopy.dropLeftover(t.db(), p.sessionId(), p.copyServer(), p.copyDatabase(),
                    p.copyDataDir()));
        } catch (TargetException e) {
            left.add("the copy " + p.copyDatabase() + " on " + o.host() + ":" + o.port() + " (cannot connect: "
                    + e.getMessage() + "); drop it by hand");
        }
        return left;
    }
}
