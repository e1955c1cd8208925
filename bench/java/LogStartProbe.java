import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The logging start as the thread that waits for it pays: main-thread CPU of the first {@code LoggerFactory.getLogger}
 * (SLF4J finds its provider, Logback configures itself) and of the first INFO line. Run on a build's class path with
 * {@code RUNBOOK_PILOT_HOME} set, so the line goes to a throw-away log.
 */
public final class LogStartProbe {
    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("probe");
        long c1 = mx.getCurrentThreadCpuTime(), t1 = System.nanoTime();
        log.info("probe line");
        long c2 = mx.getCurrentThreadCpuTime(), t2 = System.nanoTime();
        System.out.printf("configure: cpu %.0f ms wall %.0f ms; first line: cpu %.0f ms wall %.0f ms%n",
                (c1 - c0) / 1e6, (t1 - t0) / 1e6, (c2 - c1) / 1e6, (t2 - t1) / 1e6);
    }
}
