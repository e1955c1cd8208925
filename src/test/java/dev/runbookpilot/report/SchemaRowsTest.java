package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckDetail.SchemaChange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaRowsTest {
    private static SchemaChange added(String object, String after, boolean declared) {
        return new SchemaChange("added", object, null, after, declared, true);
    }

    @Test
    void theColumnsATableGainedShareOneRowWithANameAndDefinitionEach() {
        List<SchemaRows.Row> rows = SchemaRows.of(List.of(
                added("column:orders.id", "type bigint", true),
                added("column:orders.total", "type numeric", true),
                new SchemaChange("removed", "column:orders.legacy", "type text", null, true, true)));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).heading()).isEqualTo("2 columns of orders");
        assertThat(rows.get(0).members()).containsExactly(new SchemaRows.Member("id", "type bigint"),
                new SchemaRows.Member("total", "type numeric"));
        // A lone change keeps its full name: a group of one would say less.
        assertThat(rows.get(1).grouped()).isFalse();
        assertThat(rows.get(1).heading()).isEqualTo("column:orders.legacy");
    }

    @Test
    void aChangeNobodyDeclaredIsNeverFoldedIntoTheDeclaredOnes() {
        List<SchemaRows.Row> rows = SchemaRows.of(List.of(
                added("column:orders.id", "type bigint", true),
                added("column:orders.backdoor", "type text", false),
                added("column:orders.total", "type numeric", true)));
        assertThat(rows).extracting(SchemaRows.Row::heading)
                .containsExactly("2 columns of orders", "column:orders.backdoor");
        assertThat(rows.get(1).change().expected()).isFalse();
    }

    @Test
    void aNameThatCouldSplitTwoWaysOrAChangedObjectStandsAlone() {
        List<SchemaRows.Row> rows = SchemaRows.of(List.of(
                added("column:a.b.c", "type int", true),
                added("column:a.b.d", "type int", true),
                new SchemaChange("changed", "column:t.x", "type int", "type bigint", true, true),
                new SchemaChange("changed", "column:t.y", "type int", "type bigint", true, true),
                added("index:t_x_idx", "CREATE INDEX t_x_idx ON t (x)", true),
                added("index:t_y_idx", "CREATE INDEX t_y_idx ON t (y)", true)));
        assertThat(rows).noneMatch(SchemaRows.Row::grouped).hasSize(6);
    }
}
