package dev.runbookpilot.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An owner is recognised by what no clock step changes: a JVM started after NTP or a VM's clock sync stepped the
 * wall clock sees every earlier process's start instant elsewhere, by up to a second.
 */
class DataDirOwnerTest {

    @TempDir
    Path dir;

    @Test
    void aLiveOwnerWhoseRecordedStartInstantIsASecondOffIsStillAliveByItsStartTicks() throws Exception {
        Process owner = new ProcessBuilder("sleep", "60").start();
        try {
            DataDirOwner seen = DataDirOwner.of(owner.toHandle());
            assertThat(seen.ticks()).as("Linux shows the start ticks").isNotNull();
            // What a JVM started before a clock step recorded, as a JVM started after it sees the same process.
            Files.writeString(dir.resolve(DataDirOwner.FILE), "pid=" + seen.pid() + "\nstarted="
                    + seen.started().plusSeconds(1) + "\nticks=" + seen.ticks() + "\n");

            assertThat(DataDirOwner.of(dir).orElseThrow().alive()).isTrue();
        } finally {
            owner.destroyForcibly();
        }
    }

    @Test
    void aProcessThatReusedTheOwnersPidIsDeadByItsTicksEvenAtTheSameInstant() {
        DataDirOwner me = DataDirOwner.current();
        assertThat(me.alive()).isTrue();
        assertThat(new DataDirOwner(me.pid(), me.started(), me.ticks() + 1).alive()).isFalse();
        assertThat(new DataDirOwner(me.pid(), me.started(), me.ticks() + 1).isCurrent()).isFalse();
    }

    @Test
    void aRecordFromBeforeTheTicksComparesItsInstantWithinSeconds() throws Exception {
        DataDirOwner me = DataDirOwner.current();
        Files.writeString(dir.resolve(DataDirOwner.FILE), "pid=" + me.pid() + "\nstarted="
                + me.started().minusMillis(40) + "\n");
        assertThat(DataDirOwner.of(dir).orElseThrow().alive()).as("a 40 ms clock step").isTrue();

        Files.writeString(dir.resolve(DataDirOwner.FILE), "pid=" + me.pid() + "\nstarted="
                + me.started().minus(Duration.ofHours(1)) + "\n");
        assertThat(DataDirOwner.of(dir).orElseThrow().alive()).as("another process on that pid").isFalse();
    }

    @Test
    void theStartTicksAreReadAfterACommandNameWithSpacesAndParentheses() throws Exception {
        // The kernel names a process after the file it executed: a link to sleep named like the end of field 2.
        Path sleep = Path.of("/bin/sleep").toRealPath();
        Path odd = Files.createSymbolicLink(dir.resolve("x) 1 2 (y"), sleep);
        long before = DataDirOwner.startTicks(ProcessHandle.current().pid()).orElseThrow();
        Process p = new ProcessBuilder(odd.toString(), "60").start();
        try {
            assertThat(Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"))).contains("(x) 1 2 (y)");
            Thread.sleep(20);
            Process later = new ProcessBuilder("sleep", "60").start();
            try {
                long ticks = DataDirOwner.startTicks(p.pid()).orElseThrow();
                assertThat(ticks).isBetween(before, DataDirOwner.startTicks(later.pid()).orElseThrow());
                assertThat(DataDirOwner.of(p.toHandle()).alive()).isTrue();
            } finally {
                later.destroyForcibly();
            }
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aNameTagCarriesTheTicksAndAnOlderTagIsStillRead() {
        DataDirOwner me = DataDirOwner.current();
        String building = "shop-1.building-by-" + me.tag() + "-" + UUID.randomUUID();
        DataDirOwner named = DataDirOwner.fromTag(building, ".building-by-").orElseThrow();
        assertThat(named.ticks()).isEqualTo(me.ticks());
        assertThat(named.alive()).isTrue();
        assertThat(named.isCurrent()).isTrue();
        // Written before the ticks: PID-MILLIS-UUID, a UUID that may begin with digits.
        String older = "shop-1.building-by-" + me.pid() + "-" + me.started().toEpochMilli() + "-12345678-aaaa";
        assertThat(DataDirOwner.fromTag(older, ".building-by-"))
                .contains(new DataDirOwner(me.pid(), Instant.ofEpochMilli(me.started().toEpochMilli()), null));
    }
}
