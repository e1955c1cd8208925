package dev.runbookpilot.importer.action;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** psql running a file, read one line at a time through {@link ActionLines}. */
class PsqlFileLinesTest {

    private static ActionLine read(String line) {
        return ActionLines.read(line).orElseThrow(() -> new AssertionError("not read: " + line));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "psql -f migrate.sql                           | psql -X -v ON_ERROR_STOP=1 -f migrate.sql",
            "psql --file=migrate.sql                       | psql -X -v ON_ERROR_STOP=1 -f migrate.sql",
            "psql -fmigrate.sql                            | psql -X -v ON_ERROR_STOP=1 -f migrate.sql",
            "psql \"$DATABASE_URL\" -f db/2026_11.sql      | psql -X -v ON_ERROR_STOP=1 -f db/2026_11.sql",
            "psql -1 -v ON_ERROR_STOP=1 -f cleanup.sql     | psql -X -v ON_ERROR_STOP=1 -1 -f cleanup.sql",
            "psql --single-transaction -f cleanup.sql      | psql -X -v ON_ERROR_STOP=1 -1 -f cleanup.sql",
            "psql -v ON_ERROR_STOP=0 -f migrate.sql        | psql -X -v ON_ERROR_STOP=1 -f migrate.sql",
            "psql -q -v app=shop -f migrate.sql            | psql -X -v ON_ERROR_STOP=1 -q -v app=shop -f migrate.sql",
            "\\i migrations/042.sql                        | psql -X -v ON_ERROR_STOP=1 -f migrations/042.sql",
            "\\ir 042.sql                                  | psql -X -v ON_ERROR_STOP=1 -f 042.sql"})
    void runsTheFileStoppingAtTheFirstErrorAndInOneTransactionOnlyWhenTheChecklistSaidSo(String line, String run) {
        ActionLine a = read(line);
        assertThat(a.isRefused()).as(a.refused()).isFalse();
        assertThat(a.tool()).isEqualTo("psql");
        assertThat(a.run()).isEqualTo(run);
        assertThat(a.doubt()).contains("folder");
    }

    @ParameterizedTest
    @ValueSource(strings = {"psql -h prod-db -f migrate.sql", "psql -d shop -f migrate.sql",
            "psql -U postgres -f migrate.sql", "psql shop -f migrate.sql", "psql --host=replica -f migrate.sql",
            "psql postgres://u@other/db -f migrate.sql", "PGDATABASE=shop psql -f migrate.sql",
            "psql -p 5433 -f migrate.sql"})
    void aLineThatSaysWherePsqlConnectsIsRefusedRatherThanRunAgainstTheTarget(String line) {
        ActionLine a = read(line);
        assertThat(a.isRefused()).as(line).isTrue();
        assertThat(a.refused()).contains("connect");
    }

    @ParameterizedTest
    @ValueSource(strings = {"psql -v AUTOCOMMIT=off -f 003_add.sql", "psql -vAUTOCOMMIT=off -f 003_add.sql",
            "psql --set=AUTOCOMMIT=off -f 003_add.sql", "psql --variable autocommit=0 -f 003_add.sql",
            "psql -v ON_ERROR_ROLLBACK=on -f 003_add.sql"})
    void aLineThatSwitchesAutocommitOrErrorRollbackIsRefusedBecauseTheExitCodeNoLongerSaysTheWorkTookEffect(
            String line) {
        // With AUTOCOMMIT=off a file without COMMIT exits 0 and is rolled back at disconnect: PASSED, nothing changed.
        ActionLine a = read(line);
        assertThat(a.isRefused()).as(line).isTrue();
        assertThat(a.refused()).contains("committed");
    }

    @Test
    void aLineWithNoRunnableFileOrMoreThanOneFileIsRefused() {
        assertThat(read("psql -v ON_ERROR_STOP=1 -f ...").refused()).isNotNull();
        assertThat(read("psql -f <file>.sql").refused()).isNotNull();
        assertThat(read("psql -f a.sql -f b.sql").refused()).isNotNull();
        assertThat(read("psql -f migrate.sql | tee out.log").refused()).contains("exit code");
    }

    @Test
    void psqlWithoutAFileIsNoAction() {
        assertThat(ActionLines.read("psql -c \"SELECT 1\"")).isEmpty();
        assertThat(ActionLines.read("psql")).isEmpty();
        assertThat(ActionLines.read("\\dt")).isEmpty();
    }
}
