package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.runbook.Environment;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

import java.util.List;
import java.util.Locale;

/**
 * A full-width banner naming the target environment in words, with host:port and database: production red,
 * staging amber, development green, unknown grey. The words carry the meaning; the colour only repeats it.
 */
public final class EnvironmentBanner extends HBox {

    private static final List<String> ENV_CLASSES = List.of("env-production", "env-staging", "env-development",
            "env-unknown", "env-none");

    private final Label label = new Label();
    private final Label privileges = new Label();

    public EnvironmentBanner() {
        getStyleClass().add("environment-banner");
        label.getStyleClass().add("environment-text");
        label.setId("environment-text");
        label.setMaxWidth(Double.MAX_VALUE);
        label.setWrapText(false);
        HBox.setHgrow(label, Priority.ALWAYS);
        setAlignment(Pos.CENTER_LEFT);
        setFillHeight(true);
        setMaxWidth(Double.MAX_VALUE);
        privileges.getStyleClass().add("environment-privileges");
        privileges.setId("check-privileges");
        privileges.setMinWidth(Label.USE_PREF_SIZE);
        getChildren().addAll(label, privileges);
        clear();
    }

    /**
     * Shows a target. {@code env} null means the runbook does not say: shown grey as "UNKNOWN ENVIRONMENT".
     * {@code demo} marks the embedded demo server.
     */
    public void show(Environment env, String host, int port, String database, boolean demo) {
        String text = bannerText(env, host, port, database, demo);
        label.setText(text);
        setAccessibleText(text);
        applyEnvClass(env == null ? "env-unknown" : "env-" + env.name().toLowerCase(Locale.ROOT));
    }

    /**
     * With which privileges the runbook's check SQL runs, said plainly next to the target: the full detail goes to
     * the tooltip and the report.
     */
    public void showCheckPrivileges(String shortText, String detail) {
        privileges.setText(shortText);
        privileges.setTooltip(new javafx.scene.control.Tooltip(detail));
        setAccessibleText(label.getText() + ". " + detail);
    }

    /** No target yet. */
    public void clear() {
        privileges.setText("");
        label.setText("Not connected");
        setAccessibleText("Not connected");
        applyEnvClass("env-none");
    }

    public String getText() {
        return label.getText();
    }

    /**
     * E.g. "PRODUCTION · db1.example.com:5432 / app_prod", or "... · embedded demo"; an IPv6 host is bracketed
     * so the port stays readable.
     */
    public static String bannerText(Environment env, String host, int port, String database, boolean demo) {
        StringBuilder b = new StringBuilder();
        b.append(env == null ? "UNKNOWN ENVIRONMENT" : env.name());
        String shownHost = host == null || host.isBlank() ? "(local socket)"
                : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        b.append(" · ").append(shownHost);
        if (port > 0) b.append(':').append(port);
        b.append(" / ").append(database == null || database.isBlank() ? "(default database)" : database);
        if (demo) b.append(" · embedded demo");
        return b.toString();
    }

    private void applyEnvClass(String envClass) {
        getStyleClass().removeAll(ENV_CLASSES);
        getStyleClass().add(envClass);
    }
}
