package dev.runbookpilot.ui.start;

import dev.runbookpilot.app.ConnectionProfile;
import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/** The connection dialog's model, on same-thread executors against the embedded test server. */
class ConnectionViewModelTest {
    private static final Executor SAME_THREAD = Runnable::run;

    @TempDir
    Path home;

    private ConnectionViewModel model(String targetDatabase) throws Exception {
        Path file = home.resolve("runbook.yaml");
        Files.writeString(file, "runbook: Test\ntarget:\n  environment: staging\n"
                + (targetDatabase == null ? "" : "  database: " + targetDatabase + "\n")
                + "phases:\n  - name: P\n    steps:\n      - id: s\n        title: S\n        checks:\n"
                + "          - query: { sql: \"SELECT 1\", expect: \"= 1\" }\n");
        Runbook runbook = RunbookLoader.load(file);
        // An empty environment and a home without .pgpass: only what the dialog says counts.
        ConnectionViewModel vm = new ConnectionViewModel(new Workspace(home.resolve("ws")),
                new Targets(Map.of(), home), runbook, SAME_THREAD, SAME_THREAD);
        vm.load();
        return vm;
    }

    private static void fieldsFor(ConnectionViewModel vm, String database, int port) {
        vm.modeProperty().set(ConnectionViewModel.Mode.FIELDS);
        vm.hostProperty().set("localhost");
        vm.portProperty().set(Integer.toString(port));
        vm.databaseProperty().set(database);
        vm.userProperty().set("postgres");
        vm.sslmodeProperty().set("disable");
    }

    @Test
    void testConnectionShowsVersionUserSuperuserAndWhetherTheDatabaseMatches() throws Exception {
        String db = TestPostgres.freshDatabase("conn_vm");
        ConnectionViewModel vm = model(db);
        fieldsFor(vm, db, TestPostgres.server().port());

        vm.testConnection();

        assertThat(vm.errorProperty().get()).isEmpty();
        ConnectionViewModel.TestResult r = vm.testResultProperty().get();
        assertThat(r.server().serverVersion()).isEqualTo(serverVersion(db));
        assertThat(r.server().user()).isEqualTo("postgres");
        assertThat(r.server().superuser()).isTrue();
        assertThat(r.environment()).isEqualTo("staging");
        assertThat(r.databaseMatches()).isTrue();
        assertThat(r.warning()).isNull();
        assertThat(vm.busyProperty().get()).isFalse();
    }

    @Test
    void testConnectionWarnsWhenTheDatabaseIsNotTheRunbooksAndConnectRefusesIt() throws Exception {
        String db = TestPostgres.freshDatabase("conn_other");
        ConnectionViewModel vm = model("billing");
        fieldsFor(vm, db, TestPostgres.server().port());

        vm.testConnection();
        assertThat(vm.testResultProperty().get().warning()).contains("'" + db + "'").contains("'billing'");

        List<Target> received = new ArrayList<>();
        vm.connect(received::add);
        assertThat(received).isEmpty();
        assertThat(vm.errorProperty().get()).contains("runbook targets 'billing'");
    }

    @Test
    void connectHandsOverAnOpenTarget() throws Exception {
        String db = TestPostgres.freshDatabase("conn_ok");
        ConnectionViewModel vm = model(db);
        fieldsFor(vm, db, TestPostgres.server().port());
        List<Target> received = new ArrayList<>();

        vm.connect(received::add);

        assertThat(received).hasSize(1);
        try (Target t = received.get(0)) {
            assertThat(t.db().serverInfo().database()).isEqualTo(db);
            assertThat(t.isDemo()).isFalse();
        }
    }

