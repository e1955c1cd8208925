package dev.runbookpilot.importer.intent;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * "Verify no active connections", "No other sessions on the database", "nobody else connected", "No long-running
 * transactions" with no
 * query of their own: the product's {@code activity} check looks at {@code pg_stat_activity} itself. Other sessions
 * are counted whatever their state (an idle session can still start writing), so the check may be stricter than a
 * hand check, never laxer.
 */
public final class NoActiveConnectionsRecogniser implements Recogniser {

    private static final Pattern NO_SESSIONS = Pattern.compile(
            "(?i)\\bno\\s+(?:other\\s+|active\\s+|open\\s+|idle\\s+|application\\s+|client\\s+|user\\s+)*"
                    + "(?:connections|sessions|clients)\\b"
                    // "nobody else connected", "no one else is connected to the database"
                    + "|\\b(?:nobody|no\\s*one)\\s+else\\s+(?:is\\s+)?(?:connected|logged\\s+in|using\\s+the\\s+database)\\b");
    private static final Pattern NO_LONG = Pattern.compile(
            "(?i)\\bno\\s+(?:active\\s+|open\\s+)*long[- ]running\\s+(?:queries|transactions|statements)\\b");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (!item.statements().isEmpty()) return Optional.empty();
        String text = item.text().replace("**", "");
        String limit = NO_SESSIONS.matcher(text).find() ? "otherSessions"
                : NO_LONG.matcher(text).find() ? "longTransactions" : null;
        if (limit == null) return Optional.empty();
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "activity",
                Intent.options("name", Names.checkName(item), limit, 0)))));
    }
}
