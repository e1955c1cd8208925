package dev.runbookpilot.db;

import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionSettingsTest {
    private static final String SECRET = "s3cr3t-Pa55";

    private static ConnectionSettings settings(String host, String db, String password, Map<String, String> extras) {
        return new ConnectionSettings(host, 5432, db, "alice", password, "prefer",
                password == null ? null : "URI", extras);
    }

    @Test
    void jdbcUrlEncodesTheDatabaseSoPgjdbcDecodesItBack() {
        String db = "my db/é?x&y+z%";
        ConnectionSettings s = settings("db.example.com", db, null, Map.of());
        assertThat(s.jdbcUrl()).startsWith("jdbc:postgresql://db.example.com:5432/my%20db%2F");
        // pgjdbc's own parser is the authority on what the URL means.
        Properties parsed = Driver.parseURL(s.jdbcUrl(), new Properties());
        assertThat(parsed).isNotNull();
        assertThat(parsed.getProperty("PGDBNAME")).isEqualTo(db);
        assertThat(parsed.getProperty("PGHOST")).isEqualTo("db.example.com");
    }

    @Test
    void ipv6HostIsBracketedInUrlAndDisplay() {
        ConnectionSettings s = settings("2001:db8::1", "app", null, Map.of());
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://[2001:db8::1]:5432/app");
        assertThat(s.display()).isEqualTo("alice@[2001:db8::1]:5432/app");
        assertThat(Driver.parseURL(s.jdbcUrl(), new Properties()).getProperty("PGPORT")).isEqualTo("5432");
    }

    @Test
    void jdbcPropertiesCarryUserPasswordSslmodeAndApplicationName() {
        Properties p = settings("h", "app", SECRET, Map.of("connectTimeout", "5")).jdbcProperties();
        assertThat(p.getProperty("user")).isEqualTo("alice");
        assertThat(p.getProperty("password")).isEqualTo(SECRET);
        assertThat(p.getProperty("sslmode")).isEqualTo("prefer");
        assertThat(p.getProperty("ApplicationName")).isEqualTo("Runbook Pilot");
        assertThat(p.getProperty("connectTimeout")).isEqualTo("5");
    }

    @Test
    void noPasswordMeansNoPasswordProperty() {
        assertThat(settings("h", "app", null, Map.of()).jdbcProperties()).doesNotContainKey("password");
    }

    @Test
    void extrasMayRenameTheApplicationButNeverOverrideTheRecordFields() {
        Properties p = settings("h", "app", null, Map.of("ApplicationName", "mine", "user", "mallory",
                "password", "x", "sslmode", "disable", "ssl", "true")).jdbcProperties();
        assertThat(p.getProperty("ApplicationName")).isEqualTo("mine");
        assertThat(p.getProperty("user")).isEqualTo("alice");
        assertThat(p).doesNotContainKeys("password", "ssl");
        assertThat(p.getProperty("sslmode")).isEqualTo("prefer");
    }

    @Test
    void withPasswordRecordsTheSource() {
        ConnectionSettings s = settings("h", "app", null, Map.of()).withPassword(SECRET, "prompt");
        assertThat(s.password()).isEqualTo(SECRET);
        assertThat(s.passwordSource()).isEqualTo("prompt");
        assertThat(s.withPassword(null, "prompt").passwordSource()).isNull();
    }

    @Test
    void toStringMasksPasswordAndPasswordLikeExtras() {
        ConnectionSettings s = settings("h", "app", SECRET, Map.of("sslpassword", SECRET, "connectTimeout", "5"));
        assertThat(s.toString())
                .doesNotContain(SECRET)
                .contains("password=*****", "sslpassword=*****", "connectTimeout=5", "host=h");
        assertThat(s.display()).isEqualTo("alice@h:5432/app");
        assertThat(settings("h", "app", null, Map.of()).toString()).contains("password=null");
    }

    @Test
    void extrasAreCopiedAndImmutable() {
        java.util.HashMap<String, String> extras = new java.util.HashMap<>(Map.of("a", "1"));
        ConnectionSettings s = settings("h", "app", null, extras);
        extras.put("b", "2");
        assertThat(s.extraJdbcProperties()).containsOnlyKeys("a");
        assertThatThrownBy(() -> s.extraJdbcProperties().put("c", "3"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(new ConnectionSettings("h", 1, "d", "u", null, "disable", null, null).extraJdbcProperties())
                .isEmpty();
    }

    @Test
    void rejectsImpossibleValues() {
        assertThatThrownBy(() -> new ConnectionSettings("h", 0, "d", "u", null, "prefer", null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectionSettings("h", 5432, "d", "u", null, "maybe", null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectionSettings(" ", 5432, "d", "u", null, "prefer", null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
