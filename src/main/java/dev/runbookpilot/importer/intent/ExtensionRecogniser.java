package dev.runbookpilot.importer.intent;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One extension named with the state it must be in, backticked or not: "Extension pg_trgm installed", "pg_trgm
 * extension enabled", "The extension `citext` must be present in the database (we need it for the e-mail column)".
 * Becomes {@code extensions: exist}. The name is the backticked one, else the word right after "extension" or right
 * before it; the rest of the sentence (a reason in parentheses naming a column) does not change what is checked.
 * Instructions ("Install extension pg_trgm", "Enable ...") and negations are left alone, and lists of several
 * extensions are the object-list recogniser's.
 */
public final class ExtensionRecogniser implements Recogniser {

    private static final Pattern STATE = Pattern.compile(
            "(?i)\\b(installed|present|enabled|available|exists?|created|in\\s+place|there|loaded)\\b");
    private static final Pattern ACTION = Pattern.compile(
            "(?i)^\\W*(install|enable|create|add|load|drop|remove|run|execute|apply|upgrade|update)\\b");
    private static final Pattern NEGATION = Pattern.compile(
            "(?i)\\b(not|no|never|isn'?t|aren'?t|wasn'?t|without|missing|absent|dropped|removed|if)\\b");
    private static final Pattern AFTER = Pattern.compile("(?i)\\bextension\\s+`?([a-z][a-z0-9_-]*)`?");
    private static final Pattern BEFORE = Pattern.compile("(?i)`?([a-z][a-z0-9_-]*)`?\\s+extension\\b");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    /** Words that stand next to "extension" in a sentence but are never an extension's name. */
    private static final Set<String> NOT_NAMES = Set.of("the", "a", "an", "this", "that", "is", "are", "was", "must",
            "should", "be", "has", "have", "installed", "enabled", "present", "available", "exists", "exist",
            "created", "loaded", "required", "needed", "and", "or", "our", "its", "for", "of", "in", "on", "new",
            "database", "postgres", "postgresql", "pg", "there", "which", "with", "needs", "need", "check", "verify",
            "confirm", "make", "sure", "all", "every", "each", "any", "one", "only", "extension", "extensions");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (!item.statements().isEmpty() || !item.code().isEmpty()) return Optional.empty();
        String text = item.text().replace("**", "").replace("__", "");
        String prose = Names.proseOnly(text);
        if (!prose.toLowerCase(Locale.ROOT).matches("(?s).*\\bextension\\b.*")) return Optional.empty();
        if (ACTION.matcher(prose).find() || NEGATION.matcher(prose).find() || !STATE.matcher(prose).find()) {
            return Optional.empty();
        }
        List<String> spans = Names.backticked(text, NAME);
        String name;
        if (spans == null || spans.size() > 1) {
            return Optional.empty();
        } else if (spans.size() == 1) {
            name = spans.get(0);
        } else {
            name = nameNextTo(text);
            if (name == null) return Optional.empty();
        }
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "extensions",
                Intent.options("name", Names.checkName(item), "exist", List.of(name))))));
    }

    /** The word right after "extension", else right before it, when it can be a name. */
    private static String nameNextTo(String text) {
        for (Pattern p : List.of(AFTER, BEFORE)) {
            Matcher m = p.matcher(text);
            if (m.find() && !NOT_NAMES.contains(m.group(1).toLowerCase(Locale.ROOT))) return m.group(1);
        }
        return null;
    }
}
