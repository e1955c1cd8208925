package dev.runbookpilot.report;

import java.nio.file.Path;

/**
 * What an export wrote.
 *
 * @param report       the report file
 * @param signature    the detached {@code .sig} next to a signed Markdown report; null otherwise
 * @param verification the check made right after signing; null when the report was not signed
 */
public record ExportResult(Path report, Path signature, Verification verification) {}
