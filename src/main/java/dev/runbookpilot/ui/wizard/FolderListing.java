package dev.runbookpilot.ui.wizard;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What {@link PathChooser} shows and resolves, without JavaFX: one folder read from disk (on a worker thread, never
 * the FX thread), a typed path resolved the way an operator means it, and the completion of a typed name.
 */
record FolderListing(Path folder, List<Entry> entries, String error) {

    /** One name in a folder; {@code size} is -1 for a folder or when it could not be read. */
    record Entry(String name, Path path, boolean folder, long size, Instant modified, boolean hidden) {}

    /** Folders first, then files, each by name as a person sorts them (case aside). */
    static final Comparator<Entry> ORDER = Comparator.comparing((Entry e) -> !e.folder())
            .thenComparing(e -> e.name().toLowerCase(Locale.ROOT)).thenComparing(Entry::name);

    /**
     * Reads {@code folder}. A folder that cannot be read gives a listing with an {@code error} to show in place of the
     * names, never an exception: a vanished folder or a denied one is something the operator fixes by choosing
     * another. One entry whose attributes cannot be read is still listed, without its size.
     */
    static FolderListing read(Path folder) {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> names = Files.newDirectoryStream(folder)) {
            for (Path p : names) entries.add(entry(p));
        } catch (NoSuchFileException e) {
            return failed(folder, folder + " does not exist (any more): choose another folder.");
        } catch (NotDirectoryException e) {
            return failed(folder, folder + " is a file, not a folder.");
        } catch (AccessDeniedException e) {
            return failed(folder, "Cannot read " + folder + ": permission denied. Choose another folder.");
        } catch (IOException | SecurityException e) {
            return failed(folder, "Cannot read " + folder + ": " + e.getMessage());
        }
        entries.sort(ORDER);
        return new FolderListing(folder, List.copyOf(entries), null);
    }

    private static FolderListing failed(Path folder, String error) {
        return new FolderListing(folder, List.of(), error);
    }

    private static Entry entry(Path p) {
        String name = p.getFileName().toString();
        boolean hidden = name.startsWith(".");
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            boolean folder = a.isDirectory();
            return new Entry(name, p, folder, folder ? -1 : a.size(), a.lastModifiedTime().toInstant(), hidden);
        } catch (IOException | SecurityException e) {
            // A dangling link or a name removed while listing: still shown, so the listing says what is there.
            return new Entry(name, p, false, -1, null, hidden);
        }
    }

    /**
     * The path an operator means by {@code typed}: absolute as written, {@code ~} and {@code ~/…} from the home
     * folder, anything else relative to {@code base} (the runbook's folder). Surrounding blanks and quotes, as a
     * pasted path often has, are dropped. Null when nothing was typed.
     */
    static Path resolve(String typed, Path base, Path home) {
        String t = typed == null ? "" : typed.strip();
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) {
            t = t.substring(1, t.length() - 1).strip();
        }
        if (t.isEmpty()) return null;
        if (t.equals("~")) return home;
        if (t.startsWith("~/")) return home.resolve(t.substring(2)).normalize();
        Path p = Path.of(t);
        return (p.isAbsolute() ? p : base.resolve(p)).normalize();
    }

    /**
     * The folder whose names complete {@code typed} and the start of the name being typed: {@code /srv/run} is
     * {@code run} in {@code /srv}, {@code /srv/} is everything in {@code /srv}.
     */
    static Path completionFolder(String typed, Path base, Path home) {
        Path p = resolve(typed, base, home);
        if (p == null) return base;
        if (endsWithSeparator(typed)) return p;
        return p.getParent() == null ? p : p.getParent();
    }

    static String completionPrefix(String typed) {
        if (typed == null || endsWithSeparator(typed)) return "";
        String t = typed.strip();
        int slash = t.lastIndexOf('/');
        String name = slash < 0 ? t : t.substring(slash + 1);
        return name.equals("~") ? "" : name;
    }

    private static boolean endsWithSeparator(String typed) {
        String t = typed.strip();
        return t.endsWith("/") || t.equals("~");
    }

    /**
     * The names that start with {@code prefix} and the longest start they share: what Tab adds to the typed text.
     * Empty when nothing matches.
     */
    static List<Entry> candidates(List<Entry> entries, String prefix) {
        return entries.stream().filter(e -> e.name().startsWith(prefix)).toList();
    }

    static String commonStart(List<Entry> candidates) {
        if (candidates.isEmpty()) return "";
        String common = candidates.get(0).name();
        for (Entry e : candidates) {
            int i = 0;
            while (i < common.length() && i < e.name().length() && common.charAt(i) == e.name().charAt(i)) i++;
            common = common.substring(0, i);
        }
        return common;
    }
}
