package dev.runbookpilot.io;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CsvTest {

    @Test
    void aFieldIsQuotedOnlyWhenItHoldsACommaAQuoteOrALineBreakAndItsQuotesAreDoubled() {
        assertThat(Csv.field("plain text")).isEqualTo("plain text");
        assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Csv.field("cr\rhere")).isEqualTo("\"cr\rhere\"");
        assertThat(Csv.field(" padded ")).as("spaces are data, kept as they are").isEqualTo(" padded ");
        assertThat(Csv.field("=1+1")).as("copied as it is").isEqualTo("=1+1");
    }

    @Test
    void nullIsAnEmptyFieldAndAnEmptyStringAQuotedOneAsPostgresCopyWritesThem() {
        assertThat(Csv.record(Arrays.asList("1", null, "", "x"))).isEqualTo("1,,\"\",x\r\n");
    }

    @Test
    void aTableIsItsHeaderThenEachRowEachRecordEndedByCrlf() {
        assertThat(Csv.table(List.of("id", "name"), List.of(List.of("1", "a"), List.of("2", "b, c"))))
                .isEqualTo("id,name\r\n1,a\r\n2,\"b, c\"\r\n");
    }

    /** Whatever the values, an RFC 4180 reader gets back exactly the fields written, NULLs included. */
    @Property(tries = 300)
    void whatIsWrittenReadsBackFieldForField(@ForAll @Size(max = 5) List<@Size(max = 4) List<String>> rows) {
        List<List<String>> table = new ArrayList<>();
        for (List<String> row : rows) {
            if (row.isEmpty()) continue;
            List<String> withNull = new ArrayList<>(row);
            // A NULL in every other row, to read it back apart from "".
            if (table.size() % 2 == 0) withNull.add(null);
            table.add(withNull);
        }
        StringBuilder csv = new StringBuilder();
        for (List<String> row : table) csv.append(Csv.record(row));
        assertThat(read(csv.toString())).isEqualTo(table);
    }

    /** A strict RFC 4180 reader; an unquoted empty field is NULL, a quoted empty one "". */
    private static List<List<String>> read(String csv) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        int i = 0;
        while (i < csv.length()) {
            String value;
            if (csv.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (true) {
                    char c = csv.charAt(i++);
                    if (c == '"') {
                        if (i < csv.length() && csv.charAt(i) == '"') {
                            b.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        b.append(c);
                    }
                }
                value = b.toString();
            } else {
                int end = i;
                while (end < csv.length() && csv.charAt(end) != ',' && csv.charAt(end) != '\r') end++;
                String raw = csv.substring(i, end);
                assertThat(raw).as("an unquoted field holds no quote or line break").doesNotContain("\"", "\n");
                value = raw.isEmpty() ? null : raw;
                i = end;
            }
            row.add(value);
            if (csv.startsWith("\r\n", i)) {
                rows.add(row);
                row = new ArrayList<>();
                i += 2;
            } else {
                assertThat(csv.charAt(i)).isEqualTo(',');
                i++;
            }
        }
        assertThat(row).as("the last record ends with CRLF").isEmpty();
        return rows;
    }
}
