package dev.runbookpilot.importer.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Row-level security and its policies, named in prose with no query: "RLS enabled on `profiles` and
 * `profile_settings`", "`profiles` has RLS **disabled** right now" ({@code tables} with {@code rls: true / false}),
 * "Policies exist: `a`, `b` on `profiles`; `c` on `settings`" ({@code policies} with each policy's table). An
 * instruction ("Enable RLS on ...", "Disable ...") is an action, not a state, and is left alone.
 */
public final class RowSecurityRecogniser implements Recogniser {

    private static final Pattern RLS = Pattern.compile("(?i)\\bRLS\\b|\\brow[- ]level[- ]security\\b");
    private static final Pattern ON = Pattern.compile("(?i)\\b(enabled|active|activated|turned\\s+on|enforced|is\\s+on)\\b");
    private static final Pattern OFF = Pattern.compile(
            "(?i)\\b(disabled|off|inactive|turned\\s+off|not\\s+(?:enabled|active|on))\\b");
    private static final Pattern ACTION = Pattern.compile(
            "(?i)^\\W*(enable|disable|turn|alter|add|create|drop|remove|set|force|apply|run|if)\\b");
    private static final Pattern POLICIES = Pattern.compile("(?i)\\bpolic(?:y|ies)\\b");
    private static final Pattern POLICY_STATE = Pattern.compile("(?i)\\b(exists?|present|created|in\\s+place|there)\\b");
    private static final Pattern NEGATION = Pattern.compile("(?i)\\b(no|not|never|without|dropped|removed|gone|if)\\b");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern ON_TABLE = Pattern.compile("(?i)\\bon\\s+(?:table\\s+)?`([A-Za-z_][A-Za-z0-9_$]*)`\\s*[.;,]?\\s*$");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (!item.statements().isEmpty() || !item.code().isEmpty()) return Optional.empty();
        String text = item.text().replace("**", "").replace("__", "");
        String prose = Names.proseOnly(text);
        if (ACTION.matcher(prose).find()) return Optional.empty();
        if (POLICIES.matcher(prose).find()) return policies(item, text, prose);
        if (!RLS.matcher(prose).find()) return Optional.empty();
        // The reason in parentheses ("(that's the bug we fix)") does not state the setting.
        String stated = prose.replaceAll("\\([^()]*\\)", " ");
        boolean off = OFF.matcher(stated).find();
        boolean on = ON.matcher(OFF.matcher(stated).replaceAll(" ")).find();
        if (on == off) return Optional.empty();
        List<String> tables = Names.backticked(text, NAME);
        if (tables == null || tables.isEmpty()) return Optional.empty();
        List<Object> entries = new ArrayList<>();
        for (String t : tables) entries.add(Intent.options("name", t, "rls", on));
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "tables",
                Intent.options("name", Names.checkName(item), "exist", entries)))));
    }

    /** "Policies exist: `a`, `b` on `t`; `c` on `u`": each part names its policies, then their table. */
    private Optional<Intent> policies(Item item, String text, String prose) {
        if (!POLICY_STATE.matcher(prose).find() || NEGATION.matcher(prose).find()) return Optional.empty();
        String list = text.substring(text.indexOf('`') < 0 ? text.length() : text.indexOf('`'));
        List<Object> entries = new ArrayList<>();
        for (String part : list.split(";")) {
            Matcher table = ON_TABLE.matcher(part);
            if (!table.find()) return Optional.empty();
            List<String> names = Names.backticked(part.substring(0, table.start()), NAME);
            if (names == null || names.isEmpty()) return Optional.empty();
            for (String n : names) entries.add(Intent.options("name", n, "table", table.group(1)));
        }
        if (entries.isEmpty()) return Optional.empty();
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "policies",
                Intent.options("name", Names.checkName(item), "exist", entries)))));
    }
}
