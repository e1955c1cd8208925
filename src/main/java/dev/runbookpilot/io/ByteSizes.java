package dev.runbookpilot.io;

import java.util.Locale;

/** The one way the tool writes a size in bytes, in the report and in the wizard alike. */
public final class ByteSizes {
    private ByteSizes() {}

    /** "1023 B", "1.5 KiB", "5.0 GiB": powers of 1024, named as such; empty for an unknown (negative) size. */
    public static String human(long bytes) {
        if (bytes < 0) return "";
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
