import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/** The reference for start-up time: the smallest JavaFX window, on the same JVM, jars and display. */
public final class HelloFx extends Application {
    @Override
    public void start(Stage stage) {
        stage.setTitle("Hello");
        stage.setScene(new Scene(new StackPane(new Label("Hello, world")), 1280, 800));
        stage.show();
    }

    public static void main(String[] args) {
        launch(args);
    }
}
