package dev.runbookpilot.runbook;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.runbookpilot.runbook.LoaderProblems.problems;
import static dev.runbookpilot.runbook.LoaderProblems.onlyProblem;
import static dev.runbookpilot.runbook.LoaderProblems.at;
import static dev.runbookpilot.runbook.LoaderProblems.FILE;

class ClockAndGateLoaderTest {

    private static String withWindow(String window) {
        return "runbook: T\ntarget: { environment: staging }\nwindow: " + window + "\nphases:\n  - name: P\n    steps:\n"
                + "      - { id: a, title: A, manual: ok }\n";
    }

    @Test
    void loadsTheWindowBudgetsTheDurationCheckAndTheGate() throws Exception {
        Runbook rb = RunbookLoader.load(RunbookLoaderTest.fixture("valid/clock-gates/runbook.yaml"));
        // 03:00 in Berlin in December is 02:00 UTC.
        assertThat(rb.window().start()).isEqualTo(Instant.parse("2026-12-05T02:00:00Z"));
        assertThat(rb.window().duration()).isEqualTo(Duration.ofHours(2));
        assertThat(rb.window().shown()).isEqualTo("2026-12-05T03:00 Europe/Berlin");
        assertThat(rb.phases()).extracting(Phase::budget).containsExactly(Duration.ofMinutes(30), Duration.ofMinutes(20));
        assertThat(rb.step("alive").orElseThrow().budget()).isEqualTo(Duration.ofMinutes(1));
        assertThat(rb.step("go").orElseThrow().budget()).isNull();

        Step migrate = rb.step("migrate").orElseThrow();
        assertThat(migrate.checks()).hasSize(2);
        assertThat(migrate.checks().get(0)).isInstanceOf(CheckSpec.Execute.class);
        CheckSpec.ExpectDuration d = (CheckSpec.ExpectDuration) migrate.checks().get(1);
        assertThat(d.writer()).isZero();
        assertThat(d.limit()).isEqualTo(Duration.ofMillis(500));
        assertThat(d.accepts(499)).isTrue();
        assertThat(d.accepts(500)).as("< is strict").isFalse();

        CheckSpec.Gate gate = (CheckSpec.Gate) rb.step("go").orElseThrow().checks().get(0);
        assertThat(gate.roles()).containsExactly("DBA", "Backend lead");
        assertThat(gate.question()).isEqualTo("Go for production?");
        assertThat(rb.step("go").orElseThrow().isGate()).isTrue();
    }

    @Test
    void aWindowAcceptsAnInstantAnOffsetAndAZonedIsoTime() throws Exception {
        Instant expected = Instant.parse("2026-12-05T02:00:00Z");
        for (String start : List.of("2026-12-05T02:00:00Z", "2026-12-05T03:00+01:00",
                "2026-12-05T03:00+01:00[Europe/Berlin]")) {
            Runbook rb = RunbookLoader.parse(withWindow("{ start: \"" + start + "\", duration: 90m }"), FILE, "0");
            assertThat(rb.window().start()).as(start).isEqualTo(expected);
            assertThat(rb.window().end()).isEqualTo(expected.plus(Duration.ofMinutes(90)));
        }
    }

    @Test
    void aLocalTimeWithoutAZoneIsAProblemAtTheValue() {
        RunbookProblem p = onlyProblem(withWindow("{ start: \"2026-12-05T02:00\", duration: 2h }"));
        assertThat(at(p)).isEqualTo("3:18");
        assertThat(p.message()).contains("has no time zone");
        assertThat(p.hint()).contains("Europe/Berlin");
        assertThat(p.toString()).startsWith(FILE + ":3:18");
    }

    @Test
    void aLocalTimeThatAClockChangeSkipsOrRepeatsIsAProblemNotAGuess() {
        // Clocks in Berlin jump from 02:00 to 03:00 on 2026-03-29 and fall back from 03:00 to 02:00 on 2026-10-25.
        assertThat(onlyProblem(withWindow("{ start: \"2026-03-29T02:30 Europe/Berlin\", duration: 2h }")).message())
                .contains("does not exist in Europe/Berlin");
        assertThat(onlyProblem(withWindow("{ start: \"2026-10-25T02:30 Europe/Berlin\", duration: 2h }")).message())
                .contains("happens twice in Europe/Berlin");
    }

