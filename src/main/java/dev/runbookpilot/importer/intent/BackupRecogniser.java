package dev.runbookpilot.importer.intent;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Create database backup ... verify backup is valid", or a {@code pg_dump} with a {@code pg_restore --list} in the
 * same item: the step gets a {@code backup}, which dumps the database and proves the dump ({@code verify: list}
 * when the checklist only lists it back, else {@code restore}, a restore drill). A backup without a stated proof
 * of it ("verify the file is not empty" is no proof), or a proof of a backup taken in another item, is left to the
 * operator: the backup this step takes would not be the one the checklist means. The dump goes to the folder of pg_dump's
 * {@code -f}/{@code --file} when the checklist gives one; otherwise to {@code backups} next to the runbook, a
 * choice the step marks as unsure.
 */
public final class BackupRecogniser implements Recogniser {

    /** The item takes the backup: a pg_dump of its own, or words that say to create one. */
    private static final Pattern TAKES = Pattern.compile(
            "(?i)\\bpg_dump\\b|\\b(create|take|make|run|do)\\b.{0,30}\\b(back\\s*up|backup|dump)\\b");
    /** ... and proves it: valid, readable, restorable, listed back. A size or a file listing proves nothing. */
    private static final Pattern VERIFY = Pattern.compile(
            "(?i)\\b(valid(?:ate|ated|ity)?|readable|restor(?:e|es|able|ed)|pg_restore|integrity)\\b");
    private static final Pattern LIST_ONLY = Pattern.compile("(?i)\\bpg_restore\\b[^\\n]*(?:--list|\\s-l\\b)");
    private static final Pattern RESTORE_DRILL = Pattern.compile("(?i)\\b(restore\\s+(?:drill|test)|test\\s+restore"
            + "|restor(?:e|es|able)\\s+(?:into|to|on|cleanly)|can\\s+be\\s+restored)\\b");
    private static final Pattern FILE = Pattern.compile("(?:\\s-f\\s*|\\s--file[= ])([^\\s;|&]+)");
    private static final Pattern COPY_ONLY = Pattern.compile("(?:--schema-only|\\s-s\\b|--section)");
    private static final Pattern ACTION_ONLY = Pattern.compile("(?i)\\b(restore\\s+from|if\\b|rollback|roll\\s+back)\\b");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        String all = item.prose() + "\n" + String.join("\n", item.codeLines());
        if (!TAKES.matcher(all).find() || !VERIFY.matcher(all).find()) return Optional.empty();
        // "Restore from the backup if the migration fails" is the way back, not a proof of the backup.
        if (ACTION_ONLY.matcher(item.text()).find()) return Optional.empty();
        // A dump piped into psql, or of the schema only, copies a database for a test: it is no backup.
        for (String line : all.split("\n")) {
            if (line.contains("pg_dump") && (line.contains("|") || COPY_ONLY.matcher(line).find())) return Optional.empty();
        }
        String verify = LIST_ONLY.matcher(all).find() && !RESTORE_DRILL.matcher(all).find() ? "list" : "restore";
        String dir = null;
        for (String line : all.split("\n")) {
            if (!line.contains("pg_dump")) continue;
            Matcher f = FILE.matcher(line);
            if (f.find()) {
                String path = f.group(1).replaceAll("^[\"']|[\"']$", "");
                int slash = path.lastIndexOf('/');
                if (slash > 0 && !path.substring(0, slash).matches(".*[$<>{}*?].*")) dir = path.substring(0, slash);
            }
        }
        var options = Intent.options("dir", dir == null ? "backups" : dir, "verify", verify);
        return Optional.of(dir == null
                ? Intent.backup(this, Confidence.UNSURE, "the checklist names no folder for the dump; it goes to "
                        + "'backups' next to the runbook", options)
                : Intent.backup(this, Confidence.SURE, null, options));
    }
}
