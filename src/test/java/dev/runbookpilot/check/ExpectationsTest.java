package dev.runbookpilot.check;

import dev.runbookpilot.db.QueryData;
import dev.runbookpilot.check.Expectations.Verdict;
import dev.runbookpilot.runbook.Expectation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExpectationsTest {

    private static Expectation parse(String text) {
        try {
            return Expectation.parse(text);
        } catch (Expectation.ParseException e) {
            throw new AssertionError(e);
        }
    }

    private static QueryData scalar(String value) {
        return new QueryData(List.of("v"), List.of(Arrays.asList(value)), 1);
    }

    private static QueryData rows(int n) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) rows.add(List.of(String.valueOf(i)));
        return new QueryData(List.of("v"), rows, rows.size());
    }

    private static Verdict test(String expectation, QueryData data) {
        return Expectations.test(parse(expectation), data);
    }

    @Test
    void comparesEveryOperatorNumerically() {
        assertThat(test("= 0", scalar("0")).passed()).isTrue();
        assertThat(test("= 0", scalar("0.000")).passed()).isTrue();
        assertThat(test("= 0", scalar("3")).passed()).isFalse();
        assertThat(test("!= 0", scalar("3")).passed()).isTrue();
        assertThat(test("<> 3", scalar("3")).passed()).isFalse();
        assertThat(test(">= 4", scalar("4")).passed()).isTrue();
        assertThat(test(">= 4", scalar("3.99")).passed()).isFalse();
        assertThat(test("<= 4", scalar("-1")).passed()).isTrue();
        assertThat(test("> 10", scalar("10")).passed()).isFalse();
        assertThat(test("< 10", scalar("9")).passed()).isTrue();
        assertThat(test("42", scalar("42")).passed()).isTrue();
        assertThat(test("= 1e3", scalar("1000")).passed()).isTrue();
    }

    @Test
    void reportsTheScalarAsTheActualValue() {
        Verdict v = test("= 0", scalar("17"));
        assertThat(v).isEqualTo(new Verdict(false, true, "17"));
        assertThat(v.status()).isEqualTo(Status.FAILED);
    }

    @Test
    void betweenIncludesBothBounds() {
        assertThat(test("between 1 and 9", scalar("1")).passed()).isTrue();
        assertThat(test("between 1 and 9", scalar("9")).passed()).isTrue();
        assertThat(test("between 0 and 1", scalar("0.5")).passed()).isTrue();
        assertThat(test("between 1 and 9", scalar("9.01")).passed()).isFalse();
        assertThat(test("between 1 and 9", scalar("0")).passed()).isFalse();
    }

    @Test
    void textComparesExactly() {
        assertThat(test("'3.7.0'", scalar("3.7.0")).passed()).isTrue();
        assertThat(test("'3.7.0'", scalar("3.7.0 ")).passed()).isFalse();
        assertThat(test("'on'", scalar("ON")).passed()).isFalse();
        assertThat(test("'3.7.0'", scalar("3.7.1")).actual()).isEqualTo("'3.7.1'");
        assertThat(test("\"t\"", scalar("t")).passed()).isTrue();
    }

    @Test
    void nullNeverEqualsAnything() {
        assertThat(test("'NULL'", scalar(null))).isEqualTo(new Verdict(false, true, "NULL"));
        assertThat(test("''", scalar(null)).passed()).isFalse();
        assertThat(test("= 0", scalar(null))).isEqualTo(new Verdict(false, true, "NULL"));
        assertThat(test("!= 0", scalar(null)).passed()).isFalse();
        assertThat(test("between 0 and 1", scalar(null)).passed()).isFalse();
    }

    @Test
    void textWhereANumberIsExpectedCannotBeEvaluated() {
        Verdict v = test("= 0", scalar("none"));
        assertThat(v.evaluable()).isFalse();
        assertThat(v.passed()).isFalse();
        assertThat(v.status()).isEqualTo(Status.ERROR);
        assertThat(v.actual()).isEqualTo("'none' (not a number)");
        assertThat(test("between 1 and 2", scalar("t")).status()).isEqualTo(Status.ERROR);
    }

    @Test
    void scalarFormsDemandExactlyOneRow() {
        assertThat(test("= 0", rows(2))).isEqualTo(new Verdict(false, true, "2 rows, expected a single value"));
        assertThat(test("= 0", rows(0))).isEqualTo(new Verdict(false, true, "no rows, expected a single value"));
        assertThat(test("'x'", rows(3)).passed()).isFalse();
        assertThat(test("= 0", new QueryData(List.of(), List.of(List.of()), 1)))
                .isEqualTo(new Verdict(false, true, "no columns, expected a single value"));
    }

    @Test
    void scalarIsTheFirstColumnOfTheSingleRow() {
        QueryData wide = new QueryData(List.of("a", "b"), List.of(List.of("5", "x")), 1);
        assertThat(test("= 5", wide).passed()).isTrue();
    }

    @Test
    void emptinessLooksAtTheRowCount() {
        assertThat(test("empty", rows(0))).isEqualTo(new Verdict(true, true, "no rows"));
        assertThat(test("empty", rows(1))).isEqualTo(new Verdict(false, true, "1 row"));
        assertThat(test("not empty", rows(2)).passed()).isTrue();
        assertThat(test("not empty", rows(0)).passed()).isFalse();
    }

    @Test
    void rowsComparesTheRowCount() {
        assertThat(test("rows = 3", rows(3))).isEqualTo(new Verdict(true, true, "3 rows"));
        assertThat(test("rows = 3", rows(2)).passed()).isFalse();
        assertThat(test("rows >= 1", rows(5)).passed()).isTrue();
        assertThat(test("rows < 1", rows(0)).passed()).isTrue();
        assertThat(test("rows != 0", rows(0)).passed()).isFalse();
    }

    @Test
    void countsMeetEveryForm() {
        assertThat(Expectations.testCount(parse("= 42"), 42)).isEqualTo(new Verdict(true, true, "42"));
        assertThat(Expectations.testCount(parse(">= 4"), 3).passed()).isFalse();
        assertThat(Expectations.testCount(parse("between 1 and 9"), 9).passed()).isTrue();
        assertThat(Expectations.testCount(parse("'3'"), 3).passed()).isTrue();
        assertThat(Expectations.testCount(parse("empty"), 0).passed()).isTrue();
        assertThat(Expectations.testCount(parse("not empty"), 0).passed()).isFalse();
        assertThat(Expectations.testCount(parse("rows = 2"), 2).passed()).isTrue();
    }

    @Test
    void queryDataKeepsNullCells() {
        QueryData d = scalar(null);
        assertThat(d.rows().get(0)).containsExactly((String) null);
    }
}
