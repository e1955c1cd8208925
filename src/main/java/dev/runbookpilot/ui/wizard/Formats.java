package dev.runbookpilot.ui.wizard;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Times as the operator reads them: local time zone, seconds, the zone named. */
final class Formats {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss zzz")
            .withZone(ZoneId.systemDefault());

    private Formats() {}

    static String time(Instant at) {
        return at == null ? "" : TIME.format(at);
    }
}
