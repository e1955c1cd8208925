package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.io.Durations;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command step's record as the reports print it, the same in Markdown and PDF: what ran, where, with which
 * variables (names only: some values are secrets), how it ended, which patterns matched where, and the output
 * (head and tail with how many lines were left out). The wizard's check detail shows the same.
 */
public final class CommandRecord {
    private static final DateTimeFormatter LINE_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private CommandRecord() {}

    /** Label and value pairs, in reading order; the values are plain text for the caller to escape. */
    public static Map<String, String> facts(CheckDetail.CommandRun run) {
        Map<String, String> f = new LinkedHashMap<>();
        if (run.command() != null) f.put("Command", run.command());
        if (run.cwd() != null) f.put("Working directory", run.cwd());
        f.put("Variables set", run.variables().isEmpty() ? "none"
                : String.join(", ", run.variables()) + " (names only; secret values are never recorded)");
        f.put("Exit code", !run.started() ? "did not start (nothing ran)"
                : run.exitCode() != null ? Integer.toString(run.exitCode())
                : "none: " + ending(run.ending()));
        if (run.started()) f.put("Duration", Durations.human(run.durationMillis()));
        for (CheckDetail.PatternMatch m : run.expected()) {
            f.put("Expected /" + m.pattern() + "/", m.line() == null ? "NOT SEEN" : "matched " + where(m.line()));
        }
        for (CheckDetail.PatternMatch m : run.rejected()) {
            f.put("Rejected /" + m.pattern() + "/", "MATCHED " + where(m.line()) + ": " + m.line().text());
        }
        if (run.leftRunning()) {
            f.put("Left running", "a process it started was still running when it exited");
        }
        return f;
    }

    private static String ending(String ending) {
        if (ending == null) return "did not start";
        return switch (ending) {
            case "TIMED_OUT" -> "timed out; the whole process tree was stopped";
            case "CANCELLED" -> "cancelled; the whole process tree was stopped";
            case "INTERRUPTED" -> "Runbook Pilot stopped while it ran; outcome unknown";
            default -> ending;
        };
    }

    private static String where(CheckDetail.OutputLine l) {
        return "at line " + l.number() + " (" + LINE_TIME.format(l.at()) + " UTC, " + l.stream().toLowerCase() + ")";
    }

    /** The heading of the output block: how many lines, and how many were left out between head and tail. */
    public static String outputTitle(CheckDetail.CommandRun run) {
        return "Output (" + run.lines() + " line" + (run.lines() == 1 ? "" : "s")
                + (run.omitted() > 0 ? ", " + run.omitted() + " lines omitted between head and tail" : "")
                + "; time UTC, stream, text)";
    }

    /** The kept lines, one per line: time, stream, text; a marker where lines were left out. */
    public static String outputText(CheckDetail.CommandRun run) {
        List<String> out = new ArrayList<>();
        run.head().forEach(l -> out.add(line(l)));
        if (run.omitted() > 0) out.add("… " + run.omitted() + " lines omitted …");
        run.tail().forEach(l -> out.add(line(l)));
        return String.join("\n", out);
    }

    private static String line(CheckDetail.OutputLine l) {
        return LINE_TIME.format(l.at()) + " " + l.stream().toLowerCase() + "  " + l.text();
    }
}
