package dev.runbookpilot.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact lines shells and wrappers print when they cannot find a program, as captured from the real programs
 * (dash 0.5, bash 5, GNU coreutils 9, npm 11; zsh from its documentation), and lines of a tool's own that only look
 * alike: those must never turn a tool's answer into "never ran". The end-to-end cases run the real programs in
 * {@code StatusCommandTest} and {@code CommandStepTest}; these are the ones that need a network or a shell not
 * installed here.
 */
class MissingProgramTest {

    @Test
    void theShellsAndWrappersMessagesNameTheProgram() {
        assertThat(MissingProgram.notFoundIn("sh: 1: alembic: not found")).contains("alembic");
        assertThat(MissingProgram.notFoundIn("bash: line 1: alembic: command not found")).contains("alembic");
        assertThat(MissingProgram.notFoundIn("bash: alembic: command not found")).contains("alembic");
        assertThat(MissingProgram.notFoundIn("./bin/status: line 3: alembic: command not found")).contains("alembic");
        assertThat(MissingProgram.notFoundIn("zsh:1: command not found: alembic")).contains("alembic");
        assertThat(MissingProgram.notFoundIn("env: ‘alembic’: No such file or directory")).contains("alembic");
        assertThat(MissingProgram.notFoundIn("env: 'alembic': No such file or directory")).contains("alembic");
        assertThat(MissingProgram.notFoundIn("sudo: alembic: command not found")).contains("alembic");
        assertThat(MissingProgram.notFoundIn("bundler: command not found: rake")).contains("rake");
        assertThat(MissingProgram.notFoundIn(
                "npm error npx canceled due to missing packages and no YES option: [\"prisma@7.10.1\"]"))
                .contains("prisma");
        assertThat(MissingProgram.notFoundIn(
                "npm error npx canceled due to missing packages and no YES option: [\"@scope/cli@1.0.0\"]"))
                .contains("@scope/cli");
    }

    @Test
    void aToolsOwnLinesThatOnlyLookAlikeAreNotTakenForThem() {
        assertThat(MissingProgram.notFoundIn("ERROR: relation \"orders\" not found")).isEmpty();
        assertThat(MissingProgram.notFoundIn("FAILED: Can't locate revision identified by 'abc': not found")).isEmpty();
        assertThat(MissingProgram.notFoundIn("Migration 5: add_index: not found in the history table")).isEmpty();
        assertThat(MissingProgram.notFoundIn("psql: error: connection to server failed: No such file or directory"))
                .isEmpty();
        assertThat(MissingProgram.notFoundIn("INFO  [alembic] command not found: upgrade")).isEmpty();
    }

    @Test
    void onlyAShellsPermissionDeniedNamesANonExecutableProgram() {
        assertThat(MissingProgram.notExecutableIn("sh: 1: ./flyway: Permission denied")).contains("./flyway");
        assertThat(MissingProgram.notExecutableIn("bash: line 1: ./flyway: Permission denied")).contains("./flyway");
        assertThat(MissingProgram.notExecutableIn("sh: 1: cannot create /etc/x: Permission denied")).isEmpty();
    }
}
