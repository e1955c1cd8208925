package dev.runbookpilot.runbook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpectationTest {

    private static Expectation parse(String text) {
        try {
            return Expectation.parse(text);
        } catch (Expectation.ParseException e) {
            throw new AssertionError("'" + text + "' should parse: " + e.getMessage(), e);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "= 0      | EQ | 0",
            "!= 3     | NE | 3",
            ">= 4     | GE | 4",
            "<= 9     | LE | 9",
            "> 1      | GT | 1",
            "< 100    | LT | 100",
            "== 7     | EQ | 7",
            "<> 7     | NE | 7",
            "=5       | EQ | 5",
            ">=   4   | GE | 4",
            "= 0.25   | EQ | 0.25",
            "= .5     | EQ | 0.5",
            "= 5.     | EQ | 5",
            "> -3     | GT | -3",
            "< +3     | LT | 3",
            "= 1e3    | EQ | 1000",
            "= 2.5E-2 | EQ | 0.025",
            "= -1.5e+1 | EQ | -15",
    })
    void parsesComparisonsAsNumbers(String text, Expectation.Op op, String value) {
        Expectation e = parse(text);
        assertThat(e).isInstanceOf(Expectation.Compare.class);
        Expectation.Compare c = (Expectation.Compare) e;
        assertThat(c.op()).isEqualTo(op);
        assertThat(c.value()).isEqualByComparingTo(new BigDecimal(value));
    }

    @ParameterizedTest
    @CsvSource({"42, 42", "-7, -7", "0.001, 0.001", "3e2, 300", "  12  , 12"})
    void readsABareNumberAsEquality(String text, String value) {
        Expectation.Compare c = (Expectation.Compare) parse(text);
        assertThat(c.op()).isEqualTo(Expectation.Op.EQ);
        assertThat(c.value()).isEqualByComparingTo(new BigDecimal(value));
    }

    @Test
    void comparesNumericallyNotAsText() {
        Expectation.Compare ge = (Expectation.Compare) parse(">= 4");
        assertThat(ge.test(new BigDecimal("10"))).isTrue();
        assertThat(ge.test(new BigDecimal("4.0"))).isTrue();
        assertThat(ge.test(new BigDecimal("3.99"))).isFalse();
        assertThat(((Expectation.Compare) parse("= 1e3")).test(new BigDecimal("1000.00"))).isTrue();
        assertThat(((Expectation.Compare) parse("!= 0")).test(BigDecimal.ZERO)).isFalse();
    }

    @Test
    void parsesAnInclusiveRange() {
        Expectation.Between b = (Expectation.Between) parse("between 1 and 9");
        assertThat(b.low()).isEqualByComparingTo("1");
        assertThat(b.high()).isEqualByComparingTo("9");
        assertThat(b.test(BigDecimal.ONE)).isTrue();
        assertThat(b.test(new BigDecimal("9"))).isTrue();
        assertThat(b.test(new BigDecimal("9.01"))).isFalse();
        assertThat(b.test(new BigDecimal("0.99"))).isFalse();
    }

    @Test
    void rangeKeywordsIgnoreCaseAndSpacing() {
        Expectation.Between b = (Expectation.Between) parse("  BETWEEN   -0.5  And 1e1 ");
        assertThat(b.low()).isEqualByComparingTo("-0.5");
        assertThat(b.high()).isEqualByComparingTo("10");
        assertThat(parse("between 3 and 3")).isEqualTo(new Expectation.Between(new BigDecimal("3"), new BigDecimal("3")));
    }

    @Test
    void rejectsAReversedRangeAndShowsTheRightOrder() {
        assertThatThrownBy(() -> Expectation.parse("between 9 and 1"))
                .isInstanceOf(Expectation.ParseException.class)
                .hasMessageContaining("lower bound is above the upper bound")
                .hasMessageContaining("write between 1 and 9");
    }

    @Test
    void quotedTextIsAnExactTextMatch() {
        assertThat(parse("'3.7.0'")).isEqualTo(new Expectation.Text("3.7.0"));
        assertThat(parse("\"on\"")).isEqualTo(new Expectation.Text("on"));
        assertThat(parse("'= 0'")).isEqualTo(new Expectation.Text("= 0"));
        assertThat(parse("''")).isEqualTo(new Expectation.Text(""));
        assertThat(parse("' padded '")).isEqualTo(new Expectation.Text(" padded "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty", "EMPTY", " Empty "})
    void parsesEmpty(String text) {
        assertThat(parse(text)).isEqualTo(new Expectation.Emptiness(true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not empty", "NOT EMPTY", "Not   Empty", " not\tempty "})
    void parsesNotEmptyInAnyCaseAndSpacing(String text) {
        assertThat(parse(text)).isEqualTo(new Expectation.Emptiness(false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "rows = 3    | EQ | 3",
            "rows=3      | EQ | 3",
            "ROWS >= 1   | GE | 1",
            "rows != 0   | NE | 0",
            "rows <> 0   | NE | 0",
            "rows == 2   | EQ | 2",
            "rows <= 10  | LE | 10",
            "rows > 0    | GT | 0",
            "rows < 5    | LT | 5",
    })
    void parsesRowCounts(String text, Expectation.Op op, long count) {
        assertThat(parse(text)).isEqualTo(new Expectation.Rows(op, count));
    }

    @Test
    void rowCountsCompareWithTheirOperator() {
        Expectation.Rows r = (Expectation.Rows) parse("rows >= 2");
        assertThat(r.test(2)).isTrue();
        assertThat(r.test(1)).isFalse();
    }

    @Test
    void describesEachFormTheWayItIsWritten() {
        assertThat(parse(">=4").describe()).isEqualTo(">= 4");
        assertThat(parse("<> 1").describe()).isEqualTo("!= 1");
        assertThat(parse("between 1 and 9").describe()).isEqualTo("between 1 and 9");
        assertThat(parse("'x'").describe()).isEqualTo("'x'");
        assertThat(parse("not empty").describe()).isEqualTo("not empty");
        assertThat(parse("rows=3").describe()).isEqualTo("rows = 3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t"})
    void rejectsAnEmptyExpectationListingTheForms(String text) {
        assertThatThrownBy(() -> Expectation.parse(text))
                .isInstanceOf(Expectation.ParseException.class)
                .hasMessageStartingWith("empty expectation")
                .hasMessageContaining("between A and B")
                .hasMessageContaining("rows = N");
    }

    @Test
    void suggestsQuotingForBareWords() {
        assertThatThrownBy(() -> Expectation.parse("ready"))
                .isInstanceOf(Expectation.ParseException.class)
                .hasMessage("'ready' is not an expectation; quote text values, e.g. 'ready'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rows = 1.5", "rows = -1", "rows", "rows about 3", "rows = many"})
    void rejectsMalformedRowCountsWithAnExample(String text) {
        assertThatThrownBy(() -> Expectation.parse(text))
                .isInstanceOf(Expectation.ParseException.class)
                .hasMessageContaining("write rows followed by a comparison and a whole number, e.g. rows = 3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"= x", ">= ", "=> 4", "=< 4", "1 2", "0x1F", "'unterminated", "~ 5"})
    void rejectsMalformedComparisonsListingTheForms(String text) {
        assertThatThrownBy(() -> Expectation.parse(text))
                .isInstanceOf(Expectation.ParseException.class)
                .hasMessageContaining("is not an expectation")
                .hasMessageContaining("write one of = N, != N, >= N");
    }

    @ParameterizedTest
    @ValueSource(strings = {"between 1 and nine", "between 1 and", "between 1, 9", "BETWEEN 1 - 9"})
    void rejectsARangeWithoutTwoNumbersWithAnExample(String text) {
        assertThatThrownBy(() -> Expectation.parse(text))
                .isInstanceOf(Expectation.ParseException.class)
                .hasMessage("'" + text + "' is not an expectation; write between and two numbers, e.g. between 1 and 9");
    }

    @Test
    void rejectsNumbersBeyondRangeInsteadOfCrashing() {
        assertThatThrownBy(() -> Expectation.parse("= 1e99999999999"))
                .isInstanceOf(Expectation.ParseException.class)
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> Expectation.parse("between 1 and 1e99999999999"))
                .isInstanceOf(Expectation.ParseException.class)
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> Expectation.parse("rows = 99999999999999999999"))
                .isInstanceOf(Expectation.ParseException.class)
                .hasMessageContaining("more than a query can return");
    }
}
