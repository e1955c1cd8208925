package dev.runbookpilot.app;

import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.SessionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The sessions in a workspace, for the start screen: unfinished ones can be resumed. */
public final class SessionCatalog {
    private static final Logger log = LoggerFactory.getLogger(SessionCatalog.class);

    /** One journal, described without connecting to anything. */
    public record Entry(Path journal, String id, String title, String runbookFile, String environment,
                        String database, boolean demo, String operator, Instant started, Instant lastActivity,
                        boolean ended) {}

    private SessionCatalog() {}

    /** Newest activity first. A journal that cannot be read is logged and left out, never fatal. */
    public static List<Entry> list(Path sessionDir) throws IOException {
        if (!Files.isDirectory(sessionDir)) return List.of();
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(sessionDir)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".jsonl"))::iterator) {
                try {
                    entries.add(describe(p));
                } catch (IOException | RuntimeException e) {
                    log.warn("skipping unreadable session journal {}: {}", p, e.getMessage());
                }
            }
        }
        entries.sort(Comparator.comparing(Entry::lastActivity).reversed());
        return entries;
    }

    public static Entry describe(Path journal) throws IOException {
        List<JournalEvent> events = Journal.read(journal);
        SessionState state = SessionState.replay(events);
        JournalEvent.Started st = state.started();
        Instant last = events.get(events.size() - 1).at();
        // A rehearsal on a copy is listed beside real windows: its title says what it is.
        String title = (state.rehearsal().isPresent() ? "REHEARSAL on a copy · " : "") + st.runbookTitle();
        return new Entry(journal, st.sessionId(), title, st.runbookFile(), st.environment(),
                st.server().database(), st.connection().demo(), st.operator(), st.at(), last,
                state.ended().isPresent());
    }
}
