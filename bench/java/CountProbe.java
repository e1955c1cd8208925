import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.CatalogReader;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.db.RowCounter;
import dev.runbookpilot.db.SchemaSnapshot;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One snapshot's counts and catalog read, as the snapshot check makes them, in a fresh JVM whose pool has had
 * {@code waitMs} to open its connections: the wall time of the count, the client's CPU during it, and the server's
 * CPU (the postmaster's reaped backends, read from /proc on a local server as bench.py reads it; it includes the
 * pool's backends' start, as they are reaped only when the pool closes). Either part can be left out to split them.
 *
 * <pre>java -cp 'target/runbook-pilot.jar:target/lib/*:CLASSES' CountProbe JDBC_URL POSTMASTER_PID workers
 *     reads(yes|no) counts(yes|no) waitMs</pre>
 */
public final class CountProbe {
    public static void main(String[] a) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int workers = Integer.parseInt(a[2]);
        boolean reads = a[3].equals("yes");
        boolean counts = a[4].equals("yes");
        long server0 = serverCpu(a[1]);
        // The pool the app opens for this many count workers: workers + 2 (Session's countParallelism).
        Database db = Database.open(a[0], new Properties(), workers + 2, Duration.ofSeconds(5));
        Thread.sleep(Long.parseLong(a[5]));
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        RowCounter.Counts<List<SchemaSnapshot>> r = RowCounter.count(db, "public", counts ? null : List.of(),
                List.of(), pool, workers, new CancelToken(), Duration.ofMinutes(5),
                reads ? CatalogReader.parallelReads("public") : List.<RowCounter.Read<SchemaSnapshot>>of());
        long wall = (System.nanoTime() - t0) / 1_000_000;
        long cpu = (os.getProcessCpuTime() - cpu0) / 1_000_000;
        db.close();
        pool.shutdown();
        Thread.sleep(300); // the postmaster reaps the closed backends
        System.out.printf("%d workers, reads %s, counts %s (%d tables): wall %,d ms, client CPU %,d ms, server CPU %,d ms,"
                + " load %.1f%n", workers, a[3], a[4], r.counts().size(), wall, cpu, serverCpu(a[1]) - server0,
                os.getSystemLoadAverage());
        System.exit(0);
    }

    /** The postmaster's children's CPU so far (cutime + cstime), ms; assumes 100 clock ticks a second. */
    private static long serverCpu(String postmasterPid) throws Exception {
        String[] f = Files.readString(Path.of("/proc/" + postmasterPid + "/stat")).split("\\)")[1].trim().split(" ");
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10;
    }
}
