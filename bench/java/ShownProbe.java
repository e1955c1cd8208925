import javafx.application.Platform;
import javafx.stage.Window;

import java.lang.reflect.Method;
import java.util.regex.Pattern;

/**
 * Runs another program's main method in this JVM and exits the moment one of its windows is showing with a title
 * that matches {@code -Dprobe.title} (a regular expression, default: any), after one more pulse so the window has
 * been laid out and drawn once. The benchmark times from launching the JVM to the line {@code SHOWN} this prints.
 *
 * <p>Usage: {@code java -cp ...:bench-classes -Dprobe.title=REGEX ShownProbe MAIN_CLASS ARGS...}
 */
public final class ShownProbe {
    private static volatile boolean found;

    public static void main(String[] args) throws Exception {
        Pattern title = Pattern.compile(System.getProperty("probe.title", ".*"));
        Thread watcher = new Thread(() -> watch(title), "shown-probe");
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
                        if (!found && w.isShowing() && w instanceof javafx.stage.Stage s && s.getTitle() != null
                                && title.matcher(s.getTitle()).matches()) {
                            found = true;
                            // One more pulse: the scene has been laid out and rendered at least once.
                            Platform.runLater(() -> {
                                System.out.println("SHOWN " + s.getTitle());
                                System.out.flush();
                                // Exit off the FX thread so shutdown hooks (the demo's server) can run.
                                new Thread(() -> System.exit(0), "shown-probe-exit").start();
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
}
