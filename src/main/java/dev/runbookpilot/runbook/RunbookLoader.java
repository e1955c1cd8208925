package dev.runbookpilot.runbook;

import com.fasterxml.jackson.core.JsonToken;
import dev.runbookpilot.runbook.YamlTree.Entry;
import dev.runbookpilot.runbook.YamlTree.ListNode;
import dev.runbookpilot.runbook.YamlTree.MapNode;
import dev.runbookpilot.runbook.YamlTree.Node;
import dev.runbookpilot.runbook.YamlTree.ScalarNode;
import dev.runbookpilot.sql.StatementGuard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a runbook YAML file into a {@link Runbook}, collecting every problem in one pass. Each problem carries
 * {@code file:line:column} and a hint, never a stack trace.
 */
public final class RunbookLoader {

    static final Set<String> TOP_KEYS = Set.of("runbook", "version", "description", "target", "phases", "window");
    static final Set<String> WINDOW_KEYS = Set.of("start", "duration");
    static final Set<String> TARGET_KEYS = Set.of("environment", "database", "schema", "approveProbes");
    static final Set<String> PHASE_KEYS = Set.of("name", "description", "steps", "budget");
    /** A step's {@code source:} is a reference shown beside its title in the report, not a text of its own. */
    static final int MAX_SOURCE_CHARS = 200;
    static final Set<String> STEP_KEYS = Set.of("id", "title", "description", "checks", "manual",
            "requireNote", "execute", "command", "signoff", "optional", "backup", "pointOfNoReturn", "budget", "source",
            "expectDuration", "gate");
    static final Set<String> GATE_KEYS = Set.of("roles", "question");
    /** What a writer's {@code rollback:} takes besides the fields of its forward kind: the proof's options. */
    public static final Set<String> ROLLBACK_PROOF_KEYS = Set.of("baseline", "countsMayDiffer", "checksums");
    /** Options every check kind accepts besides its own. */
    static final Set<String> META_KEYS = Set.of("name", "timeout");
    private static final Pattern STEP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final Pattern SQLSTATE = Pattern.compile("[0-9A-Z]{5}");
    /** A password in a libpq connection string or URI ({@code password=}, {@code user:secret@}). */
    private static final Pattern SCRATCH_PASSWORD =
            Pattern.compile("(?i)password\\s*=|^[a-z]+://[^/@]*:[^/@]*@");
    private static final Pattern ATTEMPTED_EXPRESSION =
            Pattern.compile("\\s*(?:[=!<>]|between\\s|rows\\s*[=!<>])", Pattern.CASE_INSENSITIVE);

    /** The keys a check list item may start with, in the order the format reference lists them. */
    public static final List<String> CHECK_KINDS = List.of("query", "tables", "columns", "indexes", "constraints",
            "triggers", "views", "functions", "sequences", "extensions", "policies", "types", "rules", "statistics",
            "snapshot", "rowCounts",
            "schemaDiff", "restored", "explain", "rejects", "accepts", "activity", "manual", "execute", "command", "signoff",
            "backup", "statusCommand");

    /** What a command's {@code verify:} may hold: checks that only read the target. */
    static final Set<String> VERIFY_KINDS = verifyKinds();

    private static Set<String> verifyKinds() {
        Set<String> kinds = new java.util.LinkedHashSet<>(List.of("query", "rowCounts", "schemaDiff", "explain",
                "statusCommand"));
        for (ObjectKind k : ObjectKind.values()) if (k.checkable()) kinds.add(k.yamlKey());
        return java.util.Collections.unmodifiableSet(kinds);
    }

    /**
     * The variables a command's {@code env:} values may reference: those Runbook Pilot sets for a tool (the process
     * layer's {@code ClientEnvironment}; a test keeps the two lists equal).
     */
    public static final List<String> COMMAND_VARIABLES = List.of("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGSSLMODE",
            "PGAPPNAME", "PGPASSWORD", "DATABASE_URL", "PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY", "PGCONNECT_TIMEOUT");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /**
     * Every key each check kind accepts in its mapping, {@link #META_KEYS} included. The loader validates with it
     * and the JSON schema test compares docs/runbook.schema.json against it, so the two cannot drift apart.
     */
    public static final Map<String, Set<String>> CHECK_KEYS = checkKeys();

    private static Map<String, Set<String>> checkKeys() {
        Map<String, Set<String>> own = new LinkedHashMap<>();
        own.put("query", Set.of("sql", "expect"));
        for (ObjectKind k : ObjectKind.values()) {
            if (!k.checkable()) continue;
            own.put(k.yamlKey(), Set.of("schema", "table", "exist", "include", "absent", "exact", "count", "where"));
        }
        own.put("snapshot", Set.of("rowCounts", "schema", "queries", "checksums"));
        own.put("rowCounts", Set.of("compareTo", "tables", "map", "dropped", "tolerance"));
        own.put("schemaDiff", Set.of("compareTo", "expect", "ignore"));
        own.put("restored", Set.of("baseline", "countsMayDiffer", "checksums"));
        own.put("explain", Set.of("sql", "expect", "table", "maxCost", "analyze", "compareTo", "query", "slowerBy",
                "runs"));
        own.put("rejects", Set.of("sql", "setup", "sqlstate", "message"));
        own.put("accepts", Set.of("sql", "setup"));
        own.put("activity", Set.of("otherSessions", "longTransactions", "longTransactionAge", "blockingLocks"));
        own.put("manual", Set.of("text", "requireNote"));
        own.put("execute", Set.of("file", "transaction", "expectNotices", "lockTimeout", "lockRetries", "rollback"));
        own.put("command", Set.of("run", "cwd", "env", "expectExit", "expectOutput", "rejectOutput", "rollback",
                "verify"));
        own.put("signoff", Set.of("roles"));
        own.put("backup", Set.of("dir", "format", "jobs", "verify", "scratch"));
        own.put("statusCommand", Set.of("run", "cwd", "env", "expectExit", "expectOutput", "rejectOutput"));
        Map<String, Set<String>> all = new LinkedHashMap<>();
        own.forEach((kind, keys) -> {
            Set<String> withMeta = new HashSet<>(keys);
            withMeta.addAll(META_KEYS);
            all.put(kind, Set.copyOf(withMeta));
        });
        return java.util.Collections.unmodifiableMap(all);
    }

    /** A compareTo whose snapshot was not taken before it; judged once the whole file is read. */
    private record SnapshotReference(String name, SourceLocation location, Set<String> takenBefore) {}

    /**
     * The largest runbook read: 256 KiB, over fifteen times the largest sample runbook. The YAML reader's time
     * grows with the square of a long scalar or flow list (a 4 MB scalar took 21 s and 850 MB), so a larger file is
     * refused before it is decoded or parsed; at this size the worst shape parses in well under a second.
     */
    public static final int MAX_BYTES = 256 * 1024;
    /** The same limit for text handed over already decoded (by the checklist importer, for one). */
    public static final int MAX_CHARS = MAX_BYTES;

    private final List<RunbookProblem> problems = new ArrayList<>();
    private final Map<String, SourceLocation> snapshots = new LinkedHashMap<>();
    /** The hot queries each snapshot times, name to SQL, for the explain checks that compare to them. */
    private final Map<String, Map<String, String>> snapshotQueries = new LinkedHashMap<>();
    /** The tables each snapshot checksums, for the restored checks that compare to them. */
    private final Map<String, Set<String>> snapshotChecksums = new LinkedHashMap<>();
    /** The tables each snapshot counts by name; absent for a snapshot that counts every table of its schema. */
    private final Map<String, Set<String>> snapshotCounted = new LinkedHashMap<>();
    private final List<SnapshotReference> unresolved = new ArrayList<>();
    private Path file;
    private Path baseDir;

    private RunbookLoader() {}

