package dev.runbookpilot.ui.widgets;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.LinkReferenceDefinition;
import org.commonmark.node.ListItem;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

import java.util.ArrayList;
import java.util.List;

/**
 * A step description written in Markdown, rendered into JavaFX nodes: headings, paragraphs, emphasis, inline
 * code, code blocks (monospace and selectable), nested lists, block quotes and rules. Links show as text with
 * the address in a tooltip; nothing opens a browser. Raw HTML is shown literally, never interpreted.
 * Any input renders: what cannot be rendered is shown as plain text.
 */
public final class MarkdownView extends VBox {

    /** Deeper nesting than this (quotes in lists in quotes...) is flattened to text: still readable, bounded. */
    private static final int MAX_DEPTH = 12;
    private static final int MAX_CODE_ROWS = 24;

    private final Parser parser = Parser.builder().build();
    private String markdown = "";

    public MarkdownView() {
        getStyleClass().add("markdown-view");
        setFillWidth(true);
    }

    public MarkdownView(String markdown) {
        this();
        setMarkdown(markdown);
    }

    public String getMarkdown() {
        return markdown;
    }

    /** Replaces the content; null shows nothing. Never throws. */
    public void setMarkdown(String text) {
        markdown = text == null ? "" : text;
        List<Node> nodes;
        try {
            nodes = blocks(parser.parse(markdown), 0);
        } catch (RuntimeException | StackOverflowError e) {
            // The text stays visible even if the parser or the renderer gives up on it.
            nodes = List.of(plainFlow(markdown));
        }
        getChildren().setAll(nodes);
    }

    private List<Node> blocks(org.commonmark.node.Node parent, int depth) {
        List<Node> out = new ArrayList<>();
        for (org.commonmark.node.Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            Node rendered = block(n, depth);
            if (rendered != null) out.add(rendered);
        }
        return out;
    }

    private Node block(org.commonmark.node.Node n, int depth) {
        if (depth > MAX_DEPTH) return plainFlow(literalText(n));
        if (n instanceof Heading h) return flow(n, "md-heading", "md-h" + Math.max(1, Math.min(6, h.getLevel())));
        if (n instanceof Paragraph) return flow(n, "md-paragraph");
        if (n instanceof FencedCodeBlock f) return codeBlock(f.getLiteral());
        if (n instanceof IndentedCodeBlock c) return codeBlock(c.getLiteral());
        if (n instanceof HtmlBlock html) {
            TextFlow flow = plainFlow(stripTrailingNewline(html.getLiteral()));
            flow.getStyleClass().add("md-html");
            return flow;
        }
        if (n instanceof ThematicBreak) {
            Separator s = new Separator();
            s.getStyleClass().add("md-rule");
            return s;
        }
        if (n instanceof BlockQuote) {
            VBox box = new VBox();
            box.getStyleClass().add("md-quote");
            box.getChildren().setAll(blocks(n, depth + 1));
            return box;
        }
        if (n instanceof BulletList || n instanceof OrderedList) return list(n, depth);
        if (n instanceof LinkReferenceDefinition) return null;
        // Anything else (an extension block, a future node type): its text, plainly.
        return plainFlow(literalText(n));
    }

    private Node list(org.commonmark.node.Node list, int depth) {
        VBox box = new VBox();
        box.getStyleClass().add(list instanceof OrderedList ? "md-ordered-list" : "md-bullet-list");
        int number = 1;
        if (list instanceof OrderedList ol && ol.getMarkerStartNumber() != null) number = ol.getMarkerStartNumber();
        for (org.commonmark.node.Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            if (!(item instanceof ListItem)) continue;
            Label marker = new Label(list instanceof OrderedList ? number++ + "." : depth % 2 == 0 ? "•" : "◦");
            marker.getStyleClass().add("md-list-marker");
            marker.setMinWidth(Label.USE_PREF_SIZE);
            VBox content = new VBox();
            content.getStyleClass().add("md-list-content");
            content.getChildren().setAll(blocks(item, depth + 1));
            HBox.setHgrow(content, Priority.ALWAYS);
            HBox row = new HBox(marker, content);
            row.setAlignment(Pos.TOP_LEFT);
            row.getStyleClass().add("md-list-item");
            box.getChildren().add(row);
        }
        return box;
    }

