package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.SessionState;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The clock strip on a controlled clock: time left, budgets with their 80 % warning and overrun, the rehearsed rest. */
class ClockViewModelTest {
    private static final Instant T0 = Instant.parse("2026-12-05T02:00:00Z");

    /** A clock the test moves by hand. */
    static final class ControlledClock extends Clock {
        Instant now;

        ControlledClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final Runbook RUNBOOK = runbook();

    private static Runbook runbook() {
        try {
            return RunbookLoader.parse("""
                    runbook: Clock
                    target: { environment: staging }
                    window: { start: "2026-12-05T02:00:00Z", duration: 1h }
                    phases:
                      - name: Prepare
                        budget: 10m
                        steps:
                          - id: a
                            title: A
                            budget: 2m
                            checks:
                              - query: { sql: "SELECT 1", expect: "= 1" }
                          - id: b
                            title: B
                            budget: 5m
                            checks:
                              - query: { sql: "SELECT 1", expect: "= 1" }
                      - name: Verify
                        steps:
                          - id: c
                            title: C
                            checks:
                              - query: { sql: "SELECT 1", expect: "= 1" }
                    """, Path.of("runbook.yaml"), "0");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final List<JournalEvent> events = new ArrayList<>(List.of(new JournalEvent.Started("s", "runbook.yaml",
            "0", "Clock", null, "staging", null, List.of(), null, null, "ada", "dev", T0)));

    private void passed(String step, Instant started, Instant finished) {
        events.add(new JournalEvent.CheckStarted(step, 0, started));
        events.add(new JournalEvent.CheckFinished(new CheckResult(step, 0, "query", "q", Status.PASSED, "= 1", "1",
                "SELECT 1", Duration.between(started, finished).toMillis(), null, null, null, started, finished),
                finished));
    }

    private SessionState state() {
        return SessionState.replay(events);
    }

    private static Step step(String id) {
        return RUNBOOK.step(id).orElseThrow();
    }

    @Test
    void theWindowCountsDownWarnsAtEightyPercentAndSaysWhenItIsOver() {
        ControlledClock clock = new ControlledClock(T0.plus(Duration.ofMinutes(30)));
        ClockViewModel vm = new ClockViewModel(clock);
        vm.update(RUNBOOK, state(), step("a"));
        assertThat(vm.windowProperty().get().text()).isEqualTo("30:00 left in the window (of 1:00:00)");
        assertThat(vm.windowProperty().get().level()).isEqualTo(ClockViewModel.Level.NORMAL);

        clock.advance(Duration.ofMinutes(18));
        vm.update(RUNBOOK, state(), step("a"));
        assertThat(vm.windowProperty().get().text()).startsWith("12:00 left");
        assertThat(vm.windowProperty().get().level()).isEqualTo(ClockViewModel.Level.WARNING);

        clock.advance(Duration.ofMinutes(17));
        vm.update(RUNBOOK, state(), step("a"));
        assertThat(vm.windowProperty().get().text()).isEqualTo("Window over by 5:00 (of 1:00:00)");
        assertThat(vm.windowProperty().get().level()).isEqualTo(ClockViewModel.Level.OVERRUN);
    }

    @Test
    void beforeTheWindowOpensItSaysWhen() {
        ClockViewModel vm = new ClockViewModel(new ControlledClock(T0.minus(Duration.ofMinutes(7))));
        vm.update(RUNBOOK, state(), step("a"));
        assertThat(vm.windowProperty().get().text()).isEqualTo("Window opens in 7:00");
    }

    @Test
    void theCurrentStepRunsFromTheEndOfTheOneBeforeAndWarnsThenOverruns() {
        passed("a", T0.plusSeconds(10), T0.plusSeconds(60));
        ControlledClock clock = new ControlledClock(T0.plusSeconds(60 + 4 * 60));
        ClockViewModel vm = new ClockViewModel(clock);

        assertThat(vm.update(RUNBOOK, state(), step("b"))).as("nothing over budget yet").isFalse();
        assertThat(vm.stepProperty().get()).isEqualTo(new ClockViewModel.Gauge("Step: 4:00 of 5:00",
                ClockViewModel.Level.WARNING));
        assertThat(vm.phaseProperty().get().text()).isEqualTo("Phase Prepare: 5:00 of 10:00");
        assertThat(vm.phaseProperty().get().level()).isEqualTo(ClockViewModel.Level.NORMAL);

        clock.advance(Duration.ofSeconds(90));
        assertThat(vm.update(RUNBOOK, state(), step("b"))).as("an overrun the journal does not hold").isTrue();
        assertThat(vm.stepProperty().get()).isEqualTo(new ClockViewModel.Gauge("Step: 5:30 of 5:00, over by 0:30",
                ClockViewModel.Level.OVERRUN));

        events.add(new JournalEvent.Overrun("step:b", "B", 300_000, 330_000, clock.instant()));
        assertThat(vm.update(RUNBOOK, state(), step("b"))).as("journaled once, not asked for again").isFalse();

        // A finished step keeps the time it took, whatever the clock says now.
        assertThat(vm.update(RUNBOOK, state(), step("a"))).isFalse();
        assertThat(vm.stepProperty().get().text()).isEqualTo("Step: 1:00 of 2:00");
    }

    @Test
    void aStepWithoutABudgetShowsItsTimeOnly() {
        passed("a", T0, T0.plusSeconds(10));
        passed("b", T0.plusSeconds(10), T0.plusSeconds(20));
        ClockViewModel vm = new ClockViewModel(new ControlledClock(T0.plusSeconds(80)));
        vm.update(RUNBOOK, state(), step("c"));
        assertThat(vm.stepProperty().get().text()).isEqualTo("Step: 1:00 (no budget)");
        assertThat(vm.phaseProperty().get().text()).isEqualTo("Phase Verify: 1:00 (no budget)");
    }

    @Test
    void theRehearsedRestSaysWhetherItStillFits() {
        passed("a", T0, T0.plusSeconds(60));
        ControlledClock clock = new ControlledClock(T0.plus(Duration.ofMinutes(50)));
        ClockViewModel vm = new ClockViewModel(clock);
        vm.update(RUNBOOK, state(), step("b"));
        assertThat(vm.restProperty().get().text()).as("no rehearsal, no line").isEmpty();

        // Step a is done: only b and c are left; planned at 1.5 times the rehearsal, rounded up to seconds.
        vm.rehearsed(Map.of("a", 600_000L, "b", 120_000L, "c", 60_000L));
        vm.update(RUNBOOK, state(), step("b"));
        assertThat(vm.restProperty().get()).isEqualTo(new ClockViewModel.Gauge(
                "Rest as rehearsed: 3:00 (plan 4:30): fits", ClockViewModel.Level.NORMAL));

        clock.advance(Duration.ofMinutes(6));
        vm.update(RUNBOOK, state(), step("b"));
        assertThat(vm.restProperty().get()).isEqualTo(new ClockViewModel.Gauge(
                "Rest as rehearsed: 3:00 (plan 4:30): does not fit in the 4:00 left", ClockViewModel.Level.OVERRUN));
    }

    @Test
    void anEndedSessionAsksToJournalNothing() {
        events.add(new JournalEvent.Ended("ada", T0.plusSeconds(30)));
        ClockViewModel vm = new ClockViewModel(new ControlledClock(T0.plus(Duration.ofHours(3))));
        assertThat(vm.update(RUNBOOK, state(), step("a"))).isFalse();
        assertThat(vm.windowProperty().get().text()).as("the window as it stood at the end").startsWith("59:30 left");
    }
}
