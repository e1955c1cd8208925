package dev.runbookpilot.db;

import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/** Identifier quoting for names that come from runbooks: always quoted, never concatenated raw. */
public final class Sql {
    static {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    private static final DSLContext PG = DSL.using(SQLDialect.POSTGRES,
            new Settings().withRenderQuotedNames(RenderQuotedNames.ALWAYS));

    private Sql() {}

    /** {@code "schema"."table"} with any embedded double quote doubled. */
    public static String qualified(String schema, String name) {
        return PG.render(DSL.name(schema, name));
    }

    public static String ident(String name) {
        return PG.render(DSL.name(name));
    }
}
