package dev.runbookpilot.db;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionResolverTest {
    private static final String SECRET = "s3cr3t-Pa55";

    @TempDir
    Path home;
    Map<String, String> env;

    @BeforeEach
    void emptyEnvironment() {
        env = new HashMap<>();
    }

    /** A resolver whose system config dir is inside the temp dir, so the machine's own files never leak in. */
    private ConnectionResolver resolver() {
        return new ConnectionResolver(env, home, home.resolve("sysconf"), "osuser");
    }

    private ConnectionSettings resolve(String spec) throws ConnectionSpecException {
        return resolver().resolve(spec);
    }

    private Path privateFile(String name, String content) throws IOException {
        Path f = home.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private Path sysconfServiceFile(String content) throws IOException {
        Path dir = Files.createDirectories(home.resolve("sysconf"));
        return Files.writeString(dir.resolve("pg_service.conf"), content);
    }

    @Nested
    class Defaults {
        @Test
        void blankSpecUsesLibpqDefaults() throws Exception {
            for (String spec : new String[] {null, "", "   "}) {
                ConnectionSettings s = resolve(spec);
                assertThat(s.host()).isEqualTo("localhost");
                assertThat(s.port()).isEqualTo(5432);
                assertThat(s.user()).isEqualTo("osuser");
                assertThat(s.database()).isEqualTo("osuser");
                assertThat(s.sslmode()).isEqualTo("prefer");
                assertThat(s.password()).isNull();
                assertThat(s.passwordSource()).isNull();
            }
        }

        @Test
        void blankSpecTakesEverythingFromPgEnvironment() throws Exception {
            env.put("PGHOST", "db.example.com");
            env.put("PGPORT", "6543");
            env.put("PGUSER", "alice");
            env.put("PGDATABASE", "shop");
            env.put("PGSSLMODE", "verify-full");
            env.put("PGPASSWORD", SECRET);
            env.put("PGCONNECT_TIMEOUT", "7");
            ConnectionSettings s = resolve(null);
            assertThat(s.display()).isEqualTo("alice@db.example.com:6543/shop");
            assertThat(s.sslmode()).isEqualTo("verify-full");
            assertThat(s.password()).isEqualTo(SECRET);
            assertThat(s.passwordSource()).isEqualTo("PGPASSWORD");
            assertThat(s.extraJdbcProperties()).containsEntry("connectTimeout", "7");
        }

        @Test
        void databaseDefaultsToTheResolvedUserNotTheOsUser() throws Exception {
            assertThat(resolve("user=bob").database()).isEqualTo("bob");
        }

        @Test
        void emptyEnvironmentValuesCountAsUnset() throws Exception {
            env.put("PGHOST", "");
            env.put("PGPORT", "");
            assertThat(resolve(null).display()).isEqualTo("osuser@localhost:5432/osuser");
        }
    }

    @Nested
    class KeywordValueStrings {
        @Test
        void readsAllCoreKeywords() throws Exception {
            ConnectionSettings s = resolve("host=db.example.com port=5433 dbname=shop user=alice password="
                    + SECRET + " sslmode=require");
            assertThat(s.display()).isEqualTo("alice@db.example.com:5433/shop");
            assertThat(s.password()).isEqualTo(SECRET);
            assertThat(s.passwordSource()).isEqualTo("connection string");
            assertThat(s.sslmode()).isEqualTo("require");
        }

        @Test
        void quotedValuesKeepSpacesAndUnescapeQuoteAndBackslash() throws Exception {
            ConnectionSettings s = resolve("dbname='my db' user = 'o\\'brien' password='a\\\\b c'");
            assertThat(s.database()).isEqualTo("my db");
            assertThat(s.user()).isEqualTo("o'brien");
            assertThat(s.password()).isEqualTo("a\\b c");
        }

        @Test
        void backslashEscapesInUnquotedValues() throws Exception {
            assertThat(resolve("dbname=a\\ b").database()).isEqualTo("a b");
        }

        @Test
        void laterDuplicateWins() throws Exception {
            assertThat(resolve("dbname=first dbname=second").database()).isEqualTo("second");
        }

        @Test
        void mapsLibpqKeywordsToPgjdbcProperties() throws Exception {
            ConnectionSettings s = resolve("application_name=migrator connect_timeout=10 "
                    + "target_session_attrs=read-write sslrootcert=/etc/ca.pem keepalives=0 gssencmode=disable");
            assertThat(s.extraJdbcProperties())
                    .containsEntry("ApplicationName", "migrator")
                    .containsEntry("connectTimeout", "10")
                    .containsEntry("targetServerType", "primary")
                    .containsEntry("sslrootcert", "/etc/ca.pem")
                    .containsEntry("tcpKeepAlive", "false")
                    .containsEntry("gssEncMode", "disable");
            assertThat(s.jdbcProperties().getProperty("ApplicationName")).isEqualTo("migrator");
        }

        @Test
        void ignoresOptionsBecauseThePoolSetsItsOwn() throws Exception {
            ConnectionSettings s = resolve("dbname=x options='-c search_path=app'");
            assertThat(s.extraJdbcProperties()).doesNotContainKey("options");
            assertThat(s.jdbcProperties()).doesNotContainKey("options");
        }

        @Test
        void rejectsUnknownKeyWithClosestSuggestion() {
            assertThatThrownBy(() -> resolve("hots=db dbname=x"))
                    .isInstanceOf(ConnectionSpecException.class)
                    .hasMessageContaining("unknown keyword \"hots\" at position 1")
                    .hasMessageContaining("did you mean \"host\"");
        }

        @Test
        void unknownKeyFarFromAnyKeywordIsNotEchoed() {
            assertThatThrownBy(() -> resolve("dbname=x " + SECRET + "=1"))
                    .hasMessageContaining("position 10")
                    .hasMessageNotContaining(SECRET);
        }

        @Test
        void strayWordWithoutEqualsIsReportedByPositionAndNotEchoed() {
            assertThatThrownBy(() -> resolve("user=alice " + SECRET))
                    .isInstanceOf(ConnectionSpecException.class)
                    .hasMessageContaining("position 12")
                    .hasMessageContaining("key=value")
                    .hasMessageNotContaining(SECRET);
        }

        @Test
        void keywordWithoutEqualsSaysWhatToWrite() {
            assertThatThrownBy(() -> resolve("host localhost"))
                    .hasMessageContaining("missing \"=\" after host at position 1")
                    .hasMessageContaining("host=value");
        }

        @Test
        void unterminatedQuoteNamesKeywordAndPositionButNotTheValue() {
            assertThatThrownBy(() -> resolve("user=alice password='" + SECRET))
                    .isInstanceOf(ConnectionSpecException.class)
                    .hasMessageContaining("unterminated quoted value for password starting at position 21")
                    .hasMessageNotContaining(SECRET);
        }

        @Test
        void badPortSaysWhereItCameFrom() {
            assertThatThrownBy(() -> resolve("host=h port=54x2"))
                    .hasMessageContaining("port \"54x2\" (from position 13 of the connection string)")
                    .hasMessageContaining("between 1 and 65535");
            env.put("PGPORT", "99999");
            assertThatThrownBy(() -> resolve(null))
                    .hasMessageContaining("port \"99999\" (from environment variable PGPORT)");
        }

        @Test
        void badSslmodeSuggestsTheNearestMode() {
            assertThatThrownBy(() -> resolve("sslmode=verify_full"))
                    .hasMessageContaining("did you mean \"verify-full\"")
                    .hasMessageContaining("disable, allow, prefer, require, verify-ca, verify-full");
        }

        @Test
        void badConnectTimeoutIsRejected() {
            assertThatThrownBy(() -> resolve("connect_timeout=soon"))
                    .hasMessageContaining("connect_timeout \"soon\"");
        }

        @Test
        void unixSocketHostIsRejectedWithAdvice() {
            assertThatThrownBy(() -> resolve("host=/var/run/postgresql"))
                    .hasMessageContaining("Unix-domain socket")
                    .hasMessageContaining("host=localhost");
            env.put("PGHOST", "/tmp");
            assertThatThrownBy(() -> resolve(null))
                    .hasMessageContaining("environment variable PGHOST")
                    .hasMessageContaining("host=localhost");
        }

        @Test
        void severalHostsAreRejected() {
            assertThatThrownBy(() -> resolve("host=a,b"))
                    .hasMessageContaining("several hosts");
        }

        @Test
        void hostaddrIsWhereWeConnectWhileHostNamesThePgpassEntry() throws Exception {
            privateFile(".pgpass", "db.example.com:5432:*:*:" + SECRET + "\n");
            ConnectionSettings s = resolve("host=db.example.com hostaddr=10.0.0.5 user=a dbname=b");
            assertThat(s.host()).isEqualTo("10.0.0.5");
            assertThat(s.password()).isEqualTo(SECRET);
        }
    }

    @Nested
    class LibpqUris {
        @Test
        void readsAllComponents() throws Exception {
            ConnectionSettings s = resolve("postgresql://alice:" + SECRET + "@db.example.com:5433/shop?sslmode=require");
            assertThat(s.display()).isEqualTo("alice@db.example.com:5433/shop");
            assertThat(s.password()).isEqualTo(SECRET);
            assertThat(s.passwordSource()).isEqualTo("URI");
            assertThat(s.sslmode()).isEqualTo("require");
        }

        @Test
        void acceptsShortSchemeAndEmptyParts() throws Exception {
            env.put("PGHOST", "envhost");
            ConnectionSettings s = resolve("postgres:///shop");
            assertThat(s.host()).isEqualTo("envhost");
            assertThat(s.database()).isEqualTo("shop");
            assertThat(resolve("postgresql://").display()).isEqualTo("osuser@envhost:5432/osuser");
        }

        @Test
        void percentDecodesEveryComponentButKeepsPlus() throws Exception {
            ConnectionSettings s = resolve("postgresql://al%40ice:p%40ss%3Aw+rd@h/my%20db%C3%A9?application_name=a%26b");
            assertThat(s.user()).isEqualTo("al@ice");
            assertThat(s.password()).isEqualTo("p@ss:w+rd");
            assertThat(s.database()).isEqualTo("my dbé");
            assertThat(s.extraJdbcProperties()).containsEntry("ApplicationName", "a&b");
        }

        @Test
        void readsBracketedIpv6Host() throws Exception {
            ConnectionSettings s = resolve("postgresql://[2001:db8::1]:6000/x");
            assertThat(s.host()).isEqualTo("2001:db8::1");
            assertThat(s.port()).isEqualTo(6000);
            assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://[2001:db8::1]:6000/x");
        }

        @Test
        void queryParametersOverrideTheAuthority() throws Exception {
            ConnectionSettings s = resolve("postgresql://h:1/a?host=other&port=2&dbname=b&user=u&connect_timeout=3");
            assertThat(s.display()).isEqualTo("u@other:2/b");
            assertThat(s.extraJdbcProperties()).containsEntry("connectTimeout", "3");
        }

        @Test
        void sslTrueMeansRequireAsInLibpq() throws Exception {
            assertThat(resolve("postgresql://h/db?ssl=true").sslmode()).isEqualTo("require");
        }

        @Test
        void percentEncodedSocketDirectoryIsRejected() {
            assertThatThrownBy(() -> resolve("postgresql://%2Fvar%2Frun%2Fpostgresql/db"))
                    .hasMessageContaining("Unix-domain socket")
                    .hasMessageContaining("host=localhost");
        }

        @Test
        void rejectsUnknownQueryParameter() {
            assertThatThrownBy(() -> resolve("postgresql://h/db?sslmdoe=require"))
                    .hasMessageContaining("unknown keyword \"sslmdoe\" at position 19 of the URI")
                    .hasMessageContaining("did you mean \"sslmode\"");
        }

        @Test
        void rejectsBadPercentEncodingWithPosition() {
            assertThatThrownBy(() -> resolve("postgresql://h/d%zz"))
                    .hasMessageContaining("invalid percent-encoding at position 17 of the URI");
        }

        @Test
        void unencodedAtInPasswordIsExplainedWithoutLeakingIt() {
            assertThatThrownBy(() -> resolve("postgresql://alice:pa@" + SECRET + "@host/db"))
                    .hasMessageContaining("%40")
                    .hasMessageNotContaining(SECRET);
        }

        @Test
        void rejectsUnclosedIpv6AndSeveralHosts() {
            assertThatThrownBy(() -> resolve("postgresql://[::1/db")).hasMessageContaining("no closing \"]\"");
            assertThatThrownBy(() -> resolve("postgresql://a,b/db")).hasMessageContaining("several hosts");
        }

        @Test
        void badPortInUriNamesItsPosition() {
            assertThatThrownBy(() -> resolve("postgresql://h:port/db"))
                    .hasMessageContaining("port \"port\" (from position 16 of the URI)");
        }
    }

    @Nested
    class JdbcUrls {
        @Test
        void readsHostPortDatabaseAndParameters() throws Exception {
            ConnectionSettings s = resolve("jdbc:postgresql://db.example.com:5433/shop?user=alice&password="
                    + SECRET + "&sslmode=verify-ca&prepareThreshold=0");
            assertThat(s.display()).isEqualTo("alice@db.example.com:5433/shop");
            assertThat(s.password()).isEqualTo(SECRET);
            assertThat(s.passwordSource()).isEqualTo("URI");
            assertThat(s.sslmode()).isEqualTo("verify-ca");
            assertThat(s.extraJdbcProperties()).containsEntry("prepareThreshold", "0");
        }

        @Test
        void decodesLikePgjdbc() throws Exception {
            ConnectionSettings s = resolve("jdbc:postgresql://h/my%20db?user=a%2Bb&ApplicationName=x+y");
            assertThat(s.database()).isEqualTo("my db");
            assertThat(s.user()).isEqualTo("a+b");
            assertThat(s.extraJdbcProperties()).containsEntry("ApplicationName", "x y");
        }

        @Test
        void fillsMissingPartsFromEnvironment() throws Exception {
            env.put("PGPORT", "6000");
            env.put("PGUSER", "envuser");
            ConnectionSettings s = resolve("jdbc:postgresql://h/db");
            assertThat(s.display()).isEqualTo("envuser@h:6000/db");
            assertThat(resolve("jdbc:postgresql:shop").display()).isEqualTo("envuser@localhost:6000/shop");
        }

        @Test
        void readsIpv6Host() throws Exception {
            assertThat(resolve("jdbc:postgresql://[::1]:5000/db").host()).isEqualTo("::1");
        }

        @Test
        void sslTrueMeansVerifyFullAsInPgjdbc() throws Exception {
            assertThat(resolve("jdbc:postgresql://h/db?ssl=true").sslmode()).isEqualTo("verify-full");
            assertThat(resolve("jdbc:postgresql://h/db?ssl=true&sslmode=require").sslmode()).isEqualTo("require");
        }

        @Test
        void rejectsUserInfoAndOtherDrivers() {
            assertThatThrownBy(() -> resolve("jdbc:postgresql://alice@h/db")).hasMessageContaining("?user=");
            assertThatThrownBy(() -> resolve("jdbc:mysql://h/db")).hasMessageContaining("jdbc:postgresql://");
        }
    }

    @Nested
    class Precedence {
        @Test
        void specBeatsServiceBeatsEnvironmentBeatsDefaults() throws Exception {
            privateFile(".pg_service.conf", """
                    [prod]
                    host=svc-host
                    port=6001
                    dbname=svc-db
                    """);
            env.put("PGHOST", "env-host");
            env.put("PGPORT", "7001");
            env.put("PGDATABASE", "env-db");
            env.put("PGUSER", "env-user");
            ConnectionSettings s = resolve("service=prod dbname=spec-db");
            assertThat(s.database()).isEqualTo("spec-db");
            assertThat(s.host()).isEqualTo("svc-host");
            assertThat(s.port()).isEqualTo(6001);
            assertThat(s.user()).isEqualTo("env-user");
            assertThat(s.sslmode()).isEqualTo("prefer");
        }

        @Test
        void pgserviceEnvironmentSelectsTheService() throws Exception {
            privateFile(".pg_service.conf", "[prod]\nhost=svc-host\n");
            env.put("PGSERVICE", "prod");
            assertThat(resolve(null).host()).isEqualTo("svc-host");
            assertThat(resolve("host=spec-host").host()).isEqualTo("spec-host");
        }

        @Test
        void explicitPasswordBeatsPgpasswordWhichBeatsPgpassLikeLibpq() throws Exception {
            privateFile(".pgpass", "*:*:*:*:from-file\n");
            env.put("PGPASSWORD", "from-env");
            assertThat(resolve("password=typed").passwordSource()).isEqualTo("connection string");
            ConnectionSettings fromEnv = resolve(null);
            assertThat(fromEnv.password()).isEqualTo("from-env");
            assertThat(fromEnv.passwordSource()).isEqualTo("PGPASSWORD");
            env.remove("PGPASSWORD");
            ConnectionSettings fromFile = resolve(null);
            assertThat(fromFile.password()).isEqualTo("from-file");
            assertThat(fromFile.passwordSource()).isEqualTo("pgpass ~/.pgpass");
        }

        @Test
        void servicePasswordIsReportedAsComingFromTheService() throws Exception {
            privateFile(".pg_service.conf", "[prod]\npassword=" + SECRET + "\n");
            env.put("PGPASSWORD", "from-env");
            ConnectionSettings s = resolve("service=prod");
            assertThat(s.password()).isEqualTo(SECRET);
            assertThat(s.passwordSource()).isEqualTo("service prod");
        }

        @Test
        void emptyPasswordFallsThroughToThePasswordFile() throws Exception {
            privateFile(".pgpass", "*:*:*:*:from-file\n");
            assertThat(resolve("password=''").password()).isEqualTo("from-file");
        }
    }

    @Nested
    class ServiceFiles {
        @Test
        void userFileWinsOverSystemFile() throws Exception {
            privateFile(".pg_service.conf", "[prod]\nhost=user-file\n");
            sysconfServiceFile("[prod]\nhost=system-file\nport=7777\n");
            ConnectionSettings s = resolve("service=prod");
            assertThat(s.host()).isEqualTo("user-file");
            assertThat(s.port()).as("sections are not merged across files, as in libpq").isEqualTo(5432);
        }

        @Test
        void fallsBackToSystemFileWhenUserFileLacksTheSection() throws Exception {
            privateFile(".pg_service.conf", "[other]\nhost=wrong\n");
            sysconfServiceFile("# shared services\n[prod]\nhost=system-file\n");
            assertThat(resolve("service=prod").host()).isEqualTo("system-file");
        }

        @Test
        void pgservicefileAndPgsysconfdirReplaceTheDefaultLocations() throws Exception {
            Path custom = privateFile("conf/services.conf", "[a]\nhost=custom\n");
            Path sysdir = Files.createDirectories(home.resolve("othersys"));
            Files.writeString(sysdir.resolve("pg_service.conf"), "[b]\nhost=othersys\n");
            privateFile(".pg_service.conf", "[a]\nhost=ignored\n");
            env.put("PGSERVICEFILE", custom.toString());
            env.put("PGSYSCONFDIR", sysdir.toString());
            assertThat(resolve("service=a").host()).isEqualTo("custom");
            assertThat(resolve("service=b").host()).isEqualTo("othersys");
        }

        @Test
        void readsOnlyTheWantedSectionIgnoringCommentsAndSpaces() throws Exception {
            privateFile(".pg_service.conf", """
                    # comment
                    [dev]
                    host = dev-host
                    [prod]
                      # prod is read-only for us
                      host = prod-host
                      sslmode = verify-full
                    [later]
                    host=later-host
                    """);
            ConnectionSettings s = resolve("service=prod");
            assertThat(s.host()).isEqualTo("prod-host");
            assertThat(s.sslmode()).isEqualTo("verify-full");
        }

        @Test
        void unknownServiceNamesEveryFileSearched() throws Exception {
            privateFile(".pg_service.conf", "[other]\nhost=x\n");
            assertThatThrownBy(() -> resolve("service=nope"))
                    .isInstanceOf(ConnectionSpecException.class)
                    .hasMessageContaining("service \"nope\"")
                    .hasMessageContaining("~/.pg_service.conf (no [nope] section)")
                    .hasMessageContaining("~/sysconf/pg_service.conf (no such file)");
        }

        @Test
        void unknownServiceFromEnvironmentSaysSo() {
            env.put("PGSERVICE", "ghost");
            assertThatThrownBy(() -> resolve(null)).hasMessageContaining("from environment variable PGSERVICE");
        }

        @Test
        void badEntryInsideTheSectionNamesFileAndLine() throws Exception {
            privateFile(".pg_service.conf", "[prod]\nhost=h\nprot=5432\n");
            assertThatThrownBy(() -> resolve("service=prod"))
                    .hasMessageContaining("~/.pg_service.conf line 3")
                    .hasMessageContaining("did you mean \"port\"");
            privateFile(".pg_service.conf", "[prod]\nservice=other\n");
            assertThatThrownBy(() -> resolve("service=prod")).hasMessageContaining("nested service");
        }

        @Test
        void badPortFromServiceNamesTheServiceLine() throws Exception {
            privateFile(".pg_service.conf", "[prod]\nport=abc\n");
            assertThatThrownBy(() -> resolve("service=prod"))
                    .hasMessageContaining("service \"prod\" in ~/.pg_service.conf line 2");
        }
    }

    @Nested
    class PasswordFiles {
        @Test
        void firstMatchingLineWins() throws Exception {
            privateFile(".pgpass", """
                    # host:port:db:user:password
                    other:5432:shop:alice:wrong-host
                    db.example.com:5432:shop:alice:first
                    db.example.com:5432:shop:alice:second
                    """);
            assertThat(resolve("host=db.example.com dbname=shop user=alice").password()).isEqualTo("first");
        }

        @Test
        void wildcardsMatchAnyValueInTheirField() throws Exception {
            privateFile(".pgpass", """
                    db.example.com:*:*:alice:alice-anywhere
                    *:6543:*:*:port-6543
                    """);
            assertThat(resolve("host=db.example.com port=9 dbname=x user=alice").password())
                    .isEqualTo("alice-anywhere");
            assertThat(resolve("host=elsewhere port=6543 user=bob").password()).isEqualTo("port-6543");
            assertThat(resolve("host=elsewhere port=1 user=bob").password()).isNull();
        }

        @Test
        void starInsideAFieldIsLiteral() throws Exception {
            privateFile(".pgpass", "db*:*:*:*:nope\n");
            assertThat(resolve("host=dbx").password()).isNull();
        }

        @Test
        void escapedColonsAndBackslashesMatchAndUnescape() throws Exception {
            privateFile(".pgpass", "\\:\\:1:5432:*:a\\\\b:pa\\:ss\\\\word\n");
            ConnectionSettings s = resolve("host=::1 user=a\\\\b");
            assertThat(s.user()).isEqualTo("a\\b");
            assertThat(s.password()).isEqualTo("pa:ss\\word");
        }

        @Test
        void localhostEntryMatchesTheDefaultHost() throws Exception {
            privateFile(".pgpass", "localhost:5432:*:osuser:" + SECRET + "\n");
            assertThat(resolve(null).password()).isEqualTo(SECRET);
        }

        @Test
        void pgpassfileAndPassfileKeywordChooseTheFile() throws Exception {
            Path a = privateFile("a.pgpass", "*:*:*:*:from-a\n");
            Path b = privateFile("b.pgpass", "*:*:*:*:from-b\n");
            env.put("PGPASSFILE", a.toString());
            assertThat(resolve(null).password()).isEqualTo("from-a");
            ConnectionSettings s = resolve("passfile=" + b);
            assertThat(s.password()).isEqualTo("from-b");
            assertThat(s.passwordSource()).isEqualTo("pgpass ~/b.pgpass");
        }

        @Test
        void groupOrWorldReadableFileIsSkipped() throws Exception {
            Path f = privateFile(".pgpass", "*:*:*:*:" + SECRET + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            assertThat(resolve(null).password()).isNull();
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
            assertThat(resolve(null).password()).isNull();
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
            assertThat(resolve(null).password()).isEqualTo(SECRET);
        }

        @Test
        void missingFileMeansNoPassword() throws Exception {
            env.put("PGPASSFILE", home.resolve("absent").toString());
            ConnectionSettings s = resolve(null);
            assertThat(s.password()).isNull();
            assertThat(s.passwordSource()).isNull();
        }

        @Test
        void linesWithTooFewFieldsAreSkipped() throws Exception {
            privateFile(".pgpass", "localhost:5432:osuser\n*:*:*:*:ok\n");
            assertThat(resolve(null).password()).isEqualTo("ok");
        }
    }

    @Nested
    class SecretsStaySecret {
        @Test
        void errorMessagesNeverContainThePassword() {
            String[] bad = {
                "password=" + SECRET + " port=bad",
                "password=" + SECRET + " sslmode=nope",
                "password=" + SECRET + " host=/tmp",
                "password=" + SECRET + " hots=x",
                "postgresql://u:" + SECRET + "@h:bad/db",
                "postgresql://u:" + SECRET + "@h/db?nope=1",
                "jdbc:postgresql://h:bad/db?password=" + SECRET,
                "password='" + SECRET,
            };
            for (String spec : bad) {
                assertThatThrownBy(() -> resolve(spec)).as(spec)
                        .isInstanceOf(ConnectionSpecException.class)
                        .hasMessageNotContaining(SECRET);
            }
        }

        @Test
        void toStringAndDisplayMaskThePassword() throws Exception {
            ConnectionSettings s = resolve("postgresql://u:" + SECRET + "@h/db?sslpassword=" + SECRET);
            assertThat(s.toString()).doesNotContain(SECRET).contains("password=*****");
            assertThat(s.display()).doesNotContain(SECRET).isEqualTo("u@h:5432/db");
            assertThat(s.jdbcProperties().getProperty("password")).isEqualTo(SECRET);
            assertThat(s.jdbcProperties().getProperty("sslpassword")).isEqualTo(SECRET);
        }
    }
}
