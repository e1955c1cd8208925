package dev.runbookpilot.ui;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.runbook.Runbook;

import java.nio.file.Path;

/** Everything the wizard needs to open: a runbook, a connected target, who operates, and a journal to resume. */
public record Launch(Runbook runbook, Target target, String operator, Path resumeJournal /* null = new session */) {}