    public static Runbook load(Path file) throws RunbookException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RunbookException(List.of(new RunbookProblem(new SourceLocation(file, 0, 0),
                    "cannot read the runbook: " + e.getMessage(), "check the path and permissions")));
        }
        return parse(bytes, file);
    }

    /** Parses a runbook file's bytes: size, encoding, then YAML, each refusal with its line and column. */
    static Runbook parse(byte[] bytes, Path file) throws RunbookException {
        if (bytes.length > MAX_BYTES) {
            throw new RunbookException(List.of(new RunbookProblem(locationOfByte(bytes, MAX_BYTES, file),
                    YamlTree.tooLarge(), YamlTree.tooLargeHint())));
        }
        String text;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) result = decoder.flush(out);
        if (result.isError()) {
            throw new RunbookException(List.of(new RunbookProblem(locationOfByte(bytes, in.position(), file),
                    "the file is not valid UTF-8",
                    "save it as UTF-8; the character here was written in another encoding")));
        }
        text = out.flip().toString();
        return parse(text, file, sha256(bytes));
    }

    /** Line and column of the byte at {@code offset}: the valid UTF-8 before it, decoded, tells both. */
    static SourceLocation locationOfByte(byte[] bytes, int offset, Path file) {
        String before = new String(bytes, 0, Math.min(offset, bytes.length), StandardCharsets.UTF_8);
        return YamlTree.locationOf(before, before.length(), file);
    }

    /** Parses runbook text as if it were read from {@code file} (which anchors relative paths and messages). */
    public static Runbook parse(String text, Path file, String sha256) throws RunbookException {
        RunbookLoader loader = new RunbookLoader();
        loader.file = file;
        Path parent = file == null ? null : file.toAbsolutePath().getParent();
        loader.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
        Node root = YamlTree.parse(text.startsWith("\uFEFF") ? text.substring(1) : text, file, loader.problems);
        Runbook runbook = root == null ? null : loader.runbook(root, sha256);
        if (!loader.problems.isEmpty() || runbook == null) {
            List<RunbookProblem> sorted = new ArrayList<>(loader.problems);
            sorted.sort(Comparator.comparingInt((RunbookProblem p) -> p.location().line())
                    .thenComparingInt(p -> p.location().column()));
            throw new RunbookException(sorted);
        }
        return runbook;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    // ---------------------------------------------------------------- structure

    private Runbook runbook(Node root, String sha256) {
        Fields f = fields(root, TOP_KEYS, "the runbook");
        if (f == null) return null;
        String title = f.requiredText("runbook", "give the runbook a title: runbook: <title>");
        String version = f.text("version");
        String description = f.text("description");
        Target target = f.has("target") ? target(f.get("target")) : null;
        if (!f.has("target")) {
            problem(root.location(), "missing 'target'", "add target: { environment: development } "
                    + "(production, staging or development)");
        }
        List<Phase> phases = new ArrayList<>();
        Map<String, SourceLocation> stepIds = new HashMap<>();
        ListNode phaseList = f.requiredList("phases", "list the phases: phases: [ { name: ..., steps: [...] } ]");
        if (phaseList != null) {
            if (phaseList.items().isEmpty()) problem(phaseList.location(), "no phases", "add at least one phase");
            for (Node n : phaseList.items()) {
                Phase phase = phase(n, stepIds);
                if (phase != null) phases.add(phase);
            }
        }
        for (SnapshotReference ref : unresolved) {
            SourceLocation later = snapshots.get(ref.name());
            if (later != null) {
                problem(ref.location(), "snapshot '" + ref.name() + "' is compared to before it is taken (at "
                        + later + ")", "take the snapshot in a step before this check");
            } else {
                problem(ref.location(), "unknown snapshot '" + ref.name() + "'", ref.takenBefore().isEmpty()
                        ? "take one first in an earlier step: - snapshot: { name: " + ref.name() + " }"
                        : closest(ref.name(), ref.takenBefore()).map(c -> "did you mean '" + c + "'?")
                        .orElse("snapshots taken before this check: " + String.join(", ", ref.takenBefore())));
            }
        }
        Window window = f.has("window") ? Budgets.window(f.get("window"), this) : null;
        if (title == null || target == null) return null;
        return new Runbook(title, version, description, target, phases, file, sha256, window);
    }

    private Target target(Node node) {
        Fields f = fields(node, TARGET_KEYS, "target");
        if (f == null) return null;
        String env = f.requiredText("environment", "environment: production, staging or development");
        Environment environment = null;
        if (env != null) {
            try {
                environment = Environment.valueOf(env.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem(f.get("environment").location(), "unknown environment '" + env + "'",
                        closest(env, List.of("production", "staging", "development"))
                                .map(c -> "did you mean '" + c + "'?").orElse("use production, staging or development"));
            }
        }
        String database = f.text("database");
        String schema = f.text("schema");
        Boolean approveProbes = f.bool("approveProbes");
        return environment == null ? null
                : new Target(environment, database, schema, approveProbes == null || approveProbes);
    }

    private Phase phase(Node node, Map<String, SourceLocation> stepIds) {
        Fields f = fields(node, PHASE_KEYS, "a phase");
        if (f == null) return null;
        String name = f.requiredText("name", "name the phase: name: Pre-migration");
        String description = f.text("description");
        List<Step> steps = new ArrayList<>();
        ListNode list = f.requiredList("steps", "list the phase's steps: steps: [ { id: ..., title: ... } ]");
        if (list != null) {
            if (list.items().isEmpty()) problem(list.location(), "phase '" + name + "' has no steps",
                    "add a step or remove the phase");
            for (Node n : list.items()) {
                Step step = step(n, stepIds);
                if (step != null) steps.add(step);
            }
        }
        Duration budget = f.has("budget") ? duration(f.get("budget")) : null;
        for (int i = 0; i < steps.size() - 1; i++) {
            if (steps.get(i).isGate()) {
                problem(steps.get(i).location(), "a gate ends its phase: '" + steps.get(i).id() + "' is followed by '"
                        + steps.get(i + 1).id() + "'", "move the steps after the gate into the next phase; the gate"
                        + " holds that phase closed until every role said GO");
            }
        }
        return name == null ? null : new Phase(name, description, steps, budget);
    }

    private Step step(Node node, Map<String, SourceLocation> stepIds) {
        Fields f = fields(node, STEP_KEYS, "a step");
        if (f == null) return null;
        String id = f.requiredText("id", "give the step a unique id, e.g. id: verify-tables");
        if (id != null) {
            if (!STEP_ID.matcher(id).matches()) {
                problem(f.get("id").location(), "step id '" + id + "' has characters ids may not use",
                        "use letters, digits, '-', '_' and '.', starting with a letter or digit");
            } else if (stepIds.containsKey(id)) {
                problem(f.get("id").location(), "duplicate step id '" + id + "'",
                        "already used at " + stepIds.get(id) + "; step ids must be unique");
            } else {
                stepIds.put(id, f.get("id").location());
            }
        }
        String title = f.requiredText("title", "give the step a title the operator will read");
        String description = f.text("description");
        List<CheckSpec> checks = new ArrayList<>();
        ListNode list = f.list("checks");
        if (list != null) {
            // An empty list would make a step that passes without looking at anything.
            if (list.items().isEmpty()) problem(list.location(), "step '" + id + "' has an empty checks list",
                    "add checks, or remove 'checks' and use manual, execute or signoff");
            for (Node n : list.items()) {
                CheckSpec c = check(n);
                if (c != null) checks.add(c);
                if (c instanceof CheckSpec.Command cmd) checks.addAll(cmd.verify());
            }
        }
        if (f.has("manual")) {
            String text = f.requiredText("manual", "say what the operator confirms: manual: <what to confirm>");
            Boolean requireNote = f.bool("requireNote");
            if (text != null) {
                checks.add(new CheckSpec.Manual(new CheckSpec.Meta(null, null, f.get("manual").location()), text,
                        requireNote != null && requireNote));
            }
        } else if (f.has("requireNote")) {
            problem(f.keyLocation("requireNote"), "'requireNote' without 'manual'",
                    "requireNote applies to the step's manual confirmation; add manual: <what to confirm>");
        }
        if (f.has("backup")) {
            CheckSpec c = backup(f.get("backup"), f.get("backup").location());
            if (c != null) checks.add(c);
        }
        boolean standalone = false;
        if (f.has("execute")) {
            CheckSpec c = execute(f.get("execute"), f.get("execute").location());
            if (c != null) checks.add(c);
            standalone = true;
        }
        if (f.has("command")) {
            CheckSpec.Command c = command(f.get("command"), f.get("command").location());
            if (c != null) {
                checks.add(c);
                checks.addAll(c.verify());
            }
            if (standalone) {
                problem(f.keyLocation("command"), "a step runs one writer: execute or command, not both",
                        "put the command in a step of its own");
            }
            standalone = true;
        }
        if (f.has("signoff")) {
            CheckSpec c = signoff(f.get("signoff"), f.get("signoff").location());
            if (c != null) checks.add(c);
            if (standalone) {
                problem(f.keyLocation("signoff"), "a step cannot both " + (f.has("command") ? "run a command"
                        : "execute") + " and sign off", "put the sign-off in a step of its own");
            }
            standalone = true;
        }
        if (f.has("gate")) {
            CheckSpec c = gate(f.get("gate"), f.get("gate").location());
            if (c != null) checks.add(c);
            if (standalone) {
                problem(f.keyLocation("gate"), "a gate stands alone in its step",
                        "put the gate in a step of its own at the end of its phase");
            }
            standalone = true;
        }
        if (standalone && (f.has("checks") || f.has("manual") || f.has("backup"))) {
            problem(f.keyLocation(f.has("checks") ? "checks" : f.has("manual") ? "manual" : "backup"),
                    "an execute, command or sign-off step stands alone",
                    "move these checks to a step of their own before or after it"
                            + (f.has("command") ? ", or under the command's verify:" : ""));
        }
        long mutating = checks.stream().filter(c -> c instanceof CheckSpec.Writer).count();
        long verifying = checks.stream().mapToLong(c -> c instanceof CheckSpec.Command cmd ? cmd.verify().size() : 0)
                .sum();
        if (mutating > 0 && checks.size() - verifying > 1 && !standalone) {
            problem(node.location(), "an execute or command check stands alone in its step",
                    "move the other checks to a step of their own (a command's own checks go under its verify:)");
        }
        if (f.has("expectDuration")) {
            CheckSpec c = Budgets.expectDuration(f.get("expectDuration"), checks, this);
            if (c != null) checks.add(c);
        }
        if (checks.isEmpty() && !f.has("checks") && !f.has("manual") && !f.has("execute") && !f.has("command")
                && !f.has("signoff") && !f.has("backup") && !f.has("gate")) {
            problem(node.location(), "step '" + id + "' does nothing",
                    "give it checks, a manual confirmation (manual: ...), execute, command or signoff");
        }
        Boolean optional = f.bool("optional");
        if (Boolean.TRUE.equals(optional) && f.has("signoff")) {
            problem(f.keyLocation("optional"), "a sign-off step cannot be optional",
                    "remove optional: the window ends with its sign-off");
            return null;
        }
        if (Boolean.TRUE.equals(optional) && f.has("gate")) {
            problem(f.keyLocation("optional"), "a gate cannot be optional",
                    "remove optional: skipping a gate would open the next phase without anyone saying GO");
            return null;
        }
        Duration budget = f.has("budget") ? duration(f.get("budget")) : null;
        Boolean pointOfNoReturn = f.bool("pointOfNoReturn");
        if (Boolean.TRUE.equals(pointOfNoReturn) && mutating == 0) {
            problem(f.keyLocation("pointOfNoReturn"), "pointOfNoReturn marks a step that writes",
                    "put it on the execute or command step past which only the backup can undo the change");
        }
        String source = f.text("source");
        if (source != null && (source.length() > MAX_SOURCE_CHARS || source.contains("\n"))) {
            problem(f.keyLocation("source"), "'source' says where the step came from in one short line (at most "
                    + MAX_SOURCE_CHARS + " characters)", "for example: source: \"checklist.md, line 24\"");
        } else if (source != null) {
            // The report prints the source under the step: a \r is a line break there, a bidi override reorders
            // what follows; either lets the runbook put words of its choosing under the step.
            int bad = source.codePoints().filter(RunbookLoader::breaksOrReordersALine).findFirst().orElse(-1);
            if (bad >= 0) {
                problem(f.keyLocation("source"), String.format("'source' holds U+%04X, a line break, control or "
                        + "text-direction character", bad), "write where the step came from as one line of plain "
                        + "text, for example: source: \"checklist.md, line 24\"");
            }
        }
        if (id == null || title == null) return null;
        return new Step(id, title, description, checks, node.location(), Boolean.TRUE.equals(optional),
                Boolean.TRUE.equals(pointOfNoReturn), budget, source == null || source.isBlank() ? null : source);
    }

    private static boolean breaksOrReordersALine(int c) {
        return Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0x061C || c == 0x200E || c == 0x200F
                || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x0085;
    }

    // ---------------------------------------------------------------- checks

    private CheckSpec check(Node node) {
        if (!(node instanceof MapNode map) || map.entries().isEmpty()) {
            problem(node.location(), "a check must be a mapping with one key naming its kind, found "
                    + node.typeName(), "e.g. - query: { sql: \"SELECT 1\", expect: \"= 1\" }");
            return null;
        }
        if (map.entries().size() > 1) {
            Entry second = new ArrayList<>(map.entries().values()).get(1);
            problem(second.keyLocation(), "a check has exactly one kind, found '"
                    + String.join("', '", map.entries().keySet()) + "'",
                    "indent the options under the kind, or start a new list item with '-'");
            return null;
        }
        Entry e = map.entries().values().iterator().next();
        String kind = e.key();
        SourceLocation at = e.keyLocation();
        Node body = e.value();
        if (!CHECK_KINDS.contains(kind)) {
            problem(at, "unknown check kind '" + kind + "'", closest(kind, CHECK_KINDS)
                    .map(c -> "did you mean '" + c + "'?").orElse("see docs/runbook-format.md for the kinds"));
            return null;
        }
        Optional<ObjectKind> objectKind = ObjectKind.ofYamlKey(kind);
        if (objectKind.isPresent()) return objects(objectKind.get(), body, at);
        return switch (kind) {
            case "query" -> query(body, at);
            case "snapshot" -> snapshot(body, at);
            case "rowCounts" -> rowCounts(body, at);
            case "schemaDiff" -> schemaDiff(body, at);
            case "restored" -> restored(body, at);
            case "explain" -> explain(body, at);
            case "rejects" -> statement(body, at, true);
            case "accepts" -> statement(body, at, false);
            case "activity" -> activity(body, at);
            case "manual" -> manual(body, at);
            case "execute" -> execute(body, at);
            case "command" -> command(body, at);
            case "signoff" -> signoff(body, at);
            case "backup" -> backup(body, at);
            case "statusCommand" -> statusCommand(body, at);
            default -> throw new IllegalStateException("kind listed but not handled: " + kind);
        };
    }

    private Fields checkFields(Node body, String kind) {
        return fields(body, CHECK_KEYS.get(kind), "a " + kind + " check");
    }

    private CheckSpec.Meta meta(Fields f, SourceLocation at) {
        Duration timeout = null;
        if (f.has("timeout")) timeout = duration(f.get("timeout"));
        return new CheckSpec.Meta(f.text("name"), timeout, at);
    }

    private CheckSpec query(Node body, SourceLocation at) {
        Fields f = checkFields(body, "query");
        if (f == null) return null;
        String sql = f.requiredText("sql", "give the query: sql: \"SELECT count(*) FROM ...\"");
        Expectation expect = f.has("expect") ? expectation(f.get("expect"))
                : missing(f, "expect", "say what the result must be, e.g. expect: \"= 0\"");
        guard(f, "sql", sql, StatementGuard.Use.READ);
        return sql == null || expect == null ? null : new CheckSpec.Query(meta(f, at), sql, expect);
    }

    private CheckSpec objects(ObjectKind kind, Node body, SourceLocation at) {
        Fields f = checkFields(body, kind.yamlKey());
        if (f == null) return null;
        String table = f.text("table");
        if (kind == ObjectKind.COLUMNS && table == null && !f.has("table")) {
            problem(at, "a columns check needs 'table'", "name the table whose columns are checked: table: users");
        }
        if (f.has("exist") && f.has("include")) {
            problem(f.keyLocation("include"), "'include' and 'exist' mean the same", "keep one of them");
        }
        List<CheckSpec.ObjectSpec> exist = new ArrayList<>();
        String existKey = f.has("include") ? "include" : "exist";
        if (f.has(existKey)) exist = objectSpecs(kind, f.get(existKey));
        List<String> absent = f.has("absent") ? textList(f.get("absent")) : List.of();
        List<CheckSpec.ObjectSpec> exact = f.has("exact") ? objectSpecs(kind, f.get("exact")) : null;
        Expectation count = f.has("count") ? expectation(f.get("count")) : null;
        Map<String, String> filter = f.has("where") ? properties(kind, f.get("where")) : Map.of();
        if (!f.has("exist") && !f.has("include") && !f.has("absent") && !f.has("exact") && !f.has("count")) {
            problem(at, "a " + kind.yamlKey() + " check needs exist, absent, exact or count",
                    "e.g. exist: [name_one, name_two]");
            return null;
        }
        if (exist.isEmpty() && absent.isEmpty() && exact == null && count == null) {
            // exist: [] alone would pass without looking at anything.
            problem(at, "this " + kind.yamlKey() + " check names nothing to look for",
                    "list names under exist or absent, or give exact or count");
            return null;
        }
        if (kind == ObjectKind.COLUMNS && table == null) {
            if (f.has("table")) problem(f.get("table").location(), "'table' is empty", "name the table");
            return null;
        }
        return new CheckSpec.CatalogObjects(meta(f, at), kind, f.text("schema"), table, exist, absent, exact, count,
                filter);
    }

    private List<CheckSpec.ObjectSpec> objectSpecs(ObjectKind kind, Node node) {
        List<CheckSpec.ObjectSpec> specs = new ArrayList<>();
        ListNode list = asList(node, "a list of names or { name: ..., <property>: ... } entries");
        if (list == null) return specs;
        for (Node item : list.items()) {
            if (item instanceof ScalarNode s && !s.isNull()) {
                specs.add(new CheckSpec.ObjectSpec(s.text(), Map.of()));
            } else if (item instanceof MapNode m) {
                Set<String> keys = new HashSet<>(kind.properties());
                keys.add("name");
                Fields f = fields(m, keys, "a " + kind.singular());
                String name = f.requiredText("name", "every entry needs a name");
                Map<String, String> props = new LinkedHashMap<>();
                for (Entry e : m.entries().values()) {
                    if (!e.key().equals("name") && kind.properties().contains(e.key())) {
                        String v = propertyValue(e.value());
                        if (v != null) props.put(e.key(), v);
                    }
                }
                if (name != null) specs.add(new CheckSpec.ObjectSpec(name, props));
            } else {
                problem(item.location(), "expected a name or a mapping, found " + item.typeName(), null);
            }
        }
        return specs;
    }

    private Map<String, String> properties(ObjectKind kind, Node node) {
        Fields f = fields(node, kind.properties(), "a " + kind.singular() + " filter");
        Map<String, String> props = new LinkedHashMap<>();
        if (f == null) return props;
        for (Entry e : ((MapNode) node).entries().values()) {
            String v = propertyValue(e.value());
            if (v != null && kind.properties().contains(e.key())) props.put(e.key(), v);
        }
        return props;
    }

    /** Properties compare as text; a list (index columns, trigger events) as its items joined with ", ". */
    private String propertyValue(Node node) {
        if (node instanceof ScalarNode s) return s.isNull() ? null : s.text();
        if (node instanceof ListNode l) {
            List<String> items = textList(l);
            return String.join(", ", items);
        }
        problem(node.location(), "expected a value or a list, found a mapping", null);
        return null;
    }

    private CheckSpec snapshot(Node body, SourceLocation at) {
        Fields f = checkFields(body, "snapshot");
        if (f == null) return null;
        // 'name' of a snapshot is its identity, not only a label.
        String name = f.requiredText("name", "name the snapshot so later checks can compare to it: name: before");
        List<String> tables = List.of();
        boolean all = false;
        if (f.has("rowCounts")) {
            Node rc = f.get("rowCounts");
            if (rc instanceof ScalarNode s && "all".equals(s.text())) {
                all = true;
            } else {
                tables = textList(rc);
            }
        } else {
            all = true;
        }
        if (name != null) {
            SourceLocation first = snapshots.putIfAbsent(name, f.get("name").location());
            if (first != null) {
                problem(f.get("name").location(), "snapshot '" + name + "' is taken twice",
                        "first taken at " + first + "; give each snapshot its own name, e.g. before and after");
            }
        }
        List<CheckSpec.HotQuery> queries = f.has("queries") ? hotQueries(f.get("queries")) : List.of();
        if (name != null && !snapshotQueries.containsKey(name)) {
            Map<String, String> byName = new LinkedHashMap<>();
            queries.forEach(q -> byName.put(q.name(), q.sql()));
            snapshotQueries.put(name, byName);
        }
        List<String> checksums = f.has("checksums") ? distinctTables(f.get("checksums"), "checksums") : List.of();
        if (name != null && !snapshotChecksums.containsKey(name)) {
            snapshotChecksums.put(name, new java.util.LinkedHashSet<>(checksums));
            if (!all) snapshotCounted.put(name, new java.util.LinkedHashSet<>(tables));
        }
        Duration timeout = f.has("timeout") ? duration(f.get("timeout")) : null;
        CheckSpec.Meta meta = new CheckSpec.Meta(null, timeout, at);
        return name == null ? null
                : new CheckSpec.Snapshot(meta, name, tables, all, f.text("schema"), queries, checksums);
    }

    /**
     * A list of table names, each once: a name given twice is a problem at its second place (for a checksum it would
     * read the table twice for nothing; for a restored check it says the writer was unsure what it meant).
     */
    private List<String> distinctTables(Node node, String key) {
        List<String> out = new ArrayList<>();
        List<Node> items = node instanceof ScalarNode s && !s.isNull() ? List.of(node)
                : Optional.ofNullable(asList(node, "a list of table names under '" + key + "': [orders, users]"))
                .map(ListNode::items).orElse(List.of());
        for (Node item : items) {
            String t = text(item);
            if (t == null || t.isBlank()) {
                if (item instanceof ScalarNode) problem(item.location(), "an empty table name in '" + key + "'",
                        "name a table of the snapshot's schema, or remove the entry");
                continue;
            }
            if (out.contains(t)) {
                problem(item.location(), "'" + t + "' is listed twice in '" + key + "'", "list each table once");
                continue;
            }
            out.add(t);
        }
        return out;
    }

    /** {@code queries:} of a snapshot: {@code name: SQL} or {@code name: { sql: ..., runs: 9 }}. */
    private List<CheckSpec.HotQuery> hotQueries(Node node) {
        Fields q = fields(node, null, "queries (name: SQL)");
        List<CheckSpec.HotQuery> out = new ArrayList<>();
        if (q == null) return out;
        if (q.map.entries().isEmpty()) {
            problem(node.location(), "no queries", "name each hot query and give its SQL: queries: { by_customer:"
                    + " \"SELECT ...\" }, or leave queries out");
        }
        for (Entry e : q.map.entries().values()) {
            String sql;
            Integer runs = null;
            Fields body = null;
            if (e.value() instanceof MapNode) {
                body = fields(e.value(), Set.of("sql", "runs"), "hot query '" + e.key() + "'");
                sql = body.requiredText("sql", "give the query to time: sql: \"SELECT ...\"");
                runs = runs(body);
            } else {
                sql = text(e.value());
                if (sql == null || sql.isBlank()) {
                    problem(e.value().location(), "hot query '" + e.key() + "' has no SQL",
                            "give the query to time: " + e.key() + ": \"SELECT ...\"");
                    sql = null;
                }
            }
            if (sql == null) continue;
            try {
                StatementGuard.check(sql, StatementGuard.Use.EXPLAIN_ANALYZE, true);
            } catch (StatementGuard.Refusal r) {
                problem(e.value() instanceof MapNode ? body.get("sql").location() : e.value().location(),
                        "hot query '" + e.key() + "': " + r.getMessage() + " (at line " + r.line() + ", column "
                                + r.column() + " of the SQL)", "it runs for real under EXPLAIN ANALYZE, so it must"
                                + " only read: " + r.hint());
                continue;
            }
            out.add(new CheckSpec.HotQuery(e.key(), sql, runs == null ? CheckSpec.DEFAULT_RUNS : runs));
        }
        return out;
    }

    /** {@code runs:} between {@link CheckSpec#MIN_RUNS} and {@link CheckSpec#MAX_RUNS}; null when absent or wrong. */
    private Integer runs(Fields f) {
        if (!f.has("runs")) return null;
        Integer runs = f.integer("runs");
        if (runs != null && (runs < CheckSpec.MIN_RUNS || runs > CheckSpec.MAX_RUNS)) {
            problem(f.get("runs").location(), "runs must be between " + CheckSpec.MIN_RUNS + " and "
                    + CheckSpec.MAX_RUNS + ", found " + runs, "a median of fewer than " + CheckSpec.MIN_RUNS
                    + " runs rests on one or two samples; the default is " + CheckSpec.DEFAULT_RUNS);
            return null;
        }
        return runs;
    }

    private String snapshotReference(Fields f) {
        return snapshotReference(f, "compareTo", "name the snapshot to compare to: compareTo: before");
    }

    /** The name of a snapshot under {@code key}; one not taken before this check is reported at the end. */
    private String snapshotReference(Fields f, String key, String hint) {
        String name = f.requiredText(key, hint);
        if (name != null && !snapshots.containsKey(name)) {
            unresolved.add(new SnapshotReference(name, f.get(key).location(),
                    new java.util.LinkedHashSet<>(snapshots.keySet())));
        }
        return name;
    }

    /**
     * {@code restored}: the database is back at an earlier snapshot. Its tables are judged against that snapshot
     * here, so a checksum the snapshot never records is a problem before the window, not an ERROR after a rollback.
     */
    private CheckSpec restored(Node body, SourceLocation at) {
        Fields f = checkFields(body, "restored");
        if (f == null) return null;
        String baseline = snapshotReference(f, "baseline",
                "name the snapshot the database must be back at: baseline: before");
        List<String> mayDiffer = f.has("countsMayDiffer")
                ? distinctTables(f.get("countsMayDiffer"), "countsMayDiffer") : List.of();
        List<String> checksums = f.has("checksums") ? distinctTables(f.get("checksums"), "checksums") : List.of();
        boolean known = baseline != null && snapshots.containsKey(baseline);
        if (known && f.has("checksums")) {
            Set<String> recorded = snapshotChecksums.getOrDefault(baseline, Set.of());
            for (Node item : itemsOf(f.get("checksums"))) {
                String t = item instanceof ScalarNode s && !s.isNull() ? s.text() : null;
                if (t == null || recorded.contains(t)) continue;
                problem(item.location(), "snapshot '" + baseline + "' records no checksum of '" + t + "'",
                        recorded.isEmpty() ? "add it to the snapshot: checksums: [" + t + "]"
                                : "add it to the snapshot's checksums (it records " + String.join(", ", recorded)
                                + ")" + closest(t, recorded).map(c -> ", or did you mean '" + c + "'?").orElse(""));
            }
        }
        Set<String> counted = known ? snapshotCounted.get(baseline) : null;
        if (counted != null && f.has("countsMayDiffer")) {
            for (Node item : itemsOf(f.get("countsMayDiffer"))) {
                String t = item instanceof ScalarNode s && !s.isNull() ? s.text() : null;
                if (t == null || counted.contains(t)) continue;
                problem(item.location(), "snapshot '" + baseline + "' does not count '" + t + "'",
                        "name a table it counts (" + String.join(", ", counted) + ")"
                                + closest(t, counted).map(c -> ", e.g. '" + c + "'").orElse("")
                                + ", or remove it");
            }
        }
        for (String t : checksums) {
            if (mayDiffer.contains(t)) {
                problem(f.keyLocation("checksums"), "'" + t + "' is in both countsMayDiffer and checksums",
                        "a table whose count may differ cannot also hold exactly the baseline's rows; keep one");
                return null;
            }
        }
        return baseline == null ? null : new CheckSpec.Restored(meta(f, at), baseline, mayDiffer, checksums);
    }

    private static List<Node> itemsOf(Node node) {
        if (node instanceof ListNode l) return l.items();
        return node instanceof ScalarNode s && !s.isNull() ? List.of(node) : List.of();
    }

    private CheckSpec rowCounts(Node body, SourceLocation at) {
        Fields f = checkFields(body, "rowCounts");
        if (f == null) return null;
        String compareTo = snapshotReference(f);
        List<String> tables = f.has("tables") ? textList(f.get("tables")) : List.of();
        Map<String, List<String>> map = new LinkedHashMap<>();
        if (f.has("map")) {
            Fields m = fields(f.get("map"), null, "map");
            if (m != null) {
                for (Entry e : m.map.entries().values()) {
                    boolean nothing = e.value() instanceof ScalarNode s ? s.isNull()
                            : e.value() instanceof ListNode l && l.items().isEmpty();
                    if (nothing) {
                        problem(e.keyLocation(), "'" + e.key() + "' maps to no table",
                                "name the new table (old: new) or tables of a split (old: [new_a, new_b])");
                        continue;
                    }
                    List<String> to = textList(e.value());
                    if (!to.isEmpty()) map.put(e.key(), to);
                }
            }
        }
        List<String> dropped = f.has("dropped") ? textList(f.get("dropped")) : List.of();
        CheckSpec.Tolerance tolerance = f.has("tolerance") ? tolerance(f.get("tolerance")) : null;
        return compareTo == null ? null
                : new CheckSpec.RowCounts(meta(f, at), compareTo, tables, map, dropped, tolerance);
    }

    private CheckSpec.Tolerance tolerance(Node node) {
        String t = text(node);
        if (t == null) return null;
        t = t.strip();
        try {
            if (t.endsWith("%")) {
                double p = Double.parseDouble(t.substring(0, t.length() - 1).strip());
                if (p >= 0) return new CheckSpec.Tolerance(0, p);
            } else {
                long rows = Long.parseLong(t);
                if (rows >= 0) return new CheckSpec.Tolerance(rows, 0);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(node.location(), "tolerance '" + t + "' is neither a row count nor a percentage",
                "write a whole number of rows (tolerance: 10) or a percentage (tolerance: 0.5%)");
        return null;
    }

    private CheckSpec schemaDiff(Node body, SourceLocation at) {
        Fields f = checkFields(body, "schemaDiff");
        if (f == null) return null;
        String compareTo = snapshotReference(f);
        List<String> added = List.of();
        List<String> removed = List.of();
        List<String> changed = List.of();
        Map<String, String> renamed = new LinkedHashMap<>();
        if (f.has("expect")) {
            Fields e = fields(f.get("expect"), Set.of("added", "removed", "changed", "renamed"), "expect");
            if (e != null) {
                added = e.has("added") ? diffEntries(e.get("added")) : List.of();
                removed = e.has("removed") ? diffEntries(e.get("removed")) : List.of();
                changed = e.has("changed") ? diffEntries(e.get("changed")) : List.of();
                if (e.has("renamed")) {
                    Fields r = fields(e.get("renamed"), null, "renamed");
                    if (r != null) {
                        for (Entry en : r.map.entries().values()) {
                            String to = text(en.value());
                            checkDiffEntry(en.key(), en.keyLocation());
                            if (to != null) renamed.put(en.key(), to);
                        }
                    }
                }
            }
        }
        Set<CheckSpec.Ignorable> ignore = f.has("ignore") ? ignorables(f.get("ignore")) : Set.of();
        return compareTo == null ? null
                : new CheckSpec.SchemaDiff(meta(f, at), compareTo, added, removed, changed, renamed, ignore);
    }

    private Set<CheckSpec.Ignorable> ignorables(Node node) {
        List<Node> items;
        if (node instanceof ScalarNode s && !s.isNull()) {
            items = List.of(s);
        } else {
            ListNode list = asList(node, "a list of change classes (comments, privileges, owners)");
            if (list == null) return Set.of();
            items = list.items();
        }
        Set<CheckSpec.Ignorable> out = new java.util.LinkedHashSet<>();
        List<String> names = Arrays.stream(CheckSpec.Ignorable.values()).map(CheckSpec.Ignorable::yamlName).toList();
        for (Node item : items) {
            String t = text(item);
            if (t == null) continue;
            Optional<CheckSpec.Ignorable> i = CheckSpec.Ignorable.ofYamlName(t);
            if (i.isPresent()) {
                out.add(i.get());
            } else {
                problem(item.location(), "schemaDiff cannot ignore '" + t + "'",
                        closest(t, names).map(c -> "did you mean '" + c + "'?")
                                .orElse("it can ignore " + String.join(", ", names)));
            }
        }
        return out;
    }

    private List<String> diffEntries(Node node) {
        if (node instanceof ScalarNode s && !s.isNull()) {
            checkDiffEntry(s.text(), s.location());
            return List.of(s.text());
        }
        ListNode list = asList(node, "a list of kind:name entries");
        if (list == null) return List.of();
        List<String> entries = new ArrayList<>();
        for (Node item : list.items()) {
            String t = text(item);
            if (t != null) {
                checkDiffEntry(t, item.location());
                entries.add(t);
            }
        }
        return entries;
    }

    private void checkDiffEntry(String entry, SourceLocation at) {
        int colon = entry.indexOf(':');
        String kind = colon < 0 ? "" : entry.substring(0, colon);
        if (colon < 0 || ObjectKind.ofSingular(kind).isEmpty() || colon == entry.length() - 1) {
            List<String> kinds = Arrays.stream(ObjectKind.values()).map(ObjectKind::singular).toList();
            problem(at, "'" + entry + "' does not name an object as kind:name",
                    closest(kind, kinds).filter(c -> colon > 0).map(c -> "did you mean '" + c + ":'?")
                            .orElse("e.g. table:users, column:users.email, index:users_*; kinds: "
                                    + String.join(", ", kinds)));
        }
    }

    private CheckSpec explain(Node body, SourceLocation at) {
        Fields f = checkFields(body, "explain");
        if (f == null) return null;
        if (f.has("compareTo")) return explainCompare(f, at);
        for (String key : List.of("query", "slowerBy", "runs")) {
            if (f.has(key)) {
                problem(f.keyLocation(key), "'" + key + "' compares with a baseline, and this check names none",
                        "add compareTo: <the snapshot that timed the query>");
                return null;
            }
        }
        String sql = f.requiredText("sql", "give the query whose plan is checked");
        String expect = f.text("expect");
        CheckSpec.PlanExpectation pe = null;
        Double maxCost = null;
        if (f.has("maxCost")) {
            String c = f.text("maxCost");
            try {
                maxCost = c == null ? null : Double.parseDouble(c);
                if (maxCost != null && (maxCost.isNaN() || maxCost < 0)) throw new NumberFormatException(c);
            } catch (NumberFormatException e) {
                problem(f.get("maxCost").location(), "maxCost must be a number of at least 0", "e.g. maxCost: 1000");
                return null;
            }
        }
        if (expect == null) {
            if (maxCost != null) pe = CheckSpec.PlanExpectation.MAX_COST;
            else problem(at, "an explain check needs expect (indexScan or noSeqScan) or maxCost",
                    "e.g. expect: indexScan");
        } else {
            Map<String, CheckSpec.PlanExpectation> names = Map.of("indexScan", CheckSpec.PlanExpectation.INDEX_SCAN,
                    "noSeqScan", CheckSpec.PlanExpectation.NO_SEQ_SCAN);
            pe = names.get(expect);
            if (pe == null) {
                problem(f.get("expect").location(), "unknown plan expectation '" + expect + "'",
                        closest(expect, names.keySet()).map(c -> "did you mean '" + c + "'?")
                                .orElse("use indexScan or noSeqScan, or set maxCost"));
            } else if (maxCost != null) {
                problem(f.keyLocation("maxCost"), "give either expect or maxCost, not both",
                        "split them into two explain checks");
                return null;
            }
        }
        Boolean analyze = f.bool("analyze");
        guard(f, "sql", sql, analyze != null && analyze ? StatementGuard.Use.EXPLAIN_ANALYZE
                : StatementGuard.Use.EXPLAIN);
        return sql == null || pe == null ? null
                : new CheckSpec.Explain(meta(f, at), sql, pe, f.text("table"), maxCost, analyze != null && analyze);
    }

    /** An explain check with {@code compareTo}: a hot query against the baseline a snapshot timed. */
    private CheckSpec explainCompare(Fields f, SourceLocation at) {
        for (String key : List.of("expect", "maxCost", "table", "analyze")) {
            if (f.has(key)) {
                problem(f.keyLocation(key), "'" + key + "' does not go with compareTo",
                        "a comparison judges time and indexes against the baseline; put " + key
                                + " in an explain check of its own");
                return null;
            }
        }
        String compareTo = snapshotReference(f);
        String query = f.has("query") ? f.requiredText("query", "name the snapshot's hot query: query: by_customer")
                : null;
        String sql = f.has("sql") ? f.requiredText("sql", "give the query to time now, or leave sql out to run"
                + " the baseline's own") : null;
        if (!f.has("query") && !f.has("sql")) {
            problem(at, "a comparison needs the hot query: its name in the snapshot (query) or its SQL (sql)",
                    "e.g. query: by_customer");
            return null;
        }
        if (sql != null) guard(f, "sql", sql, StatementGuard.Use.EXPLAIN_ANALYZE);
        Map<String, String> timed = compareTo == null ? null : snapshotQueries.get(compareTo);
        if (timed != null && query != null && !timed.containsKey(query)) {
            problem(f.get("query").location(), "snapshot '" + compareTo + "' times no query '" + query + "'",
                    timed.isEmpty() ? "add it to the snapshot: queries: { " + query + ": \"SELECT ...\" }"
                            : closest(query, timed.keySet()).map(c -> "did you mean '" + c + "'?")
                            .orElse("it times " + String.join(", ", timed.keySet())));
            return null;
        }
        if (timed != null && query == null && sql != null
                && timed.values().stream().noneMatch(q -> q.strip().equals(sql.strip()))) {
            problem(f.get("sql").location(), "snapshot '" + compareTo + "' times no query with this SQL",
                    timed.isEmpty() ? "add it to the snapshot's queries"
                            : "name the baseline with query: (one of " + String.join(", ", timed.keySet()) + ")");
            return null;
        }
        Double slowerBy = f.has("slowerBy") ? slowerBy(f.get("slowerBy")) : Double.valueOf(10);
        Integer runs = runs(f);
        if (compareTo == null || slowerBy == null || f.has("runs") && runs == null || f.has("query") && query == null
                || f.has("sql") && sql == null) {
            return null;
        }
        // The SQL that runs now comes from the runbook, whose digest the journal pins, never from the journal.
        String now = sql != null ? sql : timed != null ? timed.get(query) : null;
        return new CheckSpec.ExplainCompare(meta(f, at), compareTo, query, now, slowerBy, runs);
    }

    private static final Pattern SLOWER_BY = Pattern.compile("(?:<=?|≤)?\\s*(\\d+(?:\\.\\d+)?)\\s*%");

    /** {@code slowerBy: "< 10%"} (or {@code "10%"}, {@code "<= 10%"}): how much slower the median may get. */
    private Double slowerBy(Node node) {
        String t = text(node);
        if (t == null) return null;
        Matcher m = SLOWER_BY.matcher(t.strip());
        if (m.matches()) return Double.parseDouble(m.group(1));
        problem(node.location(), "slowerBy '" + t + "' is not a percentage",
                "write how much slower the median may get, e.g. slowerBy: \"< 10%\" (0% for same or better)");
        return null;
    }

    private CheckSpec statement(Node body, SourceLocation at, boolean rejects) {
        Fields f = checkFields(body, rejects ? "rejects" : "accepts");
        if (f == null) return null;
        String sql = f.requiredText("sql", "give the statement to try");
        String sqlstate = f.text("sqlstate");
        if (sqlstate != null && !SQLSTATE.matcher(sqlstate).matches()) {
            problem(f.get("sqlstate").location(), "'" + sqlstate + "' is not a SQLSTATE",
                    "a SQLSTATE is five characters, e.g. 23505 for unique_violation; quote it: sqlstate: \"23505\"");
        }
        if (rejects && sqlstate == null && f.text("message") == null) {
            problem(at, "a rejects check needs sqlstate or message",
                    "say how it must fail, e.g. sqlstate: \"23505\"; any failure is not proof enough");
            return null;
        }
        guard(f, "sql", sql, StatementGuard.Use.PROBE);
        String setup = f.text("setup");
        if (setup != null) {
            try {
                StatementGuard.probeSetup(setup, true);
            } catch (StatementGuard.Refusal r) {
                refused(f, "setup", r);
            }
        }
        return sql == null ? null
                : new CheckSpec.Statement(meta(f, at), rejects, setup, sql, sqlstate, f.text("message"));
    }

    private CheckSpec activity(Node body, SourceLocation at) {
        Fields f = checkFields(body, "activity");
        if (f == null) return null;
        Integer other = f.integer("otherSessions");
        Integer longTx = f.integer("longTransactions");
        Integer blocking = f.integer("blockingLocks");
        Duration age = f.has("longTransactionAge") ? duration(f.get("longTransactionAge")) : Duration.ofMinutes(5);
        if (!f.has("otherSessions") && !f.has("longTransactions") && !f.has("blockingLocks")) {
            problem(at, "an activity check needs a limit",
                    "set otherSessions, longTransactions or blockingLocks, e.g. otherSessions: 0");
            return null;
        }
        // A limit or age that did not parse was reported where it stands; without it the check proves less.
        if ((f.has("otherSessions") && other == null) || (f.has("longTransactions") && longTx == null)
                || (f.has("blockingLocks") && blocking == null) || age == null) {
            return null;
        }
        return new CheckSpec.Activity(meta(f, at), other, longTx, age, blocking);
    }

    private CheckSpec manual(Node body, SourceLocation at) {
        if (body instanceof ScalarNode s) {
            if (s.isNull() || s.text().isBlank()) {
                problem(s.location(), "'manual' is empty", "say what the operator confirms: - manual: <text>");
                return null;
            }
            return new CheckSpec.Manual(new CheckSpec.Meta(null, null, at), s.text(), false);
        }
        Fields f = checkFields(body, "manual");
        if (f == null) return null;
        String text = f.requiredText("text", "say what the operator confirms");
        Boolean note = f.bool("requireNote");
        return text == null ? null : new CheckSpec.Manual(meta(f, at), text, note != null && note);
    }

    private CheckSpec execute(Node body, SourceLocation at) {
        Fields f = checkFields(body, "execute");
        if (f == null) return null;
        CheckSpec.Rollback rollback = f.has("rollback") ? executeRollback(f.get("rollback")) : null;
        CheckSpec.Execute forward = executeFields(f, at, null);
        if (forward == null || (f.has("rollback") && rollback == null)) return null;
        return new CheckSpec.Execute(forward.meta(), forward.file(), forward.transaction(), forward.expectNotices(),
                forward.lockTimeout(), forward.lockRetries(), rollback);
    }

    /** An execute's fields (its rollback aside); {@code rollback} set when these are a rollback's. */
    private CheckSpec.Execute executeFields(Fields f, SourceLocation at, CheckSpec.Rollback rollback) {
        String fileName = f.requiredText("file", "name the SQL file, relative to the runbook: file: migration.sql");
        Boolean tx = f.bool("transaction");
        List<String> notices = f.has("expectNotices") ? textList(f.get("expectNotices")) : List.of();
        if (fileName == null) return null;
        Path sql;
        try {
            sql = baseDir.resolve(fileName).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            problem(f.get("file").location(), "'" + fileName + "' is not a file path", e.getReason());
            return null;
        }
        if (!Files.isRegularFile(sql)) {
            problem(f.get("file").location(), "execute file '" + fileName + "' does not exist",
                    "looked for " + sql + "; paths are relative to the runbook's folder");
        }
        Duration timeout = f.has("timeout") ? duration(f.get("timeout")) : Duration.ZERO;
        Duration lockTimeout = f.has("lockTimeout") ? duration(f.get("lockTimeout")) : null;
        Integer lockRetries = f.integer("lockRetries");
        return new CheckSpec.Execute(new CheckSpec.Meta(f.text("name"), timeout, at), sql, tx == null || tx, notices,
                lockTimeout, lockRetries == null ? 0 : lockRetries, rollback);
    }

    /** {@code rollback: demo/rollback.sql}, or a mapping with an execute's fields and the proof's options. */
    private CheckSpec.Rollback executeRollback(Node node) {
        if (node instanceof ScalarNode s) {
            if (s.isNull() || s.text().isBlank()) {
                problem(s.location(), "'rollback' is empty", "name the SQL file that undoes the migration:"
                        + " rollback: rollback.sql, or rollback: { file: rollback.sql, transaction: true }");
                return null;
            }
            Path sql;
            try {
                sql = baseDir.resolve(s.text()).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                problem(s.location(), "'" + s.text() + "' is not a file path", e.getReason());
                return null;
            }
            if (!Files.isRegularFile(sql)) {
                problem(s.location(), "rollback file '" + s.text() + "' does not exist",
                        "looked for " + sql + "; paths are relative to the runbook's folder");
            }
            return new CheckSpec.Rollback(new CheckSpec.Execute(new CheckSpec.Meta(null, Duration.ZERO, s.location()),
                    sql, true, List.of()), null, List.of(), List.of());
        }
        Set<String> keys = new HashSet<>(CHECK_KEYS.get("execute"));
        keys.remove("rollback");
        keys.addAll(ROLLBACK_PROOF_KEYS);
        Fields r = fields(node, keys, "an execute's rollback");
        if (r == null) return null;
        CheckSpec.Execute undo = executeFields(r, node.location(), null);
        return undo == null ? null : rollbackProof(r, undo);
    }

    /** The proof's options of a rollback mapping, around what undoes the writer. */
    private CheckSpec.Rollback rollbackProof(Fields r, CheckSpec.Writer undo) {
        String baseline = r.has("baseline") ? snapshotReference(r, "baseline",
                "name the snapshot the rollback must restore, taken before this step: baseline: before") : null;
        List<String> counts = r.has("countsMayDiffer")
                ? distinctTables(r.get("countsMayDiffer"), "countsMayDiffer") : List.of();
        List<String> checksums = r.has("checksums") ? distinctTables(r.get("checksums"), "checksums") : List.of();
        for (String t : checksums) {
            if (counts.contains(t)) {
                problem(r.keyLocation("checksums"), "'" + t + "' is in both countsMayDiffer and checksums",
                        "a table whose count may differ cannot also hold exactly the baseline's rows; keep one");
                return null;
            }
        }
        if (baseline != null && snapshots.containsKey(baseline) && r.has("checksums")) {
            Set<String> recorded = snapshotChecksums.getOrDefault(baseline, Set.of());
            for (String t : checksums) {
                if (!recorded.contains(t)) {
                    problem(r.get("checksums").location(), "snapshot '" + baseline + "' records no checksum of '"
                            + t + "'", "add it to the snapshot's checksums: checksums: [" + t + "]");
                }
            }
        }
        return new CheckSpec.Rollback(undo, baseline, counts, checksums);
    }

    private CheckSpec.Command command(Node body, SourceLocation at) {
        Fields f = checkFields(body, "command");
        if (f == null) return null;
        CheckSpec.Command forward = commandFields(f, at, null);
        if (forward != null && autocommitOff(forward.run(), f.get("run").location())) return null;
        if (forward == null || !f.has("rollback")) return forward;
        Set<String> keys = new HashSet<>(CHECK_KEYS.get("command"));
        keys.removeAll(Set.of("rollback", "verify"));
        keys.addAll(ROLLBACK_PROOF_KEYS);
        Fields r = fields(f.get("rollback"), keys, "a command's rollback");
        if (r == null) return null;
        if (!r.has("run")) {
            return missing(r, "run", "say what undoes the command: rollback: { run: alembic downgrade -1 }");
        }
        CheckSpec.Command undo = commandFields(r, f.get("rollback").location(), forward);
        if (undo == null) return null;
        if (r.has("run") && autocommitOff(undo.run(), r.get("run").location())) return null;
        return new CheckSpec.Command(forward.meta(), forward.run(), forward.cwd(), forward.env(), forward.expectExit(),
                forward.expectOutput(), forward.rejectOutput(), rollbackProof(r, undo), forward.verify());
    }

    /** psql on the line: as the program, or as a word of a shell line ({@code cd db && psql ...}). */
    private static final Pattern PSQL_PROGRAM = Pattern.compile("(?:^|[\\s;&|(])(?:\\S*/)?psql(?:\\s|$)");
    /**
     * psql's AUTOCOMMIT set false on its command line ({@code -v AUTOCOMMIT=off}, {@code --set=autocommit=0}) or by
     * a {@code \set} it runs; psql takes any prefix of "false" and "no", and "of" for "off".
     */
    private static final Pattern AUTOCOMMIT_OFF = Pattern.compile("(?i)(?:(?:-v|--set|--variable)[\\s=]*['\"]?"
            + "AUTOCOMMIT\\s*=|\\\\set\\s+['\"]?AUTOCOMMIT['\"]?\\s+)['\"]?(?:off?|f(?:a(?:l(?:se?)?)?)?|no?|0)"
            + "(?![\\w-])");

    /**
     * Refuses a command that runs psql with AUTOCOMMIT off. psql then opens a transaction before the first statement
     * and, at the end of a file without COMMIT, disconnects and the server rolls the work back: psql exits 0, the step
     * PASSES, and nothing changed. A refusal, not a warning: {@code -1} (one transaction committed at the end) or the
     * file's own BEGIN/COMMIT say the same thing without that trap. Only the command line is read: a {@code \set} in
     * the file itself, or in a ~/.psqlrc psql reads without {@code -X}, is not seen here.
     *
     * @return whether it was refused
     */
    private boolean autocommitOff(CheckSpec.Run run, SourceLocation at) {
        String line = run.shell() != null ? run.shell() : String.join(" ", run.argv());
        boolean psql = run.shell() != null ? PSQL_PROGRAM.matcher(line).find()
                : run.argv().stream().anyMatch(a -> a.equals("psql") || a.endsWith("/psql"));
        if (!psql) return false;
        Matcher m = AUTOCOMMIT_OFF.matcher(line);
        if (!m.find()) return false;
        problem(at, "the command runs psql with AUTOCOMMIT off ('" + m.group() + "'): a file without COMMIT exits 0"
                + " and its work is rolled back when psql disconnects, so the step would pass having changed nothing",
                "for one transaction use psql -1 (--single-transaction), which commits at the end and rolls back on"
                + " an error with ON_ERROR_STOP=1; or put BEGIN and COMMIT in the file");
        return true;
    }

    /** A migration tool's status command: a command's fields without rollback or verify, and always a timeout. */
    private CheckSpec.StatusCommand statusCommand(Node body, SourceLocation at) {
        Fields f = checkFields(body, "statusCommand");
        if (f == null) return null;
        if (!f.has("run")) {
            return missing(f, "run", "say what reports the status: run: alembic current (a shell line) or"
                    + " run: [flyway, info]");
        }
        CheckSpec.Command fields = commandFields(f, at, null, false);
        if (fields == null) return null;
        // A command may run for as long as it takes; a status that does not answer is an ERROR, never a wait.
        Duration timeout = f.has("timeout") ? fields.meta().timeout() : CheckSpec.DEFAULT_TIMEOUT;
        return new CheckSpec.StatusCommand(new CheckSpec.Meta(fields.meta().name(), timeout, at), fields.run(),
                fields.cwd(), fields.env(), fields.expectExit(), fields.expectOutput(), fields.rejectOutput());
    }

    /**
     * A command's fields (its rollback aside). With {@code defaults} these are a rollback's: every field it does not
     * give is the forward command's, and it has no verify checks.
     */
    private CheckSpec.Command commandFields(Fields f, SourceLocation at, CheckSpec.Command defaults) {
        return commandFields(f, at, defaults, true);
    }

    /** A command's fields; {@code verifies} is false for a kind that has no verify checks (its key is refused). */
    private CheckSpec.Command commandFields(Fields f, SourceLocation at, CheckSpec.Command defaults,
                                            boolean verifies) {
        boolean ok = true;
        CheckSpec.Run run = f.has("run") ? run(f.get("run"))
                : missing(f, "run", "say what runs: run: alembic upgrade head (a shell line) or run: [flyway, migrate]");
        Path cwd = defaults == null ? baseDir : defaults.cwd();
        if (f.has("cwd")) {
            String dir = f.text("cwd");
            try {
                if (dir != null) cwd = baseDir.resolve(expandHome(dir)).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                problem(f.get("cwd").location(), "'" + dir + "' is not a folder path", e.getReason());
                ok = false;
            }
        }
        Map<String, String> env = f.has("env") ? commandEnv(f.get("env"))
                : defaults == null ? Map.of() : defaults.env();
        Integer expectExit = f.has("expectExit") ? f.integer("expectExit")
                : Integer.valueOf(defaults == null ? 0 : defaults.expectExit());
        if (expectExit != null && expectExit > 255) {
            problem(f.get("expectExit").location(), "exit code " + expectExit + " cannot happen",
                    "a process exits with 0 to 255; 0 means success");
            ok = false;
        }
        List<String> expectOutput = f.has("expectOutput") ? patterns(f.get("expectOutput"))
                : defaults == null ? List.of() : defaults.expectOutput();
        List<String> rejectOutput = f.has("rejectOutput") ? patterns(f.get("rejectOutput"))
                : defaults == null ? List.of() : defaults.rejectOutput();
        List<CheckSpec> verify = new ArrayList<>();
        // A rollback's verify: is refused as an unknown key; its proof is the restored check.
        if (verifies && f.has("verify") && defaults == null) {
            ListNode list = f.list("verify");
            if (list != null) {
                if (list.items().isEmpty()) {
                    problem(list.location(), "verify is empty", "list checks that prove the command took effect,"
                            + " e.g. - query: { sql: \"SELECT version_num FROM alembic_version\", expect: \"'9c1d'\" },"
                            + " or remove verify");
                }
                for (Node n : list.items()) {
                    String kind = n instanceof MapNode m && m.entries().size() == 1
                            ? m.entries().keySet().iterator().next() : null;
                    if (kind != null && CHECK_KINDS.contains(kind) && !VERIFY_KINDS.contains(kind)) {
                        problem(m(n).entries().get(kind).keyLocation(), "a command's verify checks only read;"
                                + " '" + kind + "' cannot be one", "use " + String.join(", ", VERIFY_KINDS)
                                + "; put a " + kind + " in a step of its own");
                        continue;
                    }
                    CheckSpec c = check(n);
                    if (c != null) verify.add(c);
                }
            }
        }
        Duration timeout = f.has("timeout") ? duration(f.get("timeout"))
                : defaults == null ? Duration.ZERO : defaults.meta().timeout();
        if (!ok || run == null || expectExit == null) return null;
        return new CheckSpec.Command(new CheckSpec.Meta(f.text("name"), timeout == null ? Duration.ZERO : timeout, at),
                run, cwd, env, expectExit, expectOutput, rejectOutput, null, verify);
    }

    private static MapNode m(Node n) {
        return (MapNode) n;
    }

    /** {@code ~/x} means the home folder, as in a shell; anything else is relative to the runbook's folder. */
    private static String expandHome(String dir) {
        if (dir.equals("~") || dir.startsWith("~/")) return System.getProperty("user.home") + dir.substring(1);
        return dir;
    }

    /** A shell line (text) or an argv list (a list of texts, the program first). */
    private CheckSpec.Run run(Node node) {
        if (node instanceof ScalarNode s) {
            if (s.isNull() || s.text().isBlank()) {
                problem(s.location(), "'run' is empty", "say what runs: run: alembic upgrade head");
                return null;
            }
            return new CheckSpec.Run(s.text(), List.of());
        }
        if (node instanceof ListNode l) {
            List<String> argv = new ArrayList<>();
            for (Node item : l.items()) {
                if (!(item instanceof ScalarNode s) || s.isNull()) {
                    problem(item.location(), "each argument of an argv list is a single value, found "
                            + item.typeName(), "quote it: run: [psql, \"-f\", migration.sql]");
                    return null;
                }
                argv.add(s.text());
            }
            if (argv.isEmpty() || argv.get(0).isBlank()) {
                problem(l.location(), "the argv list names no program", "the first item is the program: run: [flyway,"
                        + " migrate]");
                return null;
            }
            return new CheckSpec.Run(null, argv);
        }
        problem(node.location(), "'run' is a shell line or an argv list, found " + node.typeName(),
                "run: alembic upgrade head, or run: [alembic, upgrade, head]");
        return null;
    }

    private Map<String, String> commandEnv(Node node) {
        Fields f = fields(node, null, "env");
        Map<String, String> env = new LinkedHashMap<>();
        if (f == null) return env;
        for (Entry e : f.map.entries().values()) {
            if (!ENV_NAME.matcher(e.key()).matches()) {
                problem(e.keyLocation(), "'" + e.key() + "' is not a variable name",
                        "letters, digits and '_', not starting with a digit");
                continue;
            }
            // Any libpq variable could send the tool elsewhere (PGHOSTADDR, PGSERVICE, PGOPTIONS...).
            if (e.key().startsWith("PG") || e.key().equals("DATABASE_URL")) {
                problem(e.keyLocation(), "env cannot set " + e.key() + ": Runbook Pilot sets the libpq variables"
                        + " and DATABASE_URL to the connected target", "the tool connects where the checks look;"
                        + " reference them instead, e.g. FLYWAY_URL:"
                        + " jdbc:postgresql://${PGHOST}:${PGPORT}/${PGDATABASE}");
                continue;
            }
            String value = e.value() instanceof ScalarNode s ? (s.isNull() ? "" : s.text()) : null;
            if (value == null) {
                problem(e.value().location(), "the value of " + e.key() + " must be a single value, found "
                        + e.value().typeName(), null);
                continue;
            }
            Matcher m = ENV_REFERENCE.matcher(value);
            while (m.find()) {
                if (!COMMAND_VARIABLES.contains(m.group(1))) {
                    problem(e.value().location(), e.key() + " references ${" + m.group(1) + "}, which Runbook Pilot"
                            + " does not set", closest(m.group(1), COMMAND_VARIABLES).map(c -> "did you mean ${" + c
                            + "}?").orElse("it sets " + String.join(", ", COMMAND_VARIABLES)));
                }
            }
            env.put(e.key(), value);
        }
        return env;
    }

    /** Regular expressions (Java syntax), each compiled here so a mistake is reported where it is written. */
    private List<String> patterns(Node node) {
        List<Node> items = node instanceof ListNode l ? l.items() : List.of(node);
        List<String> out = new ArrayList<>();
        for (Node item : items) {
            String p = text(item);
            if (p == null) continue;
            if (p.isEmpty()) {
                problem(item.location(), "an empty pattern matches every line", "write the text the line must contain");
                continue;
            }
            try {
                // ".*", "(head)?" or "a|" also match an empty line: expected, any output would pass without a look.
                if (Pattern.compile(p).matcher("").find()) {
                    problem(item.location(), "'" + p + "' matches any line, even an empty one, so it proves nothing",
                            "write the text the line must contain");
                    continue;
                }
                out.add(p);
            } catch (java.util.regex.PatternSyntaxException e) {
                problem(item.location(), "'" + p + "' is not a regular expression: " + e.getDescription()
                        + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""),
                        "escape special characters with \\ (in YAML double quotes write \\\\), or use single quotes");
            }
        }
        return out;
    }

    private CheckSpec signoff(Node body, SourceLocation at) {
        Fields f = checkFields(body, "signoff");
        if (f == null) return null;
        ListNode roles = f.requiredList("roles", "list who signs: roles: [DBA, Backend lead]");
        if (roles == null) return null;
        List<String> names = textList(roles);
        if (names.isEmpty()) {
            problem(roles.location(), "no roles", "list who signs: roles: [DBA, Backend lead]");
            return null;
        }
        if (names.stream().anyMatch(String::isBlank)) {
            problem(roles.location(), "a role without a name", "list who signs: roles: [DBA, Backend lead]");
            return null;
        }
        return new CheckSpec.Signoff(meta(f, at), names);
    }

    private CheckSpec gate(Node body, SourceLocation at) {
        Fields f = fields(body, GATE_KEYS, "a gate");
        if (f == null) return null;
        String question = f.requiredText("question", "ask what every role answers: question: \"Go for production?\"");
        ListNode roles = f.requiredList("roles", "list who answers: roles: [DBA, Backend lead]");
        if (roles == null || question == null) return null;
        List<String> names = textList(roles);
        if (names.isEmpty() || names.stream().anyMatch(String::isBlank)) {
            problem(roles.location(), names.isEmpty() ? "no roles" : "a role without a name",
                    "list who answers: roles: [DBA, Backend lead]");
            return null;
        }
        if (names.stream().distinct().count() != names.size()) {
            problem(roles.location(), "a role is listed twice", "list each role once: each answers once");
            return null;
        }
        return new CheckSpec.Gate(new CheckSpec.Meta(null, null, at), names, question);
    }

    private CheckSpec backup(Node body, SourceLocation at) {
        Fields f = checkFields(body, "backup");
        if (f == null) return null;
        String dirText = f.requiredText("dir", "say where the dump goes: dir: ~/backups");
        CheckSpec.BackupFormat format = CheckSpec.BackupFormat.CUSTOM;
        String formatText = f.text("format");
        if (formatText != null) {
            format = java.util.Arrays.stream(CheckSpec.BackupFormat.values())
                    .filter(v -> v.yamlName().equals(formatText)).findFirst().orElse(null);
            if (format == null) {
                problem(f.get("format").location(), "unknown backup format '" + formatText + "'",
                        "use custom or directory (a plain SQL dump cannot be read back with pg_restore --list)");
                return null;
            }
        }
        CheckSpec.BackupVerify verify = CheckSpec.BackupVerify.RESTORE;
        String verifyText = f.text("verify");
        if (verifyText != null) {
            verify = java.util.Arrays.stream(CheckSpec.BackupVerify.values())
                    .filter(v -> v.yamlName().equals(verifyText)).findFirst().orElse(null);
            if (verify == null) {
                problem(f.get("verify").location(), "unknown backup verification '" + verifyText + "'",
                        "use list (pg_restore --list reads it back) or restore (a restore drill with row counts)");
                return null;
            }
        }
        Integer jobs = f.integer("jobs");
        if (jobs != null && jobs < 1) {
            problem(f.get("jobs").location(), "jobs must be at least 1", null);
            return null;
        }
        if (jobs != null && jobs > 1 && format != CheckSpec.BackupFormat.DIRECTORY) {
            problem(f.get("jobs").location(), "parallel jobs need format: directory",
                    "pg_dump writes in parallel only to a directory; add format: directory or remove jobs");
            return null;
        }
        CheckSpec.Scratch scratch = null;
        if (f.has("scratch")) {
            String where = f.text("scratch");
            if (verify != CheckSpec.BackupVerify.RESTORE) {
                problem(f.keyLocation("scratch"), "'scratch' without verify: restore",
                        "only a restore drill uses a scratch database; remove scratch or use verify: restore");
                return null;
            }
            if (where == null || where.isBlank()) {
                problem(f.get("scratch").location(), "'scratch' is empty",
                        "embedded, target, or a connection string such as postgresql://drill-host/postgres");
                return null;
            }
            if (SCRATCH_PASSWORD.matcher(where).find()) {
                problem(f.get("scratch").location(), "the scratch server's connection holds a password",
                        "keep passwords out of the runbook: put it in ~/.pgpass or a service file");
                return null;
            }
            scratch = switch (where) {
                case "embedded" -> CheckSpec.Scratch.EMBEDDED;
                case "target" -> CheckSpec.Scratch.TARGET;
                default -> new CheckSpec.Scratch(CheckSpec.ScratchKind.SERVER, where);
            };
        }
        if (dirText == null) return null;
        Path dir;
        try {
            String expanded = dirText.equals("~") || dirText.startsWith("~/")
                    ? System.getProperty("user.home") + dirText.substring(1) : dirText;
            dir = baseDir.resolve(expanded).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            problem(f.get("dir").location(), "'" + dirText + "' is not a directory path", e.getReason());
            return null;
        }
        Duration timeout = f.has("timeout") ? duration(f.get("timeout")) : Duration.ZERO;
        return new CheckSpec.Backup(new CheckSpec.Meta(f.text("name"), timeout, at), dir, format,
                jobs == null ? 1 : jobs, verify, scratch);
    }

    // ---------------------------------------------------------------- values

    private Expectation expectation(Node node) {
        if (!(node instanceof ScalarNode s) || s.isNull()) {
            problem(node.location(), "an expectation is a single value, found " + node.typeName(),
                    "e.g. \"= 0\", \">= 4\", \"between 1 and 9\", \"'3.7.0'\", empty, \"rows = 3\"");
            return null;
        }
        try {
            return Expectation.parse(s.text());
        } catch (Expectation.ParseException e) {
            // A quoted YAML scalar that is not an expression means that exact text: expect: '3.7.0'. One that
            // starts like an expression ("between 9 and 1", ">= four") is a mistake, not text to compare with.
            if (s.quoted() && !ATTEMPTED_EXPRESSION.matcher(s.text()).lookingAt()) {
                return new Expectation.Text(s.text());
            }
            problem(s.location(), e.getMessage(), "see the expectation grammar in docs/runbook-format.md");
            return null;
        }
    }

    Duration duration(Node node) {
        String t = text(node);
        if (t == null) return null;
        Matcher m = DURATION.matcher(t.strip());
        if (m.matches()) {
            double v = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            long millis = (long) switch (unit) {
                case "ms" -> v;
                case "m" -> v * 60_000;
                case "h" -> v * 3_600_000;
                default -> v * 1000;
            };
            if (millis > 0) return Duration.ofMillis(millis);
        }
        problem(node.location(), "'" + t + "' is not a duration", "write a number with a unit: 500ms, 30s, 5m, 1h");
        return null;
    }

    String text(Node node) {
        if (node instanceof ScalarNode s) return s.isNull() ? null : s.text();
        problem(node.location(), "expected a single value, found " + node.typeName(), null);
        return null;
    }

    private List<String> textList(Node node) {
        if (node instanceof ScalarNode s && !s.isNull()) return List.of(s.text());
        ListNode list = asList(node, "a list of names: [a, b]");
        if (list == null) return List.of();
        List<String> out = new ArrayList<>();
        for (Node item : list.items()) {
            String t = text(item);
            if (t != null) out.add(t);
        }
        return out;
    }

    private ListNode asList(Node node, String what) {
        if (node instanceof ListNode l) return l;
        problem(node.location(), "expected " + what + ", found " + node.typeName(), null);
        return null;
    }

    private <T> T missing(Fields f, String key, String hint) {
        problem(f.map.location(), "missing '" + key + "'", hint);
        return null;
    }

    /**
     * The same guard the engine applies before running the SQL, here so {@code validate} names the problem and its
     * place before a window starts. Strings are read as with {@code standard_conforming_strings} on, the server
     * default; the engine checks again with the connection's own setting.
     */
    private void guard(Fields f, String field, String sql, StatementGuard.Use use) {
        if (sql == null) return;
        try {
            StatementGuard.check(sql, use, true);
        } catch (StatementGuard.Refusal r) {
            refused(f, field, r);
        }
    }

    private void refused(Fields f, String field, StatementGuard.Refusal r) {
        problem(f.get(field).location(), r.getMessage() + " (at line " + r.line() + ", column " + r.column()
                + " of the SQL)", r.hint());
    }

    void problem(SourceLocation at, String message, String hint) {
        problems.add(new RunbookProblem(at, message, hint));
    }

    /** The closest candidate by edit distance, when it is close enough to be a likely typo. */
    static Optional<String> closest(String word, java.util.Collection<String> candidates) {
        if (word == null) return Optional.empty();
        Function<String, Integer> distance = c -> EditDistance.between(word.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
        return candidates.stream().min(Comparator.comparing(distance))
                .filter(c -> distance.apply(c) <= Math.max(2, c.length() / 3));
    }

    private Fields fields(Node node, Set<String> allowed, String what) {
        if (!(node instanceof MapNode map)) {
            problem(node.location(), what + " must be a mapping (key: value), found " + node.typeName(), null);
            return null;
        }
        if (allowed != null) {
            for (Entry e : map.entries().values()) {
                if (!allowed.contains(e.key())) {
                    problem(e.keyLocation(), "unknown key '" + e.key() + "' in " + what,
                            closest(e.key(), allowed).map(c -> "did you mean '" + c + "'?")
                                    .orElse("valid keys: " + allowed.stream().sorted()
                                            .collect(Collectors.joining(", "))));
                }
            }
        }
        return new Fields(map);
    }

    /** Typed access to a mapping's values; each wrong type or missing required key becomes a problem. */
    private final class Fields {
        final MapNode map;

        Fields(MapNode map) {
            this.map = map;
        }

        boolean has(String key) {
            return map.entries().containsKey(key);
        }

        Node get(String key) {
            return map.entries().get(key).value();
        }

        SourceLocation keyLocation(String key) {
            return map.entries().get(key).keyLocation();
        }

        String text(String key) {
            if (!has(key)) return null;
            Node n = get(key);
            if (n instanceof ScalarNode s) return s.isNull() ? null : s.text();
            problem(n.location(), "'" + key + "' must be a single value, found " + n.typeName(),
                    "write it on one line, quoted if it has ':' or '#', or as a block with |");
            return null;
        }

        String requiredText(String key, String hint) {
            if (!has(key)) return missing(this, key, hint);
            String t = text(key);
            if ((t == null || t.isBlank()) && get(key) instanceof ScalarNode) {
                problem(get(key).location(), "'" + key + "' is empty", hint);
                return null;
            }
            return t;
        }

        ListNode list(String key) {
            return has(key) ? asList(get(key), "a list under '" + key + "'") : null;
        }

        ListNode requiredList(String key, String hint) {
            if (!has(key)) return missing(this, key, hint);
            return list(key);
        }

        Boolean bool(String key) {
            if (!has(key)) return null;
            Node n = get(key);
            if (n instanceof ScalarNode s && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
                return s.token() == JsonToken.VALUE_TRUE;
            }
            problem(n.location(), "'" + key + "' must be true or false, found " + n.typeName(), null);
            return null;
        }

        Integer integer(String key) {
            if (!has(key)) return null;
            Node n = get(key);
            if (n instanceof ScalarNode s && s.token() == JsonToken.VALUE_NUMBER_INT) {
                try {
                    int v = Integer.parseInt(s.text());
                    if (v >= 0) return v;
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            problem(n.location(), "'" + key + "' must be a whole number of at least 0, found " + n.typeName(), null);
            return null;
        }
    }
}
