package dev.runbookpilot.db;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How another session's query and a lock mode are written into the journal and the report. */
class LocksTest {

    @Test
    void aBlockersQueryNeverCarriesAPasswordIntoTheReport() {
        assertThat(Locks.redact("ALTER ROLE app PASSWORD 's3cr''et'; SELECT 1"))
                .isEqualTo("ALTER ROLE app PASSWORD '*****'; SELECT 1");
        assertThat(Locks.redact("create user x with password 'hunter2' valid until 'infinity'"))
                .isEqualTo("create user x with password '*****' valid until 'infinity'");
        // Cut at 200 characters in the middle of the secret: still masked.
        assertThat(Locks.redact("ALTER USER app PASSWORD 'abcdefgh")).isEqualTo("ALTER USER app PASSWORD '*****'");
        assertThat(Locks.redact("SELECT * FROM orders")).isEqualTo("SELECT * FROM orders");
    }

    @Test
    void modesReadAsDbasWriteThemAndRankByStrength() {
        assertThat(Locks.words("AccessExclusiveLock")).isEqualTo("ACCESS EXCLUSIVE");
        assertThat(Locks.words("ShareRowExclusiveLock")).isEqualTo("SHARE ROW EXCLUSIVE");
        assertThat(Locks.strength("AccessExclusiveLock")).isGreaterThan(Locks.strength("ShareLock"));
        assertThat(Locks.strength("RowExclusiveLock")).isGreaterThan(Locks.strength("AccessShareLock"));
    }
}
