package dev.runbookpilot.runbook;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A spec built without the loader (by the importer, a test, a future editor) must not be able to pass without
 * proving anything: the records themselves refuse what the loader reports as a problem.
 */
class CheckSpecInvariantsTest {
    private static final CheckSpec.Meta META = new CheckSpec.Meta(null, null, null);

    @Test
    void rejectsWithNeitherSqlstateNorMessageIsRefused() {
        assertThatThrownBy(() -> new CheckSpec.Statement(META, true, null, "DELETE FROM t", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sqlstate or message");
        assertThatCode(() -> new CheckSpec.Statement(META, true, null, "DELETE FROM t", "42501", null))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new CheckSpec.Statement(META, false, null, "SELECT 1", "42501", null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void activityWithNoLimitIsRefused() {
        assertThatThrownBy(() -> new CheckSpec.Activity(META, null, null, Duration.ofMinutes(5), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a limit");
        assertThatThrownBy(() -> new CheckSpec.Activity(META, -1, null, Duration.ofMinutes(5), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckSpec.Activity(META, null, 0, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void objectCheckThatLooksForNothingIsRefused() {
        assertThatThrownBy(() -> new CheckSpec.CatalogObjects(META, ObjectKind.TABLES, null, null, List.of(),
                List.of(), null, null, Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckSpec.CatalogObjects(META, ObjectKind.COLUMNS, null, null,
                List.of(new CheckSpec.ObjectSpec("id", Map.of())), List.of(), null, null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checksWithoutTheirSqlOrExpectationAreRefused() {
        assertThatThrownBy(() -> new CheckSpec.Query(META, " ", Expectation.parse("= 1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckSpec.Query(META, "SELECT 1", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CheckSpec.Explain(META, "SELECT 1", CheckSpec.PlanExpectation.MAX_COST, null,
                null, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckSpec.Explain(META, "", CheckSpec.PlanExpectation.NO_SEQ_SCAN, "t",
                null, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckSpec.RowCounts(META, null, List.of(), Map.of(), List.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckSpec.SchemaDiff(META, "", List.of(), List.of(), List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckSpec.Snapshot(META, null, List.of(), true, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckSpec.Manual(META, "", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckSpec.Signoff(META, List.of("DBA", " ")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckSpec.Meta(null, Duration.ofSeconds(-1), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> new CheckSpec.Execute(META, Path.of("m.sql"), true, List.of()))
                .doesNotThrowAnyException();
    }
}
