package dev.runbookpilot.cli;

import dev.runbookpilot.app.Workspace;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options shared by run and resume: who operates, and what people have already confirmed on the command line. */
final class Interaction {

    @Option(names = "--operator", paramLabel = "NAME", description = "who runs the window (default: the OS user)")
    String operator;

    @Option(names = "--yes", description = "confirm execute steps (never manual ones)")
    boolean yes;

    @Option(names = "--confirm-production", paramLabel = "DATABASE",
            description = "against a production target, the database name typed to confirm execute steps")
    String productionDatabase;

    @Option(names = "--confirm", paramLabel = "STEP_ID[=NOTE]",
            description = "confirm a manual step, with a note (repeatable)")
    List<String> confirmations = new ArrayList<>();

    @Option(names = "--sign", paramLabel = "ROLE=NAME", description = "sign a sign-off role with a typed name "
            + "(repeatable); nothing proves who typed it: refused on production, prefer --sign-key")
    List<String> signatures = new ArrayList<>();

    @Option(names = "--sign-key", paramLabel = "ROLE=FILE", description = "sign a sign-off role, and that role's"
            + " --gate answer, with your key (repeatable): an OpenSSH private key, or a PKCS#12 file (.p12/.pfx). The"
            + " journal records the key's fingerprint and its signature over the decision and the journal so far;"
            + " the name is the key's")
    List<String> signKeys = new ArrayList<>();

    @Option(names = "--gate", paramLabel = "ROLE=go|no-go:REASON",
            description = "answer a go/no-go gate for a role (repeatable): ROLE=go, or \"ROLE=no-go:why\"; signed"
                    + " with the role's --sign-key when given, else a typed answer in the operator's name. A gate reached without every role's answer stops the run (exit 7);"
                    + " a NO-GO ends the window as ABORTED (exit 8)")
    List<String> gates = new ArrayList<>();

    @Option(names = "--waive", paramLabel = "STEP_ID=REASON",
            description = "waive the FAILED checks of a step, with a written reason (repeatable). Granted before the"
                    + " failure is seen, and reported so; never covers ERROR (a check that could not look) nor a"
                    + " migration")
    List<String> waivers = new ArrayList<>();

    @Option(names = "--waive-error", paramLabel = "STEP_ID=REASON",
            description = "also waive the checks of a step that could not look (ERROR), with a written reason"
                    + " (repeatable); never a migration")
    List<String> errorWaivers = new ArrayList<>();

    @Option(names = "--keep-going",
            description = "after a step fails, go on evaluating the read-only checks of every later step and list"
                    + " every failure at the end (exit 1, nothing waived); no migration, command or backup runs after"
                    + " the first failure, and no later step is confirmed or signed")
    boolean keepGoing;

    @Option(names = "--roll-back-on-failure",
            description = "when a step fails (or a migration is left unsettled) after something was applied, roll the"
                    + " window back: the rollback of each applied migration or command runs in reverse order, each"
                    + " approved like a migration (--yes, or --confirm-production on production), then the proof that"
                    + " the database is back at its baseline. Exit 5 when rolled back and proven. On resume, a rollback"
                    + " that began is carried on whatever this says")
    boolean rollBackOnFailure;

    @Option(names = "--skip", paramLabel = "STEP_ID=REASON",
            description = "skip an optional step, with a written reason (repeatable); reported as SKIPPED, never"
                    + " as passed")
    List<String> skips = new ArrayList<>();

    @Option(names = "--recheck-activity-after", paramLabel = "MINUTES", defaultValue = "5",
            description = "before a migration runs, pre-flight activity checks whose result is older than this run"
                    + " again; the migration runs only if they still pass (default: ${DEFAULT-VALUE})")
    int recheckActivityAfterMinutes = 5;

    @Option(names = "--settle", paramLabel = "STEP_ID=applied|not-applied|run-again:NOTE",
            description = "settle a migration whose outcome is unknown (it ran without a transaction and did not"
                    + " pass, or its transaction's fate is unknown), with a note on what you found (repeatable)")
    List<String> settles = new ArrayList<>();

    @Option(names = "--stop-blocker", paramLabel = "STEP_ID=cancel|terminate:REASON",
            description = "when the step's migration times out on a lock, cancel the statement of (cancel) or"
                    + " terminate (terminate) each session it waited for, then run it again once; with a written"
                    + " reason, journaled (repeatable). Against production it also needs --confirm-production")
    List<String> stopBlockers = new ArrayList<>();

    @Option(names = "--session-dir", paramLabel = "DIR",
            description = "where session journals live (default: ~/.runbook-pilot/sessions)")
    Path sessionDir;

    @Option(names = "--report", paramLabel = "FILE.md", description = "write the Markdown report here at the end")
    Path report;

    String operatorName() {
        return operator != null && !operator.isBlank() ? operator : System.getProperty("user.name", "operator");
    }

    Path sessionDirectory() {
        return sessionDir != null ? sessionDir : defaultSessionDir();
    }

    static Path defaultSessionDir() {
        return Workspace.fromEnvironment().sessions();
    }

    /** {@code KEY=VALUE} options as a map; a bare KEY maps to "". */
    static Map<String, String> pairs(List<String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            out.put(eq < 0 ? v.strip() : v.substring(0, eq).strip(), eq < 0 ? "" : v.substring(eq + 1));
        }
        return out;
    }
}
