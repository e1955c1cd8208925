package dev.runbookpilot.ui.widgets;

import javafx.beans.binding.Bindings;
import javafx.scene.control.SkinBase;
import javafx.scene.control.TextField;
import javafx.scene.text.Text;

/**
 * A text field's look without its behaviour, for a window's first frame: its text (or its prompt) at the size the
 * real skin gives the field, inside the border and background the theme gives every text field. JavaFX's own
 * {@code TextFieldSkin} builds the field's behaviour when it is created (about seventy key bindings, each a lambda
 * linked on first use in a fresh JVM, a context menu, the caret's animation): measured at about a seventh of the
 * start screen's first frame on the FX thread (ADR 0053). The view replaces this skin with the real one right
 * after its first frame; until then the field cannot be typed in, which no one can do before the window is drawn.
 */
public final class FirstFrameTextFieldSkin extends SkinBase<TextField> {
    private final Text text = new Text();

    public FirstFrameTextFieldSkin(TextField field) {
        super(field);
        text.textProperty().bind(Bindings.when(field.textProperty().isEmpty()).then(field.promptTextProperty())
                .otherwise(field.textProperty()));
        text.fontProperty().bind(field.fontProperty());
        // The theme's text colour (AtlantaFX's looked-up colour, light or dark), as the real skin's text takes it.
        text.setStyle("-fx-fill: -color-fg-default;");
        getChildren().add(text);
    }

    /** As {@code TextFieldSkin} computes it: the preferred number of columns of the widest letter, and the insets. */
    @Override
    protected double computePrefWidth(double height, double top, double right, double bottom, double left) {
        Text widest = new Text("W");
        widest.setFont(getSkinnable().getFont());
        return getSkinnable().getPrefColumnCount() * widest.getLayoutBounds().getWidth() + left + right;
    }

    @Override
    protected double computePrefHeight(double width, double top, double right, double bottom, double left) {
        return top + text.getLayoutBounds().getHeight() + bottom;
    }

    @Override
    protected void layoutChildren(double x, double y, double w, double h) {
        text.relocate(x, y + (h - text.getLayoutBounds().getHeight()) / 2);
    }

    /** Takes its text out of the field: the children of a {@code SkinBase} are the field's, and stay otherwise. */
    @Override
    public void dispose() {
        text.textProperty().unbind();
        text.fontProperty().unbind();
        getChildren().remove(text);
        super.dispose();
    }
}
