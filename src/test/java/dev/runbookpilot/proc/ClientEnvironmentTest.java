package dev.runbookpilot.proc;

import dev.runbookpilot.db.ConnectionSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientEnvironmentTest {

    private static final ConnectionSettings TARGET = new ConnectionSettings("db.internal", 6432, "shop db", "app",
            "p@ss word", "require", "prompt", Map.of("sslrootcert", "/etc/ca.pem"));

    @Test
    void pointsLibpqAndUrlReadingToolsAtTheTarget() {
        ClientEnvironment env = ClientEnvironment.of(TARGET, "Runbook Pilot (command migrate)");

        assertThat(env.variables()).containsEntry("PGHOST", "db.internal").containsEntry("PGPORT", "6432")
                .containsEntry("PGDATABASE", "shop db").containsEntry("PGUSER", "app")
                .containsEntry("PGSSLMODE", "require").containsEntry("PGPASSWORD", "p@ss word")
                .containsEntry("PGSSLROOTCERT", "/etc/ca.pem")
                .containsEntry("PGAPPNAME", "Runbook Pilot (command migrate)")
                .containsEntry("DATABASE_URL", "postgresql://app:p%40ss%20word@db.internal:6432/shop%20db?sslmode=require");
    }

    @Test
    void thePasswordIsHiddenInEveryFormAToolMightPrint() {
        ClientEnvironment env = ClientEnvironment.of(TARGET, "x");

        assertThat(env.shown()).containsEntry("PGPASSWORD", ClientEnvironment.MASK)
                .containsEntry("DATABASE_URL", "postgresql://app:*****@db.internal:6432/shop%20db?sslmode=require");
        assertThat(env.mask("url postgresql://app:p%40ss%20word@db and raw p@ss word"))
                .isEqualTo("url postgresql://app:*****@db and raw *****");
    }

    @Test
    void withoutAPasswordNothingIsSecretAndNoPasswordIsSet() {
        ClientEnvironment env = ClientEnvironment.of(TARGET.withPassword(null, null), "x");
        assertThat(env.variables()).doesNotContainKey("PGPASSWORD");
        assertThat(env.secretNames()).isEmpty();
        assertThat(env.mask("anything")).isEqualTo("anything");
    }

    @Test
    void aStepsOwnVariablesMayBuildOnOursAndStaySecretWhenTheyCarryThePassword() {
        ClientEnvironment env = ClientEnvironment.of(TARGET, "x").with(Map.of(
                "FLYWAY_URL", "jdbc:postgresql://${PGHOST}:${PGPORT}/${PGDATABASE}",
                "FLYWAY_PASSWORD", "${PGPASSWORD}"));

        assertThat(env.variables()).containsEntry("FLYWAY_URL", "jdbc:postgresql://db.internal:6432/shop db");
        assertThat(env.shown()).containsEntry("FLYWAY_PASSWORD", ClientEnvironment.MASK)
                .containsEntry("FLYWAY_URL", "jdbc:postgresql://db.internal:6432/shop db");
    }

    @Test
    void aReferenceToAVariableWeDoNotSetIsRefusedRatherThanExpandedToNothing() {
        assertThatThrownBy(() -> ClientEnvironment.of(TARGET, "x").with(Map.of("URL", "${PGHOSTT}/db")))
                .hasMessageContaining("env URL references ${PGHOSTT}").hasMessageContaining("PGHOST");
    }

    @Test
    void everyInheritedConnectionVariableIsReplacedOrRemoved() {
        assertThat(ClientEnvironment.OVERRIDDEN).contains("PGHOSTADDR", "PGSERVICE", "PGOPTIONS", "DATABASE_URL")
                .containsAll(ClientEnvironment.of(TARGET, "x").variables().keySet().stream()
                        .filter(k -> !k.startsWith("PGSSL") || k.equals("PGSSLMODE"))
                        .filter(k -> !k.equals("PGCONNECT_TIMEOUT")).toList());
    }

    /** The loader refuses a reference to anything else, and a reference it accepts must have a value here. */
    @Test
    void setsExactlyTheVariablesTheLoaderLetsAStepReference() {
        ConnectionSettings everything = new ConnectionSettings("db", 5432, "shop", "app", "pw", "verify-full",
                "prompt", Map.of("sslrootcert", "/ca", "sslcert", "/c", "sslkey", "/k", "connectTimeout", "10"));
        assertThat(ClientEnvironment.of(everything, "x").variables().keySet())
                .containsExactlyInAnyOrderElementsOf(dev.runbookpilot.runbook.RunbookLoader.COMMAND_VARIABLES);
    }
}
