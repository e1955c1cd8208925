package dev.runbookpilot.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Definitions PostgreSQL prints differently after a pg_dump/restore round trip though they mean the same compare
 * equal; definitions that mean something else never do. The texts are PostgreSQL 15's own output (see
 * RestoredCheckTest for the round trip on a real server).
 */
class DeparsedSqlTest {

    // CHECK (kind IN ('x', 'y', 'z')) on a varchar column, as created and as pg_restore re-parsed it.
    private static final String CREATED = "CHECK (((kind)::text = ANY ((ARRAY['x'::character varying,"
            + " 'y'::character varying, 'z'::character varying])::text[])))";
    private static final String RESTORED = "CHECK (((kind)::text = ANY (ARRAY[('x'::character varying)::text,"
            + " ('y'::character varying)::text, ('z'::character varying)::text])))";
    private static final String CREATED_PRETTY = "CHECK (kind::text = ANY (ARRAY['x'::character varying,"
            + " 'y'::character varying, 'z'::character varying]::text[]))";
    private static final String RESTORED_PRETTY = "CHECK (kind::text = ANY (ARRAY['x'::character varying::text,"
            + " 'y'::character varying::text, 'z'::character varying::text]))";

    @Test
    void aVarcharInListReadsTheSameAsCreatedAndAsRestored() {
        assertThat(DeparsedSql.same(CREATED, RESTORED)).isTrue();
        assertThat(DeparsedSql.same(RESTORED, CREATED)).isTrue();
        assertThat(DeparsedSql.same(CREATED_PRETTY, RESTORED_PRETTY)).isTrue();
        assertThat(DeparsedSql.same(RESTORED, RESTORED)).isTrue();
    }

    @Test
    void aListWithOneValueFewerOrAnotherValueStillDiffers() {
        String fewer = "CHECK (kind::text = ANY (ARRAY['x'::character varying, 'y'::character varying]::text[]))";
        String other = RESTORED_PRETTY.replace("'z'", "'w'");
        String notIn = "CHECK (kind::text <> ALL (ARRAY['x'::character varying, 'y'::character varying,"
                + " 'z'::character varying]::text[]))";
        assertThat(DeparsedSql.same(fewer, RESTORED_PRETTY)).isFalse();
        assertThat(DeparsedSql.same(CREATED_PRETTY, other)).isFalse();
        assertThat(DeparsedSql.same(notIn, RESTORED_PRETTY)).isFalse();
        assertThat(DeparsedSql.same(CREATED, RESTORED.replace("(kind)", "(sort)"))).isFalse();
        // A comma or a bracket inside a value is part of the value, never a separator.
        assertThat(DeparsedSql.same("CHECK (k::text = ANY (ARRAY['a, b'::character varying]::text[]))",
                "CHECK (k::text = ANY (ARRAY['a'::character varying::text, ' b'::character varying::text]))"))
                .isFalse();
        assertThat(DeparsedSql.same("CHECK (k::text = ANY (ARRAY['a]'::character varying]::text[]))",
                "CHECK (k::text = ANY (ARRAY['a]'::character varying::text]))")).isTrue();
    }

    @Test
    void aCastToATypeWithALengthIsLeftAsWritten() {
        // An element cast to varchar(2) truncates where the array's implicit coercion would fail: not the same.
        String created = "CHECK (k::character varying(2) = ANY (ARRAY['x'::text, 'y'::text]::character varying(2)[]))";
        String restored = "CHECK (k::character varying(2) = ANY (ARRAY['x'::text::character varying(2),"
                + " 'y'::text::character varying(2)]))";
        assertThat(DeparsedSql.same(created, restored)).isFalse();
    }

    @Test
    void layoutOutsideLiteralsDoesNotCountButInsideLiteralsItDoes() {
        assertThat(DeparsedSql.same(" SELECT t.kind,\n    t.c\n   FROM t\n  WHERE t.c::text <> 'a'::text;",
                "SELECT t.kind, t.c FROM t WHERE t.c::text <> 'a'::text;")).isTrue();
        assertThat(DeparsedSql.same("WHERE c = 'a  b'::text", "WHERE c = 'a b'::text")).isFalse();
        assertThat(DeparsedSql.same("WHERE c = E'it''s \\\\ a'::text", "WHERE c = E'it''s \\\\  a'::text"))
                .isFalse();
        assertThat(DeparsedSql.same("WHERE a <= b", "WHERE a < = b")).isFalse();
        assertThat(DeparsedSql.same("WHERE a = 1.5", "WHERE a = 15")).isFalse();
        assertThat(DeparsedSql.same("WHERE \"a b\" = 1", "WHERE \"a  b\" = 1")).isFalse();
    }

    @Test
    void anElementThatIsAnExpressionIsLeftAsWritten() {
        // Pretty-printed, (a + b)::text keeps its parentheses and a||b would not: too close to call, so no rewrite.
        String created = "CHECK (k::text = ANY (ARRAY[a || 'x'::character varying]::text[]))";
        assertThat(DeparsedSql.same(created, "CHECK (k::text = ANY (ARRAY[a || 'x'::character varying::text]))"))
                .isFalse();
        assertThat(DeparsedSql.same(created, created)).isTrue();
    }

    @Test
    void textThatDoesNotLexIsComparedExactly() {
        assertThat(DeparsedSql.same("CHECK (k = 'unterminated", "CHECK (k = 'unterminated")).isTrue();
        assertThat(DeparsedSql.same("CHECK (k = 'unterminated", "CHECK (k  = 'unterminated")).isFalse();
        assertThat(DeparsedSql.same(null, null)).isTrue();
        assertThat(DeparsedSql.same(null, "x")).isFalse();
    }
}
