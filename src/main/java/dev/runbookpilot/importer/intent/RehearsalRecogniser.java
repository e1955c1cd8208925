package dev.runbookpilot.importer.intent;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * "Test on staging first", "Dry run the migration", "Rehearse on a copy": the product does this with
 * {@code runbook-pilot rehearse}, which runs the whole runbook on a throw-away copy of the target. The item stays a
 * manual confirmation (rehearsing is done before the window, not checked during it) and gains a note saying so.
 */
public final class RehearsalRecogniser implements Recogniser {

    private static final Pattern REHEARSAL = Pattern.compile(
            "(?i)\\b(dry[- ]?run|rehears\\w*|test(?:ed)?\\s+(?:it\\s+|this\\s+|the\\s+migration\\s+)?(?:first\\s+)?"
                    + "(?:on|in|against)\\s+(?:a\\s+)?(?:staging|copy|clone|replica)|staging\\s+first"
                    + "|try\\s+(?:it\\s+)?(?:on|in)\\s+staging)\\b");

    static final String NOTE = "Runbook Pilot can do this: `runbook-pilot rehearse` runs this runbook on a throw-away "
            + "copy of the target before the window.";

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (!REHEARSAL.matcher(item.text()).find()) return Optional.empty();
        return Optional.of(Intent.note(this, NOTE));
    }
}
