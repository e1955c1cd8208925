package dev.runbookpilot.ui;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.runbookpilot.io.AtomicWrite;
import javafx.geometry.Rectangle2D;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The window's look as the operator left it, in {@code <workspace>/config/window.json}: the theme and the window's
 * size (or that it was maximised). Read and written on a worker thread; a file it cannot read is ignored.
 *
 * @param width  null when never resized (the window then opens at its default size)
 */
record WindowPreferences(boolean dark, Double width, Double height, boolean maximized) {
    private static final Logger log = LoggerFactory.getLogger(WindowPreferences.class);
    /**
     * Jackson's ~400 classes load with the first read, on the worker: the window calls {@link #smallScreen} on the
     * FX thread before it is shown, and a mapper in this record's own static fields was built right there.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Below this a window of the default 1280x800 would not fit with its decorations: it opens maximised. */
    static boolean smallScreen(Rectangle2D visual) {
        return visual.getWidth() < 1280 || visual.getHeight() < 800;
    }

    static WindowPreferences read(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return Json.MAPPER.readValue(file.toFile(), WindowPreferences.class);
        } catch (IOException e) {
            log.warn("ignoring the unreadable window preferences {}: {}", file, e.getMessage());
            return null;
        }
    }

    void write(Path file) {
        try {
            AtomicWrite.writeString(file, Json.MAPPER.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            log.warn("cannot remember the window's theme and size in {}: {}", file, e.getMessage());
        }
    }
}
