import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@link ShownProbe} that also says what the window cost: when a window whose title matches {@code -Dprobe.title}
 * shows (after one more pulse), it prints, and then exits:
 * <pre>CPUMS fx=FX_THREAD_CPU process=PROCESS_CPU uptime=MS classes=LOADED | THREAD=CPU ...</pre>
 * (milliseconds; the threads listed are the live ones over 20 ms; the process's CPU includes exited threads, the JIT
 * compiler and GC) and, with {@code -Dprobe.nodes=true}, {@code NODES TOTAL {Type=count, ...}} of the window's scene.
 * Used for ADR 0047's figures (docs/benchmarks.md, fifth round): CPU time and class counts move far less with the
 * machine's load than wall time does.
 *
 * <p>Usage: {@code java -cp ...:bench-classes -Dprobe.title=REGEX CpuProbe MAIN_CLASS ARGS...}
 */
public final class CpuProbe {
    private static volatile boolean found;

    public static void main(String[] args) throws Exception {
        Pattern title = Pattern.compile(System.getProperty("probe.title", ".*"));
        Thread watcher = new Thread(() -> watch(title), "cpu-probe");
        watcher.setDaemon(true);
        watcher.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        main.invoke(null, (Object) rest);
    }

    private static void watch(Pattern title) {
        while (!found) {
            try {
                Platform.runLater(() -> {
                    for (Window w : Window.getWindows()) {
                        if (!found && w.isShowing() && w instanceof Stage s && s.getTitle() != null
                                && title.matcher(s.getTitle()).matches()) {
                            found = true;
                            Platform.runLater(() -> {
                                System.out.println("SHOWN " + s.getTitle());
                                System.out.println(cpu());
                                if (Boolean.getBoolean("probe.nodes")) System.out.println(nodes(s.getScene().getRoot()));
                                System.out.flush();
                                new Thread(() -> System.exit(0), "cpu-probe-exit").start();
                            });
                            return;
                        }
                    }
                });
            } catch (IllegalStateException toolkitNotStarted) {
                // The FX toolkit is not up yet: try again shortly.
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Runs on the FX thread: its own CPU time is the current thread's. */
    private static String cpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StringBuilder each = new StringBuilder();
        for (long id : threads.getAllThreadIds()) {
            long ns = threads.getThreadCpuTime(id);
            ThreadInfo info = threads.getThreadInfo(id);
            if (info != null && ns > 20_000_000) {
                each.append(' ').append(info.getThreadName().replace(' ', '_')).append('=').append(ns / 1_000_000);
            }
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return "CPUMS fx=" + threads.getCurrentThreadCpuTime() / 1_000_000
                + " process=" + os.getProcessCpuTime() / 1_000_000
                + " uptime=" + ManagementFactory.getRuntimeMXBean().getUptime()
                + " classes=" + ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount() + " |" + each;
    }

    private static String nodes(Parent root) {
        Map<String, Integer> byType = new TreeMap<>();
        int total = count(root, byType);
        return "NODES " + total + " " + byType;
    }

    private static int count(Node node, Map<String, Integer> byType) {
        byType.merge(node.getClass().getSimpleName(), 1, Integer::sum);
        int n = 1;
        if (node instanceof Parent p) {
            for (Node child : p.getChildrenUnmodifiable()) n += count(child, byType);
        }
        return n;
    }
}