    private TextArea codeBlock(String literal) {
        String code = stripTrailingNewline(literal == null ? "" : literal);
        TextArea area = new TextArea(code);
        area.setEditable(false);
        area.setWrapText(false);
        area.setFocusTraversable(false);
        area.getStyleClass().add("md-code-block");
        int rows = (int) code.chars().filter(c -> c == '\n').count() + 1;
        area.setPrefRowCount(Math.min(rows, MAX_CODE_ROWS));
        area.setMinHeight(Label.USE_PREF_SIZE);
        return area;
    }

    private TextFlow flow(org.commonmark.node.Node n, String... styleClasses) {
        TextFlow flow = new TextFlow();
        flow.getStyleClass().addAll(styleClasses);
        List<Node> texts = new ArrayList<>();
        inlines(n, new ArrayList<>(), null, texts, 0);
        flow.getChildren().setAll(texts);
        return flow;
    }

    private void inlines(org.commonmark.node.Node parent, List<String> styles, String link, List<Node> out,
                         int depth) {
        for (org.commonmark.node.Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof org.commonmark.node.Text t) {
                out.add(text(t.getLiteral(), styles, link));
            } else if (n instanceof Code c) {
                out.add(text(c.getLiteral(), plus(styles, "md-inline-code"), link));
            } else if (n instanceof SoftLineBreak) {
                out.add(text(" ", styles, link));
            } else if (n instanceof HardLineBreak) {
                out.add(text("\n", styles, link));
            } else if (n instanceof HtmlInline html) {
                out.add(text(html.getLiteral(), plus(styles, "md-html"), link));
            } else if (depth > MAX_DEPTH) {
                out.add(text(literalText(n), styles, link));
            } else if (n instanceof Emphasis) {
                inlines(n, plus(styles, "md-em"), link, out, depth + 1);
            } else if (n instanceof StrongEmphasis) {
                inlines(n, plus(styles, "md-strong"), link, out, depth + 1);
            } else if (n instanceof Link l) {
                inlines(n, plus(styles, "md-link"), l.getDestination(), out, depth + 1);
            } else if (n instanceof Image img) {
                out.add(text("[image: ", styles, img.getDestination()));
                inlines(n, styles, img.getDestination(), out, depth + 1);
                out.add(text("]", styles, img.getDestination()));
            } else {
                inlines(n, styles, link, out, depth + 1);
            }
        }
    }

    private static Text text(String literal, List<String> styles, String link) {
        Text t = new Text(literal == null ? "" : literal);
        t.getStyleClass().add("md-text");
        t.getStyleClass().addAll(styles);
        if (styles.contains("md-em") && styles.contains("md-strong")) t.getStyleClass().add("md-strong-em");
        if (link != null && !link.isBlank()) Tooltip.install(t, new Tooltip(link));
        return t;
    }

    private static List<String> plus(List<String> styles, String style) {
        List<String> out = new ArrayList<>(styles);
        if (!out.contains(style)) out.add(style);
        return out;
    }

    private static TextFlow plainFlow(String literal) {
        Text t = new Text(literal == null ? "" : literal);
        t.getStyleClass().add("md-text");
        TextFlow flow = new TextFlow(t);
        flow.getStyleClass().add("md-paragraph");
        return flow;
    }

    /** All the literal text under a node, iteratively, so that no nesting depth can overflow the stack. */
    private static String literalText(org.commonmark.node.Node root) {
        StringBuilder b = new StringBuilder();
        org.commonmark.node.Node n = root;
        while (n != null) {
            if (n instanceof org.commonmark.node.Text t) b.append(t.getLiteral());
            else if (n instanceof Code c) b.append(c.getLiteral());
            else if (n instanceof HtmlInline h) b.append(h.getLiteral());
            else if (n instanceof HtmlBlock h) b.append(h.getLiteral());
            else if (n instanceof FencedCodeBlock f) b.append(f.getLiteral());
            else if (n instanceof IndentedCodeBlock c) b.append(c.getLiteral());
            else if (n instanceof SoftLineBreak) b.append(' ');
            else if (n instanceof HardLineBreak || n instanceof Paragraph) b.append(n == root ? "" : "\n");
            if (n.getFirstChild() != null) {
                n = n.getFirstChild();
                continue;
            }
            while (n != null && n != root && n.getNext() == null) n = n.getParent();
            n = n == null || n == root ? null : n.getNext();
        }
        return b.toString().strip();
    }

    private static String stripTrailingNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
