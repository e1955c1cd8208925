package dev.runbookpilot.runbook;

import java.nio.file.Path;

/** A position in a runbook file, printed the way editors and compilers do: {@code file:line:column}. */
public record SourceLocation(Path file, int line, int column) {

    public static final SourceLocation UNKNOWN = new SourceLocation(null, 0, 0);

    @Override
    public String toString() {
        String name = file == null ? "<runbook>" : file.toString();
        return line <= 0 ? name : name + ":" + line + ":" + column;
    }
}
