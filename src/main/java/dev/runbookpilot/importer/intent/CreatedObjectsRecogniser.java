package dev.runbookpilot.importer.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A success criterion that names no objects, under the block that creates them: "All indexes created", "Indexes
 * created successfully", "New tables exist" after a block of {@code CREATE INDEX} / {@code CREATE TABLE} lines.
 * The names come from those lines ({@link Context#created}), the nearest block above the item in the same step or
 * the step before; a block further up, or one that also drops objects of that kind, says too little.
 * Reading names from a neighbouring step rests on the layout, so that reading is emitted as unsure.
 */
public final class CreatedObjectsRecogniser implements Recogniser {

    private static final Pattern CRITERION = Pattern.compile(
            "(?i)^\\W*(?:all\\s+|the\\s+)?(?:new\\s+)?(indexes|indices|tables)\\s+(?:are\\s+|were\\s+|have\\s+been\\s+)?"
                    + "(?:created|exist|present|in\\s+place|built)(?:\\s+successfully)?\\W*$");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (!item.statements().isEmpty() || !item.code().isEmpty()) return Optional.empty();
        Matcher m = CRITERION.matcher(item.text().replace("**", "").strip());
        if (!m.matches()) return Optional.empty();
        String kind = m.group(1).toLowerCase(java.util.Locale.ROOT).startsWith("ind") ? "indexes" : "tables";
        Context.Created created = context.created(kind);
        if (created == null || created.names().isEmpty()) return Optional.empty();
        Intent.Check check = new Intent.Check(item.line(), kind, Intent.options(
                "name", Names.checkName(item), "exist", new ArrayList<Object>(created.names())));
        return Optional.of(created.sameStep() ? Intent.sure(this, List.of(check))
                : Intent.unsure(this, "the names come from the CREATE lines at line " + created.line()
                        + " in the step before", List.of(check)));
    }
}
