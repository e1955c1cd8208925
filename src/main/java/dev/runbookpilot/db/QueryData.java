package dev.runbookpilot.db;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A result set read as text, the way psql shows it (SQL NULL stays null). Only the first {@code limit} rows are
 * kept, but {@link #rowCount()} is the true number of rows returned.
 */
public record QueryData(List<String> columns, List<List<String>> rows, long rowCount) {
    public static final int DEFAULT_LIMIT = 500;

    public QueryData {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    public boolean truncated() {
        return rowCount > rows.size();
    }

    public static QueryData read(ResultSet rs, int limit) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String> columns = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) columns.add(md.getColumnLabel(i));
        List<List<String>> rows = new ArrayList<>();
        long count = 0;
        while (rs.next()) {
            count++;
            if (rows.size() < limit) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) row.add(rs.getString(i));
                rows.add(Collections.unmodifiableList(row));
            }
        }
        return new QueryData(columns, rows, count);
    }
}
