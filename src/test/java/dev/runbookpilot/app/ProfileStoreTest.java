package dev.runbookpilot.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileStoreTest {
    @TempDir
    Path home;

    @Test
    void savedProfilesOfEveryKindReadBackEqualAndSortedByName() throws Exception {
        ProfileStore store = new ProfileStore(new Workspace(home));
        ConnectionProfile fields = ConnectionProfile.ofFields("staging", "db.example.com", 5433, "billing", "dba",
                "require");
        ConnectionProfile uri = ConnectionProfile.ofUri("Analytics", "postgresql://dba@an.example.com/metrics");
        ConnectionProfile service = ConnectionProfile.ofService("prod", "prod-billing");
        store.save(fields);
        store.save(uri);
        store.save(service);

        assertThat(new ProfileStore(new Workspace(home)).list()).containsExactly(uri, service, fields);
        assertThat(Files.list(home.resolve("config")).map(p -> p.getFileName().toString()))
                .containsExactly("profiles.json");
    }

    @Test
    void savingUnderAnExistingNameReplacesTheProfile() throws Exception {
        ProfileStore store = new ProfileStore(new Workspace(home));
        store.save(ConnectionProfile.ofService("prod", "old"));
        assertThat(store.save(ConnectionProfile.ofService("prod", "new")))
                .containsExactly(ConnectionProfile.ofService("prod", "new"));
        assertThat(store.delete("prod")).isEmpty();
    }

    @Test
    void refusesAPasswordInAUriOrConnectionString() {
        for (String spec : new String[] {"postgresql://dba:secret@db/billing", "postgres://db/billing?password=x",
                "host=db password=secret", "jdbc:postgresql://db/billing?user=dba&password=x"}) {
            assertThatThrownBy(() -> ConnectionProfile.ofUri("p", spec)).as(spec)
                    .hasMessageContaining("never holds a password")
                    .hasMessageContaining("~/.pgpass or enter it when asked");
        }
        assertThat(ConnectionProfile.containsPassword("postgresql://dba@db:5432/billing?sslmode=require")).isFalse();
        assertThat(ConnectionProfile.containsPassword("host=db passfile=/x/pgpass")).isFalse();
    }

    @Test
    void aHandWrittenPasswordKeyIsRefusedWithWhereAndWhy() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/profiles.json"),
                "{\"version\":1,\"profiles\":[\n  {\"name\":\"x\",\"host\":\"db\",\"password\":\"s\"}]}");
        assertThatThrownBy(() -> new ProfileStore(new Workspace(home)).list())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("profiles.json:2:")
                .hasMessageContaining("unknown key \"password\"")
                .hasMessageContaining("~/.pgpass");
    }

    @Test
    void corruptFileGivesItsPositionAndIsLeftUntouched() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Path file = home.resolve("config/profiles.json");
        Files.writeString(file, "{\"version\":1,\"profiles\":[{\"name\": }");
        ProfileStore store = new ProfileStore(new Workspace(home));
        assertThatThrownBy(store::list).isInstanceOf(IOException.class)
                .hasMessageContaining("profiles.json:1:")
                .hasMessageContaining("move it away");
        assertThatThrownBy(() -> store.save(ConnectionProfile.ofService("a", "b"))).isInstanceOf(IOException.class);
        assertThat(Files.readString(file)).isEqualTo("{\"version\":1,\"profiles\":[{\"name\": }");

        Files.writeString(file, "[1, 2]");
        assertThatThrownBy(store::list).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot read the saved connection profiles");
    }

    @Test
    void fieldsResolveThroughTheSameRulesAsTheCli() throws Exception {
        Path pgpass = home.resolve(".pgpass");
        Files.writeString(pgpass, "db.example.com:5433:billing:dba:from-pgpass\n");
        Files.setPosixFilePermissions(pgpass, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Targets targets = new Targets(Map.of("PGSSLMODE", "require"), home);
        ConnectionProfile p = ConnectionProfile.ofFields("s", "db.example.com", 5433, "billing", "dba", null);

        var settings = targets.resolve(p.spec());
        assertThat(settings.display()).isEqualTo("dba@db.example.com:5433/billing");
        assertThat(settings.sslmode()).isEqualTo("require");
        assertThat(settings.passwordSource()).startsWith("pgpass");
        assertThat(ConnectionProfile.ofFields("q", "h", null, "it's", null, null).spec())
                .isEqualTo("host='h' dbname='it\\'s'");
    }
}
