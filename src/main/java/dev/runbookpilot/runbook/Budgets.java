package dev.runbookpilot.runbook;

import dev.runbookpilot.runbook.YamlTree.Entry;
import dev.runbookpilot.runbook.YamlTree.MapNode;
import dev.runbookpilot.runbook.YamlTree.Node;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The loader's reading of the clock keys: {@code window:} and a writer step's {@code expectDuration:}. */
final class Budgets {
    /** {@code < 500ms}, {@code <= 2s}, {@code ≤ 1m}, or a bare duration (at most). */
    private static final Pattern EXPECT = Pattern.compile("\\s*(<=|≤|<)?\\s*(.+?)\\s*");
    /** A local date and time followed by a zone name: {@code 2026-12-05T03:00 Europe/Berlin}. */
    private static final Pattern LOCAL_WITH_ZONE = Pattern.compile("(\\S+)\\s+([A-Za-z][A-Za-z0-9_+\\-/]*)");
    private static final String START_HINT = "write an instant (2026-12-05T02:00:00Z, 2026-12-05T03:00+01:00) or a"
            + " local time with its zone (2026-12-05T03:00 Europe/Berlin)";

    private Budgets() {}

    static Window window(Node node, RunbookLoader loader) {
        if (!(node instanceof MapNode map)) {
            loader.problem(node.location(), "'window' must be a mapping, found " + node.typeName(),
                    "window: { start: \"2026-12-05T02:00:00Z\", duration: 2h }");
            return null;
        }
        for (Entry e : map.entries().values()) {
            if (!RunbookLoader.WINDOW_KEYS.contains(e.key())) {
                loader.problem(e.keyLocation(), "unknown key '" + e.key() + "' in the window",
                        RunbookLoader.closest(e.key(), RunbookLoader.WINDOW_KEYS).map(c -> "did you mean '" + c + "'?")
                                .orElse("valid keys: duration, start"));
            }
        }
        Entry start = map.entries().get("start");
        Entry duration = map.entries().get("duration");
        if (start == null || duration == null) {
            loader.problem(map.location(), "missing '" + (start == null ? "start" : "duration") + "' in the window",
                    "window: { start: \"2026-12-05T02:00:00Z\", duration: 2h }");
            return null;
        }
        Duration d = loader.duration(duration.value());
        String text = loader.text(start.value());
        if (text == null) return null;
        Instant at = start(text.strip(), start.value().location(), loader);
        return at == null || d == null ? null : new Window(at, d, text.strip(), start.keyLocation());
    }

    /** The window's start, or null with the problem reported at the value. */
    static Instant start(String text, SourceLocation at, RunbookLoader loader) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            // not an instant with an offset; a zoned form follows
        }
        try {
            return ZonedDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            // nor ISO with a [zone]
        }
        Matcher m = LOCAL_WITH_ZONE.matcher(text);
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(m.matches() ? m.group(1) : text);
        } catch (DateTimeParseException e) {
            loader.problem(at, "'" + text + "' is not a date and time", START_HINT);
            return null;
        }
        if (!m.matches()) {
            loader.problem(at, "'" + text + "' has no time zone: the window would start at a different moment on"
                    + " every workstation", "add Z, an offset (+01:00) or a zone name (" + text + " Europe/Berlin)");
            return null;
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(m.group(2));
        } catch (DateTimeException e) {
            loader.problem(at, "unknown time zone '" + m.group(2) + "'", "use a zone name such as Europe/Berlin,"
                    + " America/New_York or UTC");
            return null;
        }
        List<java.time.ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
        if (offsets.size() != 1) {
            loader.problem(at, local + (offsets.isEmpty() ? " does not exist in " : " happens twice in ") + zone
                    + " (a clock change)", "write the instant with its offset, e.g. " + local + "+01:00");
            return null;
        }
        return local.atOffset(offsets.get(0)).toInstant();
    }

    /**
     * The duration check of a step's {@code expectDuration:}, placed after its writer (and the writer's verify
     * checks); null with the problem reported when the step has no writer or the value is no planned duration.
     */
    static CheckSpec expectDuration(Node node, List<CheckSpec> checks, RunbookLoader loader) {
        int writer = -1;
        for (int i = 0; i < checks.size(); i++) if (checks.get(i) instanceof CheckSpec.Writer) writer = i;
        String text = loader.text(node);
        if (text == null) return null;
        if (writer < 0) {
            loader.problem(node.location(), "expectDuration times the step's migration, and this step runs none",
                    "put expectDuration on a step with execute or command");
            return null;
        }
        Matcher m = EXPECT.matcher(text);
        if (!m.matches()) {
            loader.problem(node.location(), "'" + text + "' is not a planned duration", "write e.g. \"< 500ms\"");
            return null;
        }
        Duration limit = loader.duration(new YamlTree.ScalarNode(m.group(2), com.fasterxml.jackson.core.JsonToken
                .VALUE_STRING, true, node.location()));
        if (limit == null) return null;
        boolean inclusive = m.group(1) == null || !m.group(1).equals("<");
        return new CheckSpec.ExpectDuration(new CheckSpec.Meta(null, null, node.location()), limit, inclusive, writer);
    }
}
