package dev.runbookpilot.check;

import dev.runbookpilot.db.CatalogObject;
import dev.runbookpilot.db.CatalogReader;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.ObjectKind;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.runbookpilot.check.ObjectChecksTest.obj;
import static org.assertj.core.api.Assertions.assertThat;

class SchemaDiffsTest {

    static final List<CatalogObject> BASE = List.of(
            obj(ObjectKind.TABLES, "users", null, "rls", "false"),
            obj(ObjectKind.COLUMNS, "id", "users", "type", "integer", "nullable", "false"),
            obj(ObjectKind.COLUMNS, "email", "users", "type", "text", "nullable", "false"),
            obj(ObjectKind.INDEXES, "users_email_idx", "users", "table", "users", "columns", "email"),
            obj(ObjectKind.TABLES, "git_sessions", null, "rls", "false"),
            obj(ObjectKind.COLUMNS, "id", "git_sessions", "type", "integer", "nullable", "false"),
            obj(ObjectKind.EXTENSIONS, "plpgsql", null, "version", "1.0"));

    static SchemaSnapshot snapshot(List<CatalogObject> objects) {
        return new SchemaSnapshot("public", objects);
    }

    static List<CatalogObject> with(List<CatalogObject> base, List<String> removeKeys, CatalogObject... add) {
        List<CatalogObject> out = new ArrayList<>();
        for (CatalogObject o : base) if (!removeKeys.contains(o.key())) out.add(o);
        out.addAll(List.of(add));
        return out;
    }

    static CheckSpec.SchemaDiff spec(List<String> added, List<String> removed, List<String> changed,
                                     Map<String, String> renamed) {
        return new CheckSpec.SchemaDiff(new CheckSpec.Meta(null, null, null), "before", added, removed, changed,
                renamed);
    }

    static List<CheckDetail.SchemaChange> changes(CheckOutcome o) {
        return ((CheckDetail.SchemaChanges) o.detail()).changes();
    }

    @Test
    void identicalSchemasPassWithNoChanges() {
        CheckOutcome o = SchemaDiffs.evaluate(spec(List.of(), List.of(), List.of(), Map.of()), snapshot(BASE),
                snapshot(BASE));
        assertThat(o.status()).isEqualTo(Status.PASSED);
        assertThat(o.actual()).isEqualTo("no changes");
        assertThat(o.expected()).isEqualTo("no schema changes since 'before'");
        assertThat(changes(o)).isEmpty();
    }

    @Test
    void enumLabelsWithCommasAreComparedAsWholeLabels() {
        CatalogObject was = obj(ObjectKind.TYPES, "size", null, "type", "enum", "values", "'S', 'M, L'");
        CatalogObject is = obj(ObjectKind.TYPES, "size", null, "type", "enum", "values", "'S', 'M, L', 'XL'");
        CheckOutcome added = SchemaDiffs.evaluate(spec(List.of(), List.of(), List.of(), Map.of()),
                snapshot(List.of(was)), snapshot(List.of(is)));
        assertThat(added.actual()).isEqualTo("1 unexpected change: type:size changed: value 'XL' added");
        CatalogObject renamed = obj(ObjectKind.TYPES, "size", null, "type", "enum", "values", "'S', 'M, or L'");
        CheckOutcome o = SchemaDiffs.evaluate(spec(List.of(), List.of(), List.of(), Map.of()),
                snapshot(List.of(was)), snapshot(List.of(renamed)));
        assertThat(o.actual()).isEqualTo("1 unexpected change: type:size changed: value 'M, L' renamed to 'M, or L'");
    }

