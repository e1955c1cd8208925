package dev.runbookpilot.importer.intent;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "PostgreSQL 16+", "Postgres >= 15", "PG 14 or newer", "PostgreSQL must be in version 13 or newer": the server's major version is at least N. Becomes a query
 * of {@code server_version_num}, compared as a number (16.0 is 160000), so 15.8 fails "16+" and 16.1 passes.
 * Sentences that ask for an upgrade ("Upgrade to PostgreSQL 16+") are actions, not states, and are left alone.
 */
public final class ServerVersionRecogniser implements Recogniser {

    /**
     * Words that may stand between the product's name and the number without changing what is said: "PostgreSQL
     * version is 15+", "PostgreSQL must be in version 13 or newer", "Postgres server version >= 14".
     */
    private static final String LINKING =
            "(?:(?:server|version|must|should|is|be|in|of|the|running|runs|on)\\b\\s*){0,5}";
    private static final Pattern MINIMUM = Pattern.compile(
            "(?i)\\b(?:postgres(?:ql)?|pg)\\s*" + LINKING + "(?:(?:>=|≥|at\\s+least)\\s*)?(\\d{2})"
                    + "(?:\\.\\d+)?\\s*(?:\\+|(?:or|and)\\s+(?:later|newer|higher|above|greater)\\b)");
    private static final Pattern MINIMUM_OPERATOR = Pattern.compile(
            "(?i)\\b(?:postgres(?:ql)?|pg)\\s*" + LINKING + "(?:>=|≥|at\\s+least)\\s*(\\d{2})(?:\\.\\d+)?\\b");
    private static final Pattern ACTION = Pattern.compile("(?i)\\b(upgrade|install|migrate\\s+to|switch\\s+to)\\b");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        String text = item.text().replace("`", "").replace("**", "");
        if (ACTION.matcher(text).find()) return Optional.empty();
        Matcher m = MINIMUM.matcher(text);
        if (!m.find()) {
            m = MINIMUM_OPERATOR.matcher(text);
            if (!m.find()) return Optional.empty();
        }
        int major = Integer.parseInt(m.group(1));
        if (major < 10) return Optional.empty();
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "query", Intent.options(
                "name", Names.checkName(item),
                "sql", "SELECT current_setting('server_version_num')::int",
                "expect", ">= " + major * 10000)))));
    }
}
