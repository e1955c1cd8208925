package dev.runbookpilot.session;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.ServerInfo;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SessionStateTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final ServerInfo SERVER = new ServerInfo("db", 5432, "shop", "dba", "15.15", 150015, "1", false,
            null);
    private static final JournalEvent.Connection CONNECTION = new JournalEvent.Connection("db", 5432, "shop", "dba",
            null, false, null);

    @Test
    void aRehearsedLineInARealWindowsJournalSatisfiesNoManualCheckOrSignOff() {
        SessionState real = SessionState.replay(List.of(started(),
                new JournalEvent.Rehearsed("confirm", 0, "mallory", T0.plusSeconds(1)),
                new JournalEvent.Rehearsed("signoff", 0, "mallory", T0.plusSeconds(2))));

        assertThat(real.status("confirm", 0, "manual", List.of())).isEqualTo(Status.PENDING);
        assertThat(real.status("signoff", 0, "signoff", List.of("DBA"))).isEqualTo(Status.PENDING);
    }

    @Test
    void aRehearsalsJournalRecordsItsManualChecksAsRehearsed() {
        SessionState rehearsal = SessionState.replay(List.of(
                new JournalEvent.RehearsalPlanned("s-1", "00", "embedded", "shop", null, "full", CONNECTION, SERVER,
                        "alice", T0),
                started(),
                new JournalEvent.Rehearsed("confirm", 0, "alice", T0.plusSeconds(1))));

        assertThat(rehearsal.status("confirm", 0, "manual", List.of())).isEqualTo(Status.REHEARSED);
    }

    private static JournalEvent.Started started() {
        return new JournalEvent.Started("s-1", "runbook.yaml", "00", "Shop", "1", "production", "shop", List.of(),
                CONNECTION, SERVER, "alice", "test", T0);
    }
}