    @Test
    void anUndeclaredChangeFailsAndIsNamed() {
        SchemaSnapshot now = snapshot(with(BASE, List.of("index:users_email_idx")));
        CheckOutcome o = SchemaDiffs.evaluate(spec(List.of(), List.of(), List.of(), Map.of()), snapshot(BASE), now);
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.actual()).isEqualTo("1 unexpected change: index:users_email_idx removed");
        assertThat(changes(o)).containsExactly(new CheckDetail.SchemaChange("removed", "index:users_email_idx",
                "columns email; table users", null, false, true));
    }

    @Test
    void declaredChangesPassAndAChangedPropertyIsDescribed() {
        SchemaSnapshot now = snapshot(with(BASE, List.of("column:users.id"),
                obj(ObjectKind.COLUMNS, "id", "users", "type", "bigint", "nullable", "false"),
                obj(ObjectKind.INDEXES, "users_lower_email_idx", "users", "table", "users", "columns", "lower(email)")));
        CheckOutcome o = SchemaDiffs.evaluate(spec(List.of("index:users_lower_*"), List.of(),
                List.of("column:users.id"), Map.of()), snapshot(BASE), now);
        assertThat(o.status()).isEqualTo(Status.PASSED);
        assertThat(o.actual()).isEqualTo("1 added, 0 removed, 1 changed as declared");
        assertThat(changes(o)).contains(new CheckDetail.SchemaChange("changed", "column:users.id", "type integer",
                "type bigint", true, true, "type integer → bigint"));
    }

    @Test
    void aDeclarationThatMatchesNothingFails() {
        CheckOutcome o = SchemaDiffs.evaluate(spec(List.of("table:codebase_snapshots"), List.of(), List.of(),
                Map.of()), snapshot(BASE), snapshot(BASE));
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.actual()).isEqualTo("1 declared change did not happen: added table:codebase_snapshots");
        assertThat(changes(o)).containsExactly(new CheckDetail.SchemaChange("added", "table:codebase_snapshots",
                null, null, true, false));
    }

    @Test
    void aChangeMustBeDeclaredUnderItsOwnType() {
        SchemaSnapshot now = snapshot(with(BASE, List.of("column:users.email")));
        CheckOutcome o = SchemaDiffs.evaluate(spec(List.of(), List.of(), List.of("column:users.email"), Map.of()),
                snapshot(BASE), now);
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.actual()).isEqualTo("1 unexpected change: column:users.email removed; "
                + "1 declared change did not happen: changed column:users.email");
    }

    @Test
    void globsMatchWithStarAndQuestionMark() {
        assertThat(SchemaDiffs.glob("index:users_*").matcher("index:users_email_idx").matches()).isTrue();
        assertThat(SchemaDiffs.glob("column:users.?d").matcher("column:users.id").matches()).isTrue();
        assertThat(SchemaDiffs.glob("column:users.?d").matcher("column:users.uid_x").matches()).isFalse();
        assertThat(SchemaDiffs.glob("table:a.b").matcher("table:aXb").matches()).isFalse();
        assertThat(SchemaDiffs.glob("column:*").matcher("table:users").matches()).isFalse();
    }

    @Test
    void removingATableCoversItsColumnsAndIndexes() {
        SchemaSnapshot now = snapshot(with(BASE, List.of("table:users", "column:users.id", "column:users.email",
                "index:users_email_idx")));
        CheckOutcome o = SchemaDiffs.evaluate(spec(List.of(), List.of("table:users"), List.of(), Map.of()),
                snapshot(BASE), now);
        assertThat(o.status()).isEqualTo(Status.PASSED);
        assertThat(o.actual()).isEqualTo("0 added, 4 removed, 0 changed as declared");
        assertThat(changes(o)).allMatch(CheckDetail.SchemaChange::expected);
    }

    @Test
    void aRenamedTableTakesItsColumnsAndIndexesAlong() {
        SchemaSnapshot now = snapshot(with(BASE, List.of("table:git_sessions", "column:git_sessions.id"),
                obj(ObjectKind.TABLES, "git_agent_sessions", null, "rls", "false"),
                obj(ObjectKind.COLUMNS, "id", "git_agent_sessions", "type", "integer", "nullable", "false")));
        CheckOutcome o = SchemaDiffs.evaluate(spec(List.of(), List.of(), List.of(),
                Map.of("table:git_sessions", "table:git_agent_sessions")), snapshot(BASE), now);
        assertThat(o.status()).isEqualTo(Status.PASSED);
        assertThat(o.actual()).isEqualTo("0 added, 0 removed, 0 changed, 1 renamed as declared");
        assertThat(changes(o)).containsExactly(new CheckDetail.SchemaChange("renamed",
                "table:git_sessions -> table:git_agent_sessions", "table:git_sessions", "table:git_agent_sessions",
                true, true));
    }

    @Test
    void aRenameThatDidNotHappenFailsAndSaysWhy() {
        CheckOutcome o = SchemaDiffs.evaluate(spec(List.of(), List.of(), List.of(),
                Map.of("table:git_sessions", "git_agent_sessions")), snapshot(BASE), snapshot(BASE));
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.actual()).isEqualTo("1 declared change did not happen: renamed table:git_sessions -> "
                + "table:git_agent_sessions (table:git_sessions still exists)");
    }

    @Test
    void snapshotsOfDifferentSchemasAreAnError() {
        CheckOutcome o = SchemaDiffs.evaluate(spec(List.of(), List.of(), List.of(), Map.of()), snapshot(BASE),
                new SchemaSnapshot("billing", BASE));
        assertThat(o.status()).isEqualTo(Status.ERROR);
    }

    @Test
    void replacesIdentifiersBareOrQuotedButNotInsideLongerNames() {
        assertThat(SchemaDiffs.replaceIdentifier(
                "FOREIGN KEY (user_id) REFERENCES users(id)", "users", "accounts"))
                .isEqualTo("FOREIGN KEY (user_id) REFERENCES accounts(id)");
        assertThat(SchemaDiffs.replaceIdentifier("nextval('users_id_seq'::regclass)", "users", "accounts"))
                .isEqualTo("nextval('users_id_seq'::regclass)");
        assertThat(SchemaDiffs.replaceIdentifier("ON public.\"Order Items\" USING btree", "Order Items", "order"))
                .isEqualTo("ON public.\"order\" USING btree");
    }

    /** The migration of the design's example, run for real, so the rename follows what PostgreSQL prints. */
    @Test
    void explainsARealTableRenameWithDependentObjects() throws Exception {
        String db = TestPostgres.freshDatabase("diff_rename");
        TestPostgres.exec(db, """
                CREATE TABLE codebases (id bigint PRIMARY KEY);
                CREATE TABLE detection_events (
                    id bigserial PRIMARY KEY,
                    codebase_id bigint NOT NULL REFERENCES codebases (id),
                    snapshot_id text NOT NULL,
                    summary text,
                    CHECK (snapshot_id <> ''));
                CREATE INDEX detection_events_codebase_idx ON detection_events (codebase_id);
                CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
                CREATE TRIGGER detection_events_touch BEFORE UPDATE ON detection_events
                    FOR EACH ROW EXECUTE FUNCTION touch();
                CREATE VIEW recent_events AS SELECT id, summary FROM detection_events;
                CREATE TABLE git_sessions (id int PRIMARY KEY, note text);
                CREATE TABLE audit_log (
                    id int PRIMARY KEY, event_id bigint REFERENCES detection_events (id));
                """);
        SchemaSnapshot before;
        try (Connection c = TestPostgres.connect(db)) {
            before = CatalogReader.read(c, "public");
        }
        TestPostgres.exec(db, """
                ALTER TABLE detection_events RENAME TO codebase_snapshots;
                ALTER TABLE codebase_snapshots RENAME COLUMN summary TO description;
                CREATE UNIQUE INDEX codebase_snapshots_codebase_id_snapshot_id_index
                    ON codebase_snapshots (codebase_id, snapshot_id);
                DROP TABLE git_sessions;
                ALTER TABLE audit_log ALTER COLUMN id TYPE bigint;
                """);
        SchemaSnapshot after;
        try (Connection c = TestPostgres.connect(db)) {
            after = CatalogReader.read(c, "public");
        }
        CheckSpec.SchemaDiff declared = spec(List.of("index:codebase_snapshots_*_index"),
                List.of("table:git_sessions"), List.of("column:audit_log.id", "view:recent_events"),
                Map.of("table:detection_events", "table:codebase_snapshots",
                        "column:codebase_snapshots.summary", "description"));
        CheckOutcome o = SchemaDiffs.evaluate(declared, before, after);
        assertThat(o.actual()).isEqualTo("1 added, 5 removed, 2 changed, 2 renamed as declared");
        assertThat(o.status()).isEqualTo(Status.PASSED);

        CheckOutcome undeclared = SchemaDiffs.evaluate(spec(List.of(), List.of("table:git_sessions"),
                List.of("column:audit_log.id", "view:recent_events"), Map.of()), before, after);
        assertThat(undeclared.status()).isEqualTo(Status.FAILED);
        assertThat(undeclared.actual()).contains("table:codebase_snapshots added", "table:detection_events removed");
    }

    @Test
    void constraintsMayBeNamedWithoutTheirTableAsPsqlShowsThem() {
        assertThat(SchemaDiffs.keyMatches("constraint:users_pkey", "constraint:users.users_pkey")).isTrue();
        assertThat(SchemaDiffs.keyMatches("constraint:*_pkey", "constraint:users.users_pkey")).isTrue();
        assertThat(SchemaDiffs.keyMatches("constraint:orders.users_pkey", "constraint:users.users_pkey")).isFalse();
        assertThat(SchemaDiffs.keyMatches("index:users_pkey", "constraint:users.users_pkey")).isFalse();
        assertThat(SchemaDiffs.keyMatches("column:email", "column:users.email")).isFalse();
    }
}