    @Test
    void cancelledConnectClosesWhatItOpenedAndHandsNothingOver() throws Exception {
        String db = TestPostgres.freshDatabase("conn_cancel");
        List<Runnable> pending = new ArrayList<>();
        ConnectionViewModel loaded = model(db);
        ConnectionViewModel vm = new ConnectionViewModel(new Workspace(home.resolve("ws")),
                new Targets(Map.of(), home), loaded.runbook(), SAME_THREAD, pending::add);
        fieldsFor(vm, db, TestPostgres.server().port());
        List<Target> received = new ArrayList<>();

        vm.connect(received::add);
        assertThat(vm.busyProperty().get()).isTrue();
        vm.cancel();
        while (!pending.isEmpty()) pending.remove(0).run();

        assertThat(received).isEmpty();
        assertThat(vm.busyProperty().get()).isFalse();
        // A backend leaves pg_stat_activity a moment after its client closes; one still there after ten seconds was
        // never closed.
        long deadline = System.nanoTime() + 10_000_000_000L;
        int left;
        do {
            try (var c = TestPostgres.connect("postgres"); var st = c.createStatement();
                 var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db + "'")) {
                rs.next();
                left = rs.getInt(1);
            }
            if (left > 0) Thread.sleep(50);
        } while (left > 0 && System.nanoTime() < deadline);
        assertThat(left).as("backends of the cancelled connect still open").isZero();
    }

    @Test
    void wrongPortGivesAClearErrorAndNoResult() throws Exception {
        ConnectionViewModel vm = model(null);
        fieldsFor(vm, "postgres", freePort());

        vm.testConnection();

        assertThat(vm.testResultProperty().get()).isNull();
        assertThat(vm.errorProperty().get()).startsWith("cannot connect to postgres@localhost:");
        assertThat(vm.busyProperty().get()).isFalse();
    }

    @Test
    void nonNumericPortIsRefusedBeforeConnecting() throws Exception {
        ConnectionViewModel vm = model(null);
        fieldsFor(vm, "postgres", 5432);
        vm.portProperty().set("54x2");
        assertThat(vm.validationProperty().get()).contains("port must be a number");
        assertThat(vm.canConnectProperty().get()).isFalse();
    }

    /**
     * One rule with the CLI's --db: a URI's password is used for that connection, and kept nowhere: not in a
     * profile, not in the remembered last connection (an attacker reading the workspace finds no password).
     */
    @Test
    void aUriWithAPasswordConnectsLikeTheCliButIsNeverSavedNorRemembered() throws Exception {
        String db = TestPostgres.freshDatabase("conn_uri_pw");
        ConnectionViewModel vm = model(db);
        List<Target> connected = new ArrayList<>();
        fieldsFor(vm, db, TestPostgres.server().port());
        vm.connect(connected::add);
        vm.modeProperty().set(ConnectionViewModel.Mode.URI);
        String uri = "postgresql://postgres:s3cret-in-uri@localhost:" + TestPostgres.server().port() + "/" + db;
        vm.uriProperty().set(uri);
        assertThat(vm.validationProperty().get()).isEmpty();
        assertThat(vm.uriPasswordNoteProperty().get()).isEqualTo(ConnectionViewModel.URI_PASSWORD_NOTE);

        vm.profileNameProperty().set("with-password");
        vm.saveProfile();
        assertThat(vm.errorProperty().get()).contains("never holds a password");
        assertThat(vm.profiles()).isEmpty();

        vm.connect(connected::add);
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(connected).hasSize(2);
        connected.forEach(Target::close);
        assertThat(workspaceFiles()).isNotEmpty().allSatisfy(f ->
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("s3cret-in-uri"));
        ConnectionViewModel again = model(db);
        assertThat(again.uriProperty().get()).as("not offered again with its password").isEmpty();
        assertThat(again.modeProperty().get()).as("the last connection that can be kept").isEqualTo(
                ConnectionViewModel.Mode.FIELDS);
    }

    @Test
    void theLastConnectionOfARunbookIsOfferedWhenItsDialogOpensAgain() throws Exception {
        String db = TestPostgres.freshDatabase("conn_last");
        ConnectionViewModel vm = model(db);
        fieldsFor(vm, db, TestPostgres.server().port());
        List<Target> connected = new ArrayList<>();
        vm.connect(connected::add);
        assertThat(connected).hasSize(1);
        connected.get(0).close();

        ConnectionViewModel again = model(db);
        assertThat(again.modeProperty().get()).isEqualTo(ConnectionViewModel.Mode.FIELDS);
        assertThat(again.hostProperty().get()).isEqualTo("localhost");
        assertThat(again.portProperty().get()).isEqualTo(Integer.toString(TestPostgres.server().port()));
        assertThat(again.databaseProperty().get()).isEqualTo(db);
        assertThat(again.userProperty().get()).isEqualTo("postgres");
        assertThat(again.profileNameProperty().get()).as("not a saved profile").isEmpty();

        Path other = home.resolve("other.yaml");
        Files.writeString(other, "runbook: Other\ntarget:\n  environment: staging\n"
                + "phases:\n  - name: P\n    steps:\n      - id: s\n        title: S\n        checks:\n"
                + "          - query: { sql: \"SELECT 1\", expect: \"= 1\" }\n");
        ConnectionViewModel otherRunbook = new ConnectionViewModel(new Workspace(home.resolve("ws")),
                new Targets(Map.of(), home), RunbookLoader.load(other), SAME_THREAD, SAME_THREAD);
        otherRunbook.load();
        assertThat(otherRunbook.databaseProperty().get()).as("remembered per runbook").isEmpty();
    }

    /**
     * Test then Connect on a server that wants a password asks for it once; a wrong one is forgotten, so the next
     * attempt asks again instead of failing with it forever.
     */
    @Test
    void thePasswordTypedForTestIsReusedByConnectAndAWrongOneIsAskedAgain() throws Exception {
        String db = TestPostgres.freshDatabase("conn_pw");
        String role = passwordRole("right-pw");
        ConnectionViewModel vm = model(db);
        fieldsFor(vm, db, TestPostgres.server().port());
        vm.userProperty().set(role);
        List<String> answers = new ArrayList<>(List.of("wrong-pw", "right-pw"));
        List<String> asked = new ArrayList<>();
        vm.setPasswordPrompt(target -> {
            asked.add(target);
            return answers.remove(0).toCharArray();
        });

        vm.testConnection();
        assertThat(vm.errorProperty().get()).contains("password authentication failed");
        vm.testConnection();
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(vm.testResultProperty().get().server().user()).isEqualTo(role);
        assertThat(asked).as("the wrong password is asked again, not reused").hasSize(2);

        List<Target> connected = new ArrayList<>();
        vm.connect(connected::add);
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(connected).hasSize(1);
        connected.get(0).close();
        assertThat(asked).as("Connect reuses the password typed for Test").hasSize(2);

        vm.testConnection();
        assertThat(asked).as("forgotten once connected").hasSize(3);
    }

    /**
     * A login role of the shared test server that must give a password (scram-sha-256), whatever the server's
     * trust rule for everyone else: its own line heads pg_hba.conf, so other tests are untouched.
     */
    private static String passwordRole(String password) throws Exception {
        String role = "pw_" + Long.toHexString(System.nanoTime());
        try (java.sql.Connection c = TestPostgres.connect("postgres"); java.sql.Statement st = c.createStatement()) {
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
            st.execute("GRANT pg_read_all_data TO " + role);
            String hba;
            try (java.sql.ResultSet rs = st.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = rs.getString(1);
            }
            Path file = Path.of(hba);
            Files.writeString(file, "host all " + role + " 127.0.0.1/32 scram-sha-256\n"
                    + "host all " + role + " ::1/128 scram-sha-256\n" + Files.readString(file));
            st.execute("SELECT pg_reload_conf()");
        }
        return role;
    }

    private List<Path> workspaceFiles() throws IOException {
        try (var files = Files.walk(home.resolve("ws"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void savedProfileIsOfferedAndFillsTheFields() throws Exception {
        ConnectionViewModel vm = model(null);
        fieldsFor(vm, "billing", 5433);
        vm.profileNameProperty().set("staging");
        vm.saveProfile();

        ConnectionViewModel again = model(null);
        assertThat(again.profiles()).extracting(ConnectionProfile::name).containsExactly("staging");
        again.selectedProfileProperty().set(again.profiles().get(0));
        assertThat(again.modeProperty().get()).isEqualTo(ConnectionViewModel.Mode.FIELDS);
        assertThat(again.portProperty().get()).isEqualTo("5433");
        assertThat(again.databaseProperty().get()).isEqualTo("billing");
    }

    @Test
    void corruptProfilesFileIsReportedNotFatal() throws Exception {
        Path config = home.resolve("ws/config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("profiles.json"), "not json");

        ConnectionViewModel vm = model(null);

        assertThat(vm.profiles()).isEmpty();
        assertThat(vm.errorProperty().get()).contains("profiles.json").contains("move it away");
    }

    @Test
    void demoIsOnlyOfferedForARunbookWithADemo() throws Exception {
        ConnectionViewModel vm = model(null);
        vm.modeProperty().set(ConnectionViewModel.Mode.DEMO);
        assertThat(vm.demoAvailableProperty().get()).isFalse();
        assertThat(vm.validationProperty().get()).contains("no demo");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String serverVersion(String db) throws java.sql.SQLException {
        try (java.sql.Connection c = TestPostgres.connect(db); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