    @Test
    void windowProblemsNameTheirPlace() {
        assertThat(onlyProblem(withWindow("{ start: \"2026-12-05T02:00 Mars/Olympus\", duration: 2h }")).message())
                .contains("unknown time zone 'Mars/Olympus'");
        assertThat(onlyProblem(withWindow("{ start: \"tomorrow\", duration: 2h }")).message())
                .contains("'tomorrow' is not a date and time");
        RunbookProblem d = onlyProblem(withWindow("{ start: \"2026-12-05T02:00:00Z\", duration: 2 hours }"));
        assertThat(d.message()).contains("'2 hours' is not a duration");
        assertThat(at(d)).isEqualTo("3:52");
        assertThat(onlyProblem(withWindow("{ start: \"2026-12-05T02:00:00Z\" }")).message())
                .contains("missing 'duration'");
        assertThat(onlyProblem(withWindow("{ start: \"2026-12-05T02:00:00Z\", duration: 1h, end: 3h }")).message())
                .contains("unknown key 'end'");
    }

    @Test
    void aBudgetThatIsNoDurationIsAProblemAtItsValue() {
        RunbookProblem p = onlyProblem("""
                runbook: T
                target: { environment: staging }
                phases:
                  - name: P
                    steps:
                      - id: a
                        title: A
                        budget: 0s
                        manual: ok
                """);
        assertThat(at(p)).isEqualTo("8:17");
        assertThat(p.message()).contains("'0s' is not a duration");
    }

    @Test
    void expectDurationNeedsAWriterAndAPlannedDuration() {
        RunbookProblem none = onlyProblem("""
                runbook: T
                target: { environment: staging }
                phases:
                  - name: P
                    steps:
                      - id: a
                        title: A
                        manual: ok
                        expectDuration: "< 500ms"
                """);
        assertThat(at(none)).isEqualTo("9:25");
        assertThat(none.message()).contains("runs none");
        RunbookProblem bad = onlyProblem("""
                runbook: T
                target: { environment: staging }
                phases:
                  - name: P
                    steps:
                      - id: a
                        title: A
                        command: { run: "true" }
                        expectDuration: "> 5s"
                """);
        assertThat(bad.message()).contains("is not a duration");
        assertThat(at(bad)).isEqualTo("9:25");
    }

    @Test
    void aCommandsDurationCheckComesAfterItsVerifyChecksAndAtMostIsInclusive() throws Exception {
        Runbook rb = RunbookLoader.parse("""
                runbook: T
                target: { environment: staging }
                phases:
                  - name: P
                    steps:
                      - id: a
                        title: A
                        expectDuration: 2s
                        command:
                          run: "true"
                          verify:
                            - query: { sql: "SELECT 1", expect: "= 1" }
                """, FILE, "0");
        Step a = rb.step("a").orElseThrow();
        assertThat(a.checks()).extracting(CheckSpec::kind).containsExactly("command", "query", "duration");
        assertThat(a.verifies(1)).isZero();
        assertThat(a.verifies(2)).as("the duration check is no verify check").isEqualTo(-1);
        CheckSpec.ExpectDuration d = (CheckSpec.ExpectDuration) a.checks().get(2);
        assertThat(d.accepts(2000)).isTrue();
        assertThat(d.accepts(2001)).isFalse();
    }

    @Test
    void aGateEndsItsPhaseStandsAloneAndIsNeverOptional() {
        RunbookProblem notLast = onlyProblem("""
                runbook: T
                target: { environment: staging }
                phases:
                  - name: P
                    steps:
                      - { id: go, title: Go, gate: { roles: [DBA], question: "Go?" } }
                      - { id: a, title: A, manual: ok }
                """);
        assertThat(notLast.message()).contains("a gate ends its phase");
        assertThat(at(notLast)).isEqualTo("6:9");
        assertThat(onlyProblem("""
                runbook: T
                target: { environment: staging }
                phases:
                  - name: P
                    steps:
                      - { id: go, title: Go, optional: true, gate: { roles: [DBA], question: "Go?" } }
                """).message()).contains("a gate cannot be optional");
        assertThat(problems("""
                runbook: T
                target: { environment: staging }
                phases:
                  - name: P
                    steps:
                      - { id: go, title: Go, gate: { roles: [DBA, DBA], question: "Go?" } }
                """)).extracting(RunbookProblem::message).contains("a role is listed twice");
        assertThat(onlyProblem("""
                runbook: T
                target: { environment: staging }
                phases:
                  - name: P
                    steps:
                      - { id: go, title: Go, gate: { roles: [DBA] } }
                """).message()).contains("missing 'question'");
    }

    @Test
    void aGateSpecRefusesWhatCouldOpenAPhaseWithoutEveryone() {
        CheckSpec.Meta meta = new CheckSpec.Meta(null, null, null);
        assertThatThrownBy(() -> new CheckSpec.Gate(meta, List.of(), "Go?")).hasMessageContaining("at least one role");
        assertThatThrownBy(() -> new CheckSpec.Gate(meta, List.of("DBA", "DBA"), "Go?")).hasMessageContaining("once");
        assertThatThrownBy(() -> new CheckSpec.Gate(meta, List.of("DBA"), " ")).hasMessageContaining("question");
    }
}
