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
        try (var c = TestPostgres.connect("postgres"); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
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
    void nonNumericPortAndPasswordInUriAreRefusedBeforeConnecting() throws Exception {
        ConnectionViewModel vm = model(null);
        fieldsFor(vm, "postgres", 5432);
        vm.portProperty().set("54x2");
        assertThat(vm.validationProperty().get()).contains("port must be a number");
        assertThat(vm.canConnectProperty().get()).isFalse();

        vm.modeProperty().set(ConnectionViewModel.Mode.URI);
        vm.uriProperty().set("postgresql://dba:secret@db/billing");
        vm.testConnection();
        assertThat(vm.errorProperty().get()).contains("~/.pgpass or enter it when asked");
        assertThat(vm.testResultProperty().get()).isNull();
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
