package dev.runbookpilot.ui.wizard;

import javafx.geometry.Rectangle2D;
import javafx.scene.control.Dialog;
import javafx.scene.control.DialogEvent;
import javafx.stage.Screen;
import javafx.stage.Window;

/**
 * The wizard's dialogs fit the window they belong to: never taller than it or than its screen (a laptop's 768
 * pixels), nor wider, centred over it, so the approve and cancel buttons are never below the screen's edge. What does
 * not fit scrolls inside the dialog (an approval's SQL, a waiver's list of checks, a chooser's folder listing).
 */
final class DialogFit {
    private DialogFit() {}

    /** Owns the dialog by {@code owner} and keeps it within the owner's height once shown. */
    static void own(Dialog<?> dialog, Window owner) {
        own(dialog, owner, owner);
    }

    /**
     * Owns the dialog by {@code owner} and fits it within {@code area}: a dialog opened from another dialog (a file
     * chooser from the export dialog) is fitted to the application's window, not squeezed into the smaller dialog.
     */
    static void own(Dialog<?> dialog, Window owner, Window area) {
        dialog.initOwner(owner);
        dialog.setResizable(true);
        // Dialog has no addEventHandler in JavaFX 17: chain the dialog's own handler (its focus) before the fit.
        javafx.event.EventHandler<DialogEvent> own = dialog.getOnShown();
        dialog.setOnShown(e -> {
            if (own != null) own.handle(e);
            fit(dialog, area);
        });
    }

    private static void fit(Dialog<?> dialog, Window owner) {
        Rectangle2D screen = Screen.getScreensForRectangle(owner.getX(), owner.getY(), Math.max(1, owner.getWidth()),
                        Math.max(1, owner.getHeight())).stream().findFirst().orElse(Screen.getPrimary())
                .getVisualBounds();
        double top = Math.max(screen.getMinY(), owner.getY());
        double bottom = Math.min(screen.getMaxY(), owner.getY() + owner.getHeight());
        double room = bottom - top;
        if (room <= 0) return;
        if (dialog.getHeight() > room) dialog.setHeight(room);
        double y = owner.getY() + (owner.getHeight() - dialog.getHeight()) / 2;
        dialog.setY(Math.max(top, Math.min(y, bottom - dialog.getHeight())));
        // The same across: a 1024-pixel window keeps a wide dialog (a file chooser's listing) inside it.
        double left = Math.max(screen.getMinX(), owner.getX());
        double right = Math.min(screen.getMaxX(), owner.getX() + owner.getWidth());
        if (right <= left) return;
        if (dialog.getWidth() > right - left) dialog.setWidth(right - left);
        double x = owner.getX() + (owner.getWidth() - dialog.getWidth()) / 2;
        dialog.setX(Math.max(left, Math.min(x, right - dialog.getWidth())));
    }
}
