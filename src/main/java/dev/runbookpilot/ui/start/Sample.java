package dev.runbookpilot.ui.start;

import java.nio.file.Path;

/**
 * A runbook found among the samples: what the start screen lists about it, or why it cannot be loaded.
 *
 * @param problem null when the runbook loads; else the loader's messages, each with file:line:column
 */
public record Sample(Path file, String title, String environment, String summary, String problem) {}
