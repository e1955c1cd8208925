package dev.runbookpilot.importer.intent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a recogniser found an item to mean, ready for the runbook: automated checks, a backup for the item's step,
 * or a note added to the item's manual confirmation (when the product does the thing another way).
 *
 * @param recogniser the recogniser that found it (its simple class name), for the trace and the tests
 * @param confidence how sure it is; see {@link Confidence}
 * @param doubt      for an unsure intent, what the reviewer should check; null when sure
 * @param checks     automated checks, each a kind and its options as the runbook format writes them
 * @param backup     the options of a {@code backup} for the item's step, or null
 * @param note       text appended to the item's manual confirmation, or null
 */
public record Intent(String recogniser, Confidence confidence, String doubt, List<Check> checks,
                     Map<String, Object> backup, String note) {

    public Intent {
        Objects.requireNonNull(recogniser, "recogniser");
        Objects.requireNonNull(confidence, "confidence");
        if (confidence == Confidence.UNSURE && (doubt == null || doubt.isBlank())) {
            throw new IllegalArgumentException("an unsure intent says what to check");
        }
        checks = List.copyOf(checks);
        // In the order given: Map.copyOf's order changes from one JVM to the next, and so would the runbook YAML.
        backup = backup == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(backup));
    }

    /** One automated check: the kind ({@code query}, {@code indexes}, ...) and its options, in YAML order. */
    public record Check(int line, String kind, Map<String, Object> options) {
        public Check {
            options = new LinkedHashMap<>(options);
        }
    }

    public static Intent sure(Recogniser by, List<Check> checks) {
        return new Intent(by.getClass().getSimpleName(), Confidence.SURE, null, checks, null, null);
    }

    public static Intent unsure(Recogniser by, String doubt, List<Check> checks) {
        return new Intent(by.getClass().getSimpleName(), Confidence.UNSURE, doubt, checks, null, null);
    }

    public static Intent backup(Recogniser by, Confidence confidence, String doubt, Map<String, Object> options) {
        return new Intent(by.getClass().getSimpleName(), confidence, doubt, List.of(), options, null);
    }

    public static Intent note(Recogniser by, String note) {
        return new Intent(by.getClass().getSimpleName(), Confidence.SURE, null, List.of(), null, note);
    }

    /** Options in the order given: {@code options("name", n, "sql", s)}. */
    public static Map<String, Object> options(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }
}
