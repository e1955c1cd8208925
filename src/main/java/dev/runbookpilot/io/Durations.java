package dev.runbookpilot.io;

import java.time.Duration;
import java.util.Locale;

/**
 * The one way a report writes a length of time, from a check's milliseconds to a window's hours, so a reader
 * never has to compare "2548 ms" with "0:00:02" for the same kind of thing.
 */
public final class Durations {
    private Durations() {}

    /** "35 ms", "2.5 s", "3 min 05 s", "2 h 07 min"; a dash when unknown. */
    public static String human(Duration d) {
        if (d == null) return "—";
        long millis = d.toMillis();
        if (millis < 1000) return millis + " ms";
        if (millis < 60_000) return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        long s = millis / 1000;
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    public static String human(Long millis) {
        return millis == null ? "—" : human(Duration.ofMillis(millis));
    }
}
