package dev.runbookpilot.db;

import dev.runbookpilot.sql.StatementGuard;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A content checksum of one table, computed by the server in one pass and without sorting: each row's text form
 * ({@code (t.*)::text}, the row as its columns' output functions print it) is hashed with md5, and the two 64-bit
 * halves of every row's hash are summed separately (as numeric, so nothing overflows), next to the row count. A sum
 * does not depend on the order rows are read in, counts a duplicate row twice, and changes when a value is lost
 * (NULL prints differently from every value, even the empty string) or moved to another row. The reasoning, the cost
 * (a full read of the table) and the limits are in docs/decisions/0017-baseline-proof-and-content-checksums.md.
 *
 * <p>The text form of some types depends on session settings (time zone, date and interval style, float digits,
 * bytea output, money locale, the search path for reg* types); {@link #SETTINGS} fixes them for the transaction so a
 * checksum taken later, by another session or after a dump and restore, prints every value the same way.
 */
public final class ContentChecksum {

    /** Names the method inside every value, so two checksums computed differently never compare as equal. */
    public static final String METHOD = "md5-row-sum/1";

    /**
     * Output settings fixed for the checksum, and row security turned to "error" so a policy never silently hides
     * rows from the sum. {@code SET LOCAL}: they end with the transaction, which is always rolled back. The pool's
     * sessions are read-only already; the transaction is made so here too, as for every check.
     */
    static final String SETTINGS = "SET TRANSACTION READ ONLY; SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD';"
            + " SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1;"
            + " SET LOCAL bytea_output = 'hex'; SET LOCAL lc_monetary = 'C'; SET LOCAL search_path = pg_catalog;"
            + " SET LOCAL row_security = off";

    private ContentChecksum() {}

    /** The statement that checksums {@code schema.table}; the identifiers are quoted, the rest is fixed text. */
    public static String sql(String schema, String table) {
        return "SELECT count(*), coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0),"
                + " coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)"
                + " FROM (SELECT md5((t.*)::text) AS h FROM " + Sql.qualified(schema, table) + " AS t) AS rows";
    }

    /**
     * Runs the checksum on a statement whose connection is already inside the read-only transaction (and snapshot)
     * it must see, after {@link #SETTINGS}. The statement passes the same guard as a runbook's read check first.
     */
    static String compute(Statement s, String schema, String table) throws SQLException {
        String sql = sql(schema, table);
        try {
            StatementGuard.check(sql, StatementGuard.Use.READ, true);
        } catch (StatementGuard.Refusal r) {
            // Only fixed text and quoted names go into it; a refusal means the guard and this class disagree.
            throw new SQLException("the checksum of " + table + " was refused by the read guard: " + r.getMessage(),
                    "42501");
        }
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return METHOD + ":" + rs.getLong(1) + ":" + rs.getBigDecimal(2).toPlainString() + ":"
                    + rs.getBigDecimal(3).toPlainString();
        }
    }
}
