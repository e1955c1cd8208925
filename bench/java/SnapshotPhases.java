import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.CatalogReader;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.db.RowCounter;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.session.Journal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The phases of a snapshot in one fresh JVM, as the snapshot check runs them: the pool opened, the counts and the
 * catalog kinds read side by side in one exported snapshot, the parts merged, the snapshot written as the journal
 * writes it (twice: cold, then warm) and read back. Prints wall time, the main thread's CPU and the whole
 * process's CPU (JIT compiler and GC threads included) of each; CPU moves much less with the machine's load.
 *
 * <pre>java -cp 'target/runbook-pilot.jar:target/lib/*:CLASSES' SnapshotPhases JDBC_URL [schema] [counts]</pre>
 */
public final class SnapshotPhases {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static long wall;
    private static long thread;
    private static long process;

    public static void main(String[] args) throws Exception {
        String schema = args.length > 1 ? args[1] : "public";
        boolean counts = args.length > 2 && args[2].equals("counts");
        start();
        Database db = Database.open(args[0], new Properties(), 8, Duration.ofSeconds(5));
        lap("pool opened");
        ExecutorService workers = Executors.newFixedThreadPool(6);
        RowCounter.Counts<List<SchemaSnapshot>> read = RowCounter.count(db, schema, counts ? null : List.of(),
                List.of(), workers, 6, new CancelToken(), Duration.ofMinutes(5), CatalogReader.parallelReads(schema));
        lap(counts ? "counts and catalog read" : "catalog read");
        SchemaSnapshot snapshot = CatalogReader.merge(schema, read.inSnapshot());
        lap("merged, " + snapshot.objects().size() + " objects");
        String json = Journal.JSON.writeValueAsString(snapshot);
        lap("JSON written, " + json.length() + " chars");
        Journal.JSON.writeValueAsString(snapshot);
        lap("JSON written again");
        SchemaSnapshot back = Journal.JSON.readValue(json, SchemaSnapshot.class);
        lap("JSON read back" + (back.equals(snapshot) ? "" : " DIFFERENT"));
        workers.shutdown();
        db.close();
        System.exit(0);
    }

    private static void start() {
        wall = System.nanoTime();
        thread = THREADS.getCurrentThreadCpuTime();
        process = OS.getProcessCpuTime();
    }

    private static void lap(String what) {
        System.out.printf("%-32s wall %,7d ms   main thread CPU %,6d ms   process CPU %,6d ms   load %.1f%n", what,
                (System.nanoTime() - wall) / 1_000_000, (THREADS.getCurrentThreadCpuTime() - thread) / 1_000_000,
                (OS.getProcessCpuTime() - process) / 1_000_000, OS.getSystemLoadAverage());
        start();
    }
}
