package dev.runbookpilot.ui.widgets;

import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ApplicationExtension.class)
class MarkdownViewTest {

    // Built in @Start: controls need the toolkit, which the extension starts.
    private MarkdownView view;

    @Start
    void start(Stage stage) {
        view = new MarkdownView();
        ScrollPane scroll = new ScrollPane(view);
        scroll.setFitToWidth(true);
        WidgetStage.show(stage, scroll);
    }

    @Test
    void rendersHeadingsListsAndACodeBlock(FxRobot robot) {
        robot.interact(() -> view.setMarkdown("""
                ## Stop the writers
                1. Pause the **job runner**
                2. Check:
                   - no *locks*
                   - replicas caught up
                
                ```sql
                SELECT count(*)
                  FROM pg_stat_activity;
                ```
                """));
        List<String> flows = flowTexts(view);
        assertThat(flows).contains("Stop the writers", "Pause the job runner", "Check:", "no locks",
                "replicas caught up");
        List<Label> markers = all(view, Label.class);
        assertThat(markers).extracting(Label::getText).containsSubsequence("1.", "2.", "◦", "◦");
        TextArea code = all(view, TextArea.class).get(0);
        assertThat(code.getText()).isEqualTo("SELECT count(*)\n  FROM pg_stat_activity;");
        assertThat(code.isEditable()).isFalse();
        Text bold = all(view, Text.class).stream().filter(t -> t.getText().equals("job runner")).findFirst()
                .orElseThrow();
        assertThat(bold.getStyleClass()).contains("md-strong");
    }

    @Test
    void showsRawHtmlAsLiteralText(FxRobot robot) {
        robot.interact(() -> view.setMarkdown("Before\n\n<script>alert('x')</script>\n\nan <b>inline</b> tag"));
        String text = String.join("\n", flowTexts(view));
        assertThat(text).contains("<script>alert('x')</script>").contains("an <b>inline</b> tag");
    }

    @Test
    void showsALinkAsTextWithItsAddressInATooltip(FxRobot robot) {
        robot.interact(() -> view.setMarkdown("See [the wiki](https://wiki.example.com/runbooks) first."));
        assertThat(flowTexts(view)).containsExactly("See the wiki first.");
        Text link = all(view, Text.class).stream().filter(t -> t.getText().equals("the wiki")).findFirst()
                .orElseThrow();
        assertThat(link.getStyleClass()).contains("md-link");
        assertThat(link.getProperties().values()).filteredOn(Tooltip.class::isInstance)
                .extracting(v -> ((Tooltip) v).getText()).containsExactly("https://wiki.example.com/runbooks");
    }

    @Test
    void neverThrowsOnHostileOrBrokenInput(FxRobot robot) {
        Random random = new Random(7);
        List<String> inputs = new ArrayList<>();
        inputs.add(null);
        inputs.add("");
        inputs.add(">".repeat(1000) + " deep");
        inputs.add("- ".repeat(500) + "deep list");
        inputs.add("*".repeat(3000) + "x" + "_".repeat(3000));
        inputs.add("```\nunclosed fence");
        inputs.add("[a](<javascript:alert(1)>) ![img](x.png) \u0000 \uD800");
        String alphabet = "#*_`>-+1. []()!<>\n\\|~";
        for (int i = 0; i < 20; i++) {
            StringBuilder b = new StringBuilder();
            for (int j = 0; j < 400; j++) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            inputs.add(b.toString());
        }
        for (String input : inputs) {
            robot.interact(() -> view.setMarkdown(input));
            assertThat(view.getMarkdown()).isEqualTo(input == null ? "" : input);
        }
        String last = inputs.get(inputs.size() - 1).replaceAll("[^A-Za-z0-9]", "");
        assertThat(String.join("", flowTexts(view)).replaceAll("[^A-Za-z0-9]", "")).isEqualTo(last);
    }

    private static List<String> flowTexts(Parent root) {
        return all(root, TextFlow.class).stream()
                .map(f -> f.getChildren().stream().filter(n -> n instanceof Text).map(n -> ((Text) n).getText())
                        .collect(Collectors.joining()))
                .toList();
    }

    static <T extends Node> List<T> all(Node root, Class<T> type) {
        List<T> out = new ArrayList<>();
        if (type.isInstance(root)) out.add(type.cast(root));
        if (root instanceof Parent p && !(root instanceof TextArea)) {
            for (Node child : p.getChildrenUnmodifiable()) out.addAll(all(child, type));
        }
        return out;
    }
}
