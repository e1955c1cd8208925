package dev.runbookpilot.ui.widgets;

import javafx.css.CssParser;
import javafx.css.Rule;
import javafx.css.Stylesheet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JavaFX reads {@code name.bss} in place of {@code name.css} when both are on the class path (ADR 0047): the build
 * makes the binary form of each of the app's stylesheets, and it must say exactly what the CSS text says.
 */
class AppStylesTest {

    @ParameterizedTest
    @ValueSource(strings = {"app", "start"})
    void eachStylesheetHasABinaryFormWithTheSameRulesAsItsText(String name) throws Exception {
        URL text = AppStylesTest.class.getResource("/dev/runbookpilot/ui/" + name + ".css");
        URL binary = AppStylesTest.class.getResource("/dev/runbookpilot/ui/" + name + ".bss");
        assertThat(text).isNotNull();
        assertThat(binary).as("the build's binary form of " + name + ".css").isNotNull();

        List<String> parsed = rules(new CssParser().parse(text));
        List<String> loaded = rules(Stylesheet.loadBinary(binary));
        assertThat(parsed).hasSizeGreaterThan(10);
        assertThat(loaded).containsExactlyElementsOf(parsed);
    }

    private static List<String> rules(Stylesheet sheet) {
        return sheet.getRules().stream().map(AppStylesTest::describe).toList();
    }

    /** A rule's selectors and its declarations with their parsed values (a Rule's own text omits the values). */
    private static String describe(Rule rule) {
        StringBuilder b = new StringBuilder(rule.getSelectors().toString()).append(" {");
        rule.getDeclarations().forEach(d -> b.append(' ').append(d.getProperty()).append(": ")
                .append(d.getParsedValue()).append(d.isImportant() ? " !important" : "").append(';'));
        return b.append(" }").toString();
    }
}
