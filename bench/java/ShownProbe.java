import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Runs another program's main method in this JVM and exits the moment one of its windows is showing with a title
 * that matches {@code -Dprobe.title} (a regular expression, default: any), after one more pulse so the window has
 * been laid out and drawn once. The benchmark times from launching the JVM to the line {@code SHOWN} this prints.
 *
 * <p>What the window cost, on request, printed after {@code SHOWN} (CPU time and class counts move far less with
 * the machine's load than wall time does; ADR 0047's figures):
 * <ul>
 *   <li>{@code -Dprobe.cpu=true}: {@code CPUMS fx=FX_THREAD_CPU process=PROCESS_CPU uptime=MS classes=LOADED |
 *       THREAD=CPU ...} (milliseconds; the live threads over 20 ms; the process's CPU includes exited threads, the
 *       JIT compiler and GC);</li>
 *   <li>{@code -Dprobe.nodes=true}: {@code NODES TOTAL {Type=count, ...}} of the window's scene.</li>
 *   <li>{@code -Dprobe.after=SELECTOR}: after those, waits for a node matching the CSS selector to be in the
 *       scene when a pulse has laid it out, and prints {@code AFTER SELECTOR uptime=MS} and the {@code CPUMS} line
 *       (if asked for) again: what a view built after its first frame (the start screen's sessions table, ADR 0053)
 *       costs until it is all there.</li>
 * </ul>
 *
 * <p>Usage: {@code java -cp ...:bench-classes -Dprobe.title=REGEX [-Dprobe.cpu=true] ShownProbe MAIN_CLASS ARGS...}
 */
public final class ShownProbe {
    private static volatile boolean found;

    public static void main(String[] args) throws Exception {
        Pattern title = Pattern.compile(System.getProperty("probe.title", ".*"));
        Thread watcher = new Thread(() -> watch(title), "shown-probe");
        watcher.setDaemon(true);
        watcher.start();
        runMain(args);
    }

    /** Runs {@code args[0]}'s main with the rest of the arguments, in this JVM (the other probes use it too). */
    static void runMain(String[] args) throws Exception {
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    private static void watch(Pattern title) {
        while (!found) {
            try {
                Platform.runLater(() -> {
                    for (Window w : Window.getWindows()) {
                        if (!found && w.isShowing() && w instanceof Stage s && s.getTitle() != null
                                && title.matcher(s.getTitle()).matches()) {
                            found = true;
                            // One more pulse: the scene has been laid out and rendered at least once.
                            Platform.runLater(() -> {
                                System.out.println("SHOWN " + s.getTitle());
                                if (Boolean.getBoolean("probe.cpu")) System.out.println(cpu());
                                if (Boolean.getBoolean("probe.nodes")) System.out.println(nodes(s.getScene().getRoot()));
                                System.out.flush();
                                String after = System.getProperty("probe.after");
                                if (after == null) exit();
                                else awaitLaidOut(s.getScene(), after);
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

    /** Exits off the FX thread so shutdown hooks (the demo's server) can run. */
    private static void exit() {
        new Thread(() -> System.exit(0), "shown-probe-exit").start();
    }

    /** On the FX thread: exits after the first pulse that has laid out a node matching {@code selector}. */
    private static void awaitLaidOut(javafx.scene.Scene scene, String selector) {
        boolean[] done = new boolean[1];
        scene.addPostLayoutPulseListener(() -> {
            if (done[0] || scene.lookup(selector) == null) return;
            done[0] = true;
            Platform.runLater(() -> {
                System.out.println("AFTER " + selector + " uptime=" + ManagementFactory.getRuntimeMXBean().getUptime());
                if (Boolean.getBoolean("probe.cpu")) System.out.println(cpu());
                System.out.flush();
                exit();
            });
        });
        Platform.requestNextPulse();
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
