package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.ObjectKind;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RowSecurityRecogniserTest {

    private static final String CHECKLIST = """
            # RLS
            ## Before
            - `profiles` has RLS **disabled** right now (that's the bug we fix)
            ## After
            1. RLS enabled on `profiles` and `profile_settings`.
            2. Policies exist: `profiles_select_own`, `profiles_update_own` on `profiles`; `settings_owner_all` on `profile_settings`.
            """;

    @Test
    void rowLevelSecurityAndPoliciesNamedInProseBecomeTableAndPolicyChecks() throws Exception {
        List<CheckSpec> checks = Imports.automated(CHECKLIST);
        assertThat(checks).extracting(c -> ((CheckSpec.CatalogObjects) c).objectKind())
                .containsExactly(ObjectKind.TABLES, ObjectKind.TABLES, ObjectKind.POLICIES);
        assertThat(((CheckSpec.CatalogObjects) checks.get(0)).exist()).singleElement()
                .satisfies(o -> assertThat(o.properties()).containsEntry("rls", "false"));
        assertThat(((CheckSpec.CatalogObjects) checks.get(1)).exist()).hasSize(2)
                .allSatisfy(o -> assertThat(o.properties()).containsEntry("rls", "true"));
        assertThat(((CheckSpec.CatalogObjects) checks.get(2)).exist()).extracting(o -> o.properties().get("table"))
                .containsExactly("profiles", "profiles", "profile_settings");
    }

    @Test
    void instructionsAndUnclearStatesStayManual() throws Exception {
        for (String item : List.of("Enable RLS on `profiles`", "Disable row level security on `profiles` again",
                "RLS on `profiles`", "Policies `a`, `b`", "No policy `open_read` on `profiles`",
                "Policies exist: `a`, `b`")) {
            assertThat(Imports.automated("# T\n## After\n- " + item + "\n")).as(item).isEmpty();
        }
    }

    @Test
    void withRlsOffOrAPolicyMissingTheChecksFailAndOnceRightTheyPass(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("rls");
        TestPostgres.exec(db, "CREATE TABLE profiles (id int); CREATE TABLE profile_settings (id int);"
                + "ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;"
                + "CREATE POLICY profiles_select_own ON profiles FOR SELECT USING (true)");
        try (LiveImport live = LiveImport.open(CHECKLIST, db, dir)) {
            live.runStep("Before").runStep("After");
            assertThat(live.status("profiles has RLS disabled")).isEqualTo(Status.FAILED);
            assertThat(live.status("RLS enabled on")).isEqualTo(Status.FAILED);
            assertThat(live.status("Policies exist")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "ALTER TABLE profiles DISABLE ROW LEVEL SECURITY");
            live.runStep("Before");
            assertThat(live.status("profiles has RLS disabled")).isEqualTo(Status.PASSED);
            TestPostgres.exec(db, "ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;"
                    + "ALTER TABLE profile_settings ENABLE ROW LEVEL SECURITY;"
                    + "CREATE POLICY profiles_update_own ON profiles FOR UPDATE USING (true);"
                    + "CREATE POLICY settings_owner_all ON profile_settings USING (true)");
            live.runStep("After");
            assertThat(live.status("RLS enabled on")).isEqualTo(Status.PASSED);
            assertThat(live.status("Policies exist")).isEqualTo(Status.PASSED);
        }
    }
}
