package dev.runbookpilot.check;

import dev.runbookpilot.db.CatalogReader;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.ObjectKind;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The catalogs that the object checks of one step, run side by side, compare: read once for all of them, in one
 * read-only REPEATABLE READ transaction, instead of once per check. A verification step of 150 object checks read
 * its catalogs 150 times before (about a dozen statements each); now it reads each catalog it needs once, and its
 * checks all judge the same moment of the schema, as they would have if they had run at the same instant.
 *
 * <p>Checks share a read only when they look at the same schema with the same timeout, so each catalog statement
 * still runs under the exact {@code statement_timeout} its check asked for. The first check to need the read makes
 * it, under its own cancel token; the others wait for it. A read that fails fails every check that shared it, each
 * as ERROR with the same SQLSTATE and message: never a result that was not read. A check this catalog was not made
 * for (run alone, or again later) reads its own catalogs as before.
 */
public final class StepCatalog {
    /** Shares nothing: every object check reads its own catalogs. */
    public static final StepCatalog NONE = new StepCatalog(Map.of());

    private record Group(String schema, Duration timeout) {}

    private final Map<Group, Set<ObjectKind>> kinds;
    private final Map<Group, CompletableFuture<SchemaSnapshot>> reads = new ConcurrentHashMap<>();

    private StepCatalog(Map<Group, Set<ObjectKind>> kinds) {
        this.kinds = kinds;
    }

    /**
     * The shared reads for {@code checks}, those of a step that run side by side; checks of other kinds are
     * ignored. {@code defaultSchema} is the runbook's target schema, where a check that names none looks.
     */
    public static StepCatalog of(Collection<CheckSpec> checks, String defaultSchema) {
        Map<Group, Set<ObjectKind>> kinds = new HashMap<>();
        for (CheckSpec spec : checks) {
            if (spec instanceof CheckSpec.CatalogObjects o) {
                kinds.computeIfAbsent(group(o, defaultSchema), g -> EnumSet.noneOf(ObjectKind.class))
                        .addAll(needs(o));
            }
        }
        return kinds.isEmpty() ? NONE : new StepCatalog(Map.copyOf(kinds));
    }

    /**
     * The catalogs one check compares: its own kind, plus tables and views to find the table it is scoped to.
     * Never all fifteen kinds: a step of object checks on a big schema would read the whole catalog.
     */
    static Set<ObjectKind> needs(CheckSpec.CatalogObjects spec) {
        return EnumSet.of(spec.objectKind(), ObjectKind.TABLES, ObjectKind.VIEWS);
    }

    private static Group group(CheckSpec.CatalogObjects spec, String defaultSchema) {
        return new Group(spec.schema() != null ? spec.schema() : defaultSchema, spec.meta().timeout());
    }

    /** The catalogs {@code spec} compares: from the step's shared read when it was made for it, else its own. */
    SchemaSnapshot snapshot(CheckSpec.CatalogObjects spec, EvalContext ctx) throws SQLException,
            InterruptedException {
        Group g = group(spec, ctx.defaultSchema());
        Set<ObjectKind> shared = kinds.get(g);
        if (shared == null || !shared.containsAll(needs(spec))) return read(ctx, g, needs(spec));
        CompletableFuture<SchemaSnapshot> mine = new CompletableFuture<>();
        CompletableFuture<SchemaSnapshot> theirs = reads.putIfAbsent(g, mine);
        if (theirs == null) {
            try {
                SchemaSnapshot snapshot = read(ctx, g, shared);
                mine.complete(snapshot);
                return snapshot;
            } catch (Throwable e) {
                // Whatever ended the read, the checks waiting for it must hear of it, never wait for ever.
                mine.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return theirs.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) {
                // This check's own exception, with the shared read's state and message: its ERROR says what the
                // read said, e.g. a timeout (57014) or a schema that does not exist (3F000).
                throw new SQLException(s.getMessage(), s.getSQLState(), s);
            }
            throw new IllegalStateException("the step's catalog read failed", e.getCause());
        }
    }

    private static SchemaSnapshot read(EvalContext ctx, Group g, Set<ObjectKind> kinds) throws SQLException {
        return ReadOnlyExecution.ours(ctx.db(), g.timeout(), Connection.TRANSACTION_REPEATABLE_READ,
                c -> CatalogReader.read(c, g.schema(), kinds));
    }
}
