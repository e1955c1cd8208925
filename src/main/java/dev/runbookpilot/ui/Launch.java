package dev.runbookpilot.ui;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.runbook.Runbook;

import java.nio.file.Path;

/**
 * Everything the wizard needs to begin: a loaded runbook, a connected target (owned by the wizard from now on:
 * it closes it), who operates, and the journal to resume, or null for a new session.
 */
public record Launch(Runbook runbook, Target target, String operator, Path resumeJournal) {}
