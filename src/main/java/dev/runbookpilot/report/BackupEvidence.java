package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.io.Durations;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A backup's proof as the reports print it: the same lines in Markdown and PDF, and the command an auditor runs to
 * hash the file again.
 */
public final class BackupEvidence {

    private BackupEvidence() {}

    /** Label and value, in the order an auditor reads them; values that were never learned are left out. */
    public static List<String[]> rows(CheckDetail.BackupProof p) {
        List<String[]> out = new ArrayList<>();
        add(out, "File", p.file());
        add(out, "Format", p.format());
        if (p.sizeBytes() != null) {
            add(out, "Size", String.format(Locale.ROOT, "%,d bytes", p.sizeBytes()));
        }
        add(out, "SHA-256", p.sha256() == null ? null : p.sha256() + ("directory".equals(p.format())
                ? " (of the sha256sum lines of its files)" : ""));
        add(out, "Re-hash with", rehash(p));
        if (p.entries() != null) add(out, "Entries (pg_restore --list)", Integer.toString(p.entries()));
        add(out, "Dump took", p.file() == null ? null : Durations.human(p.dumpMillis()));
        add(out, "Snapshot", p.snapshotId());
        add(out, "pg_dump", p.pgDumpVersion());
        add(out, "pg_restore", p.pgRestoreVersion());
        add(out, "Server", p.serverVersion() == null ? null : "PostgreSQL " + p.serverVersion());
        add(out, "Verified by", "list".equals(p.verify()) ? "pg_restore --list" : "a restore drill into "
                + (p.scratch() == null ? "a scratch database" : p.scratch()));
        add(out, "Restore drill", p.restore());
        add(out, "Command", p.command());
        return out;
    }

    /** The shell command that prints the recorded SHA-256 again, or null when there is no file. */
    public static String rehash(CheckDetail.BackupProof p) {
        if (p.file() == null) return null;
        if ("directory".equals(p.format())) {
            return "cd " + quote(p.file()) + " && LC_ALL=C sha256sum $(LC_ALL=C ls) | sha256sum";
        }
        return "sha256sum " + quote(p.file());
    }

    private static String quote(String path) {
        return path.matches("[A-Za-z0-9_./@%+=:,-]+") ? path : "'" + path.replace("'", "'\\''") + "'";
    }

    private static void add(List<String[]> out, String label, String value) {
        if (value != null && !value.isBlank()) out.add(new String[] {label, value});
    }
}
