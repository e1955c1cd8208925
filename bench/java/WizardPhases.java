import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The phases of {@code gui --demo RUNBOOK} in one JVM: when the first window is laid out, when a window titled as a
 * wizard ({@code Runbook Pilot — …}) is laid out, and when the connected wizard ({@code WizardView} as the scene's
 * root) has had its first CSS pass and layout. At each it prints the JVM's uptime, the CPU the FX thread has used
 * and the CPU of the whole process (JIT and GC threads included); CPU moves much less with the machine's load than
 * wall time does, and the FX thread's CPU between "target" and "wizard laid out" is the wizard's first frame.
 *
 * <pre>java -cp 'target/runbook-pilot.jar:target/lib/*:CLASSES' WizardPhases dev.runbookpilot.cli.Main gui --demo RUNBOOK</pre>
 */
public final class WizardPhases {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static volatile boolean done;
    private static boolean window;
    private static boolean titled;
    private static boolean target;

    public static void main(String[] args) throws Exception {
        Thread watcher = new Thread(WizardPhases::watch, "wizard-phases");
        watcher.setDaemon(true);
        watcher.start();
        ShownProbe.runMain(args);
    }

    private static void watch() {
        while (!done) {
            try {
                Platform.runLater(WizardPhases::look);
            } catch (IllegalStateException toolkitNotStarted) {
                // Not up yet.
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** On the FX thread: hooks the first post-layout pulse of each phase. */
    private static void look() {
        for (Window w : Window.getWindows()) {
            if (!(w instanceof Stage s) || !s.isShowing() || s.getScene() == null) continue;
            Scene scene = s.getScene();
            if (!window) {
                window = true;
                afterLayout(scene, "window laid out (" + scene.getRoot().getClass().getSimpleName() + ")", false);
            }
            if (!titled && s.getTitle() != null && s.getTitle().startsWith("Runbook Pilot — ")) {
                titled = true;
                afterLayout(scene, "wizard title laid out (" + scene.getRoot().getClass().getSimpleName() + ")",
                        false);
            }
            if (!target && scene.getRoot().getClass().getSimpleName().equals("WizardView")) {
                target = true;
                print("target arrived, WizardView is the root");
                afterLayout(scene, "connected wizard laid out", true);
                countAfterLayout(scene);
            }
        }
    }

    private static void afterLayout(Scene scene, String what, boolean last) {
        Runnable[] once = new Runnable[1];
        once[0] = () -> {
            scene.removePostLayoutPulseListener(once[0]);
            print(what);
            if (last) {
                done = true;
                new Thread(() -> System.exit(0), "wizard-phases-exit").start();
            }
        };
        scene.addPostLayoutPulseListener(once[0]);
    }

    /** The scene graph of the wizard's first frame: every node, and the controls among them (each has a skin). */
    private static void countAfterLayout(Scene scene) {
        Runnable[] once = new Runnable[1];
        once[0] = () -> {
            scene.removePostLayoutPulseListener(once[0]);
            int[] counts = new int[2];
            count(scene.getRoot(), counts);
            System.out.printf("NODES %d nodes, %d controls in the first frame of the connected wizard; %d classes"
                    + " loaded%n", counts[0], counts[1],
                    ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
        };
        scene.addPostLayoutPulseListener(once[0]);
    }

    private static void count(javafx.scene.Node n, int[] counts) {
        counts[0]++;
        if (n instanceof javafx.scene.control.Control) counts[1]++;
        if (n instanceof javafx.scene.Parent p) for (javafx.scene.Node c : p.getChildrenUnmodifiable()) count(c, counts);
    }

    private static void print(String what) {
        System.out.printf("PHASE %-50s uptime %6d ms, FX thread CPU %6d ms, process CPU %6d ms%n", what,
                ManagementFactory.getRuntimeMXBean().getUptime(), THREADS.getCurrentThreadCpuTime() / 1_000_000,
                OS.getProcessCpuTime() / 1_000_000);
        System.out.flush();
    }
}
