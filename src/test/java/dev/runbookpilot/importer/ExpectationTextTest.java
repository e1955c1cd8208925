package dev.runbookpilot.importer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpectationTextTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "-- Expected: 0|= 0", "Should return: 3.7.0|'3.7.0'", "Should be >= 4|>= 4", "(should return 0):|= 0",
            "Expected: at least 2|>= 2", "expect fewer than 10|< 10", "Expected: 3 rows|rows = 3",
            "Expected: no rows|empty", "should be between 1 and 9|between 1 and 9", "Expected: 'PASS'|'PASS'",
            "Should be ≤ 5|<= 5", "Result: 0 rows|empty", "returns 5|= 5", "must return < 5|< 5",
            "`SELECT v FROM m` → 7.2|= 7.2", "should be O|'O'", "expect 100 or more|>= 100",
            "Expected: 5 or fewer|<= 5", "-- Expected: 1 (constraint created by V60)|= 1",
            "-- Expected: 0 (all tables dropped)|= 0"})
    void readsTheExpectationsChecklistsWrite(String text, String grammar) {
        assertEquals(Optional.of(grammar), ExpectationText.grammar(ExpectationText.phrase(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Both should be: character varying | 200", "Should return: 3.6.0 (or previous version)",
            "should be same or better", "Expected: All 6 tables should appear", "Should be: true",
            "Expected: 3 (2 on staging)"})
    void leavesProseUnparsedSoTheItemStaysManual(String text) {
        assertTrue(ExpectationText.grammar(ExpectationText.phrase(text)).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Run the migration", "the function returns the rows it changed",
            "Renamed detection_events → codebase_snapshots", "The result is stored in a file"})
    void findsNoExpectationInPlainText(String text) {
        assertNull(ExpectationText.phrase(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"-- expect error 23503|23503", "Expected error 23505|23505",
            "Expected error: 42P01|42P01", "should fail with unique_violation|23505",
            "Expected error: foreign_key_violation|23503", "must fail (check_violation)|23514",
            "expected to fail: not_null_violation|23502", "should fail with SQLSTATE 23P01|23P01"})
    void readsBareSqlstatesAndConditionNamesAsTheFailureToExpect(String text, String sqlstate) {
        assertTrue(ExpectationText.saysFails(text), text);
        String error = ExpectationText.errorText(text);
        assertEquals(sqlstate, ExpectationText.sqlstate(error != null ? error : text));
    }

    @Test
    void aNumberThatIsNotAfterAnErrorWordIsNoSqlstate() {
        assertNull(ExpectationText.sqlstate("should fail: the order 48213 has lines"));
    }

    @Test
    void namesTheSqlstateOfCommonConstraintErrors() {
        assertEquals("23505", ExpectationText.sqlstate("duplicate key violates unique constraint"));
        assertEquals("23502", ExpectationText.sqlstate("NOT NULL constraint violation"));
        assertEquals("23503", ExpectationText.sqlstate("should fail (foreign key violation)"));
        assertEquals("23514", ExpectationText.sqlstate("violates check constraint"));
        assertNull(ExpectationText.sqlstate("audit_event table is append-only"));
        assertEquals("audit_event table is append-only",
                ExpectationText.errorText("-- Expected error: audit_event table is append-only"));
    }

    @Test
    void aMarkerInsideParenthesesEndsAtTheirClose() {
        assertEquals("e4c2f81a9b3d", ExpectationText.phrase(
                "Revision moved on (should return e4c2f81a9b3d): `psql -c \"SELECT v FROM m\"`"));
        assertEquals("0", ExpectationText.phrase("Check for invalid data (should return 0):"));
        assertEquals("3.6.0 (or previous version)", ExpectationText.phrase("# Should return: 3.6.0 (or previous version)"));
    }
}
