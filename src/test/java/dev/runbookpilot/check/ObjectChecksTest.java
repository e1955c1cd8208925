package dev.runbookpilot.check;

import dev.runbookpilot.db.CatalogObject;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.CheckSpec.ObjectSpec;
import dev.runbookpilot.runbook.Expectation;
import dev.runbookpilot.runbook.ObjectKind;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectChecksTest {

    static CatalogObject obj(ObjectKind kind, String name, String table, String... props) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) p.put(props[i], props[i + 1]);
        return new CatalogObject(kind, name, table, p, null);
    }

    static final SchemaSnapshot SHOP = new SchemaSnapshot("public", List.of(
            obj(ObjectKind.TABLES, "users", null, "rls", "false"),
            obj(ObjectKind.TABLES, "orders", null, "rls", "true"),
            obj(ObjectKind.COLUMNS, "id", "users", "type", "bigint", "nullable", "false"),
            obj(ObjectKind.COLUMNS, "email", "users", "type", "character varying(255)", "nullable", "false"),
            obj(ObjectKind.COLUMNS, "created_at", "users", "type", "timestamp with time zone", "nullable", "true",
                    "default", "now()"),
            obj(ObjectKind.COLUMNS, "id", "orders", "type", "integer", "nullable", "false"),
            obj(ObjectKind.COLUMNS, "user_id", "orders", "type", "bigint", "nullable", "false"),
            obj(ObjectKind.COLUMNS, "amount", "orders", "type", "integer", "nullable", "true"),
            obj(ObjectKind.INDEXES, "users_pkey", "users", "table", "users", "unique", "true", "primary", "true",
                    "columns", "id", "partial", "false", "method", "btree"),
            obj(ObjectKind.INDEXES, "users_email_key", "users", "table", "users", "unique", "true", "primary",
                    "false", "columns", "email", "partial", "true", "method", "btree"),
            obj(ObjectKind.INDEXES, "orders_user_created_idx", "orders", "table", "orders", "unique", "false",
                    "columns", "user_id, id", "method", "btree"),
            obj(ObjectKind.CONSTRAINTS, "orders_pkey", "orders", "type", "primary key", "columns", "id"),
            obj(ObjectKind.CONSTRAINTS, "orders_user_id_fkey", "orders", "type", "foreign key", "columns",
                    "user_id", "references", "users"),
            obj(ObjectKind.CONSTRAINTS, "users_pkey", "users", "type", "primary key", "columns", "id"),
            obj(ObjectKind.TRIGGERS, "orders_audit", "orders", "table", "orders", "timing", "after", "events",
                    "insert, update, delete", "function", "audit", "enabled", "true"),
            obj(ObjectKind.FUNCTIONS, "audit", null, "arguments", "", "argumentTypes", "", "returns", "trigger",
                    "language", "plpgsql"),
            obj(ObjectKind.FUNCTIONS, "total", null, "arguments", "p_user bigint, p_since date", "argumentTypes",
                    "bigint, date", "returns", "numeric", "language", "sql"),
            obj(ObjectKind.POLICIES, "orders_own", "orders", "table", "orders", "command", "select", "permissive",
                    "true", "roles", "app_reader, app_writer"),
            obj(ObjectKind.EXTENSIONS, "pgcrypto", null, "version", "1.3")));

    static CheckSpec.CatalogObjects spec(ObjectKind kind, String table, List<ObjectSpec> exist, List<String> absent,
                                         List<ObjectSpec> exact, String count, Map<String, String> filter) {
        try {
            return new CheckSpec.CatalogObjects(new CheckSpec.Meta(null, null, null), kind, null, table, exist, absent,
                    exact, count == null ? null : Expectation.parse(count), filter);
        } catch (Expectation.ParseException e) {
            throw new AssertionError(e);
        }
    }

    static CheckSpec.CatalogObjects exist(ObjectKind kind, String table, ObjectSpec... specs) {
        return spec(kind, table, List.of(specs), List.of(), null, null, Map.of());
    }

    static ObjectSpec named(String name, String... props) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) p.put(props[i], props[i + 1]);
        return new ObjectSpec(name, p);
    }

    static CheckDetail.ObjectsDiff diff(CheckOutcome o) {
        return (CheckDetail.ObjectsDiff) o.detail();
    }

    @Test
    void passesWhenEveryListedColumnExistsWithItsTypeInAnySpelling() {
        CheckOutcome o = ObjectChecks.evaluate(exist(ObjectKind.COLUMNS, "users",
                named("id", "type", "int8", "nullable", "no"),
                named("email", "type", "VARCHAR(255)"),
                named("created_at", "type", "timestamptz", "default", "now()")), SHOP);
        assertThat(o.status()).isEqualTo(Status.PASSED);
        assertThat(o.actual()).isEqualTo("all 3 present");
        assertThat(o.expected()).startsWith("columns of users: present: id (nullable no, type int8)");
        assertThat(diff(o).found()).containsExactly("id", "email", "created_at");
        assertThat(o.sql()).contains("pg_attribute").contains("'public'");
    }

    @Test
    void failsOnATypeMismatchSayingWhatItFound() {
        CheckOutcome o = ObjectChecks.evaluate(exist(ObjectKind.COLUMNS, "orders",
                named("amount", "type", "bigint"), named("id", "type", "int4")), SHOP);
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.actual()).isEqualTo("amount: type is integer, expected bigint");
        assertThat(diff(o).mismatched()).containsExactly("amount: type is integer, expected bigint");
        assertThat(diff(o).found()).containsExactly("id");
    }

    @Test
    void reportsMissingObjectsAndHintsAtCaseDifferences() {
        CheckOutcome o = ObjectChecks.evaluate(exist(ObjectKind.TABLES, null,
                named("users"), named("Orders"), named("invoices")), SHOP);
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.actual()).isEqualTo(
                "missing: Orders (there is orders; names are case-sensitive), invoices");
        assertThat(diff(o).missing()).containsExactly("Orders", "invoices");
    }

    @Test
    void presentAndAbsentTogetherEachSayWhatTheyAreAbout() {
        CheckOutcome o = ObjectChecks.evaluate(spec(ObjectKind.TABLES, null, List.of(named("users"), named("orders")),
                List.of("detection_events"), null, null, Map.of()), SHOP);
        assertThat(o.status()).isEqualTo(Status.PASSED);
        assertThat(o.actual()).isEqualTo("all 2 present; detection_events absent");
        CheckOutcome one = ObjectChecks.evaluate(spec(ObjectKind.TABLES, null, List.of(named("users")),
                List.of("detection_events", "git_sessions"), null, null, Map.of()), SHOP);
        assertThat(one.actual()).isEqualTo("users present; all 2 absent");
    }

    @Test
    void absentFailsNamingWhatIsStillThere() {
        CheckOutcome passing = ObjectChecks.evaluate(spec(ObjectKind.TABLES, null, List.of(),
                List.of("detection_events", "git_sessions"), null, null, Map.of()), SHOP);
        assertThat(passing.status()).isEqualTo(Status.PASSED);
        assertThat(passing.actual()).isEqualTo("all 2 absent");
        CheckOutcome failing = ObjectChecks.evaluate(spec(ObjectKind.TABLES, null, List.of(),
                List.of("orders", "gone"), null, null, Map.of()), SHOP);
        assertThat(failing.status()).isEqualTo(Status.FAILED);
        assertThat(failing.actual()).isEqualTo("present: orders");
        assertThat(diff(failing).unexpected()).containsExactly("orders");
    }

    @Test
    void exactListsBothMissingAndExtraObjects() {
        CheckOutcome o = ObjectChecks.evaluate(spec(ObjectKind.COLUMNS, "orders", List.of(), List.of(),
                List.of(named("id"), named("user_id"), named("total")), null, Map.of()), SHOP);
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.actual()).isEqualTo("missing: total; extra: amount");
        assertThat(diff(o).unexpected()).containsExactly("amount");
        CheckOutcome ok = ObjectChecks.evaluate(spec(ObjectKind.COLUMNS, "orders", List.of(), List.of(),
                List.of(named("amount"), named("user_id"), named("id", "type", "integer")), null, Map.of()), SHOP);
        assertThat(ok.status()).isEqualTo(Status.PASSED);
        assertThat(ok.actual()).isEqualTo("exactly as listed (3)");
    }

    @Test
    void countsObjectsAfterTheFilter() {
        CheckOutcome fks = ObjectChecks.evaluate(spec(ObjectKind.CONSTRAINTS, null, List.of(), List.of(), null,
                "= 1", Map.of("type", "FK")), SHOP);
        assertThat(fks.status()).isEqualTo(Status.PASSED);
        assertThat(fks.actual()).isEqualTo("count = 1");
        CheckOutcome unique = ObjectChecks.evaluate(spec(ObjectKind.INDEXES, null, List.of(), List.of(), null,
                ">= 3", Map.of("unique", "yes")), SHOP);
        assertThat(unique.status()).isEqualTo(Status.FAILED);
        assertThat(unique.actual()).isEqualTo("count = 2");
        assertThat(unique.expected()).isEqualTo("indexes where unique = yes: count >= 3");
    }

    @Test
    void anObjectFilteredOutIsReportedAsNotMatchingRatherThanMissing() {
        CheckOutcome o = ObjectChecks.evaluate(spec(ObjectKind.INDEXES, "orders",
                List.of(named("orders_user_created_idx")), List.of(), null, null, Map.of("unique", "true")), SHOP);
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.actual()).isEqualTo("orders_user_created_idx: exists but does not match the where filter");
    }

    @Test
    void indexColumnsCompareInOrderButTriggerEventsAndRolesInAnyOrder() {
        assertThat(ObjectChecks.evaluate(exist(ObjectKind.INDEXES, null,
                named("orders_user_created_idx", "columns", "user_id, id")), SHOP).status()).isEqualTo(Status.PASSED);
        CheckOutcome swapped = ObjectChecks.evaluate(exist(ObjectKind.INDEXES, null,
                named("orders_user_created_idx", "columns", "id, user_id")), SHOP);
        assertThat(swapped.status()).isEqualTo(Status.FAILED);
        assertThat(swapped.actual()).isEqualTo(
                "orders_user_created_idx: columns is user_id, id, expected id, user_id");
        assertThat(ObjectChecks.evaluate(exist(ObjectKind.TRIGGERS, "orders",
                named("orders_audit", "events", "delete, INSERT, update", "timing", "AFTER", "function", "audit()")),
                SHOP).status()).isEqualTo(Status.PASSED);
        assertThat(ObjectChecks.evaluate(exist(ObjectKind.POLICIES, "orders",
                named("orders_own", "roles", "app_writer, app_reader", "command", "SELECT", "permissive", "yes")),
                SHOP).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void booleansAcceptYesAndNo() {
        assertThat(ObjectChecks.evaluate(exist(ObjectKind.INDEXES, "users",
                named("users_email_key", "unique", "yes", "partial", "True", "primary", "no")), SHOP).status())
                .isEqualTo(Status.PASSED);
        assertThat(ObjectChecks.evaluate(exist(ObjectKind.TABLES, null, named("orders", "rls", "false")), SHOP)
                .actual()).isEqualTo("orders: rls is true, expected false");
    }

    @Test
    void namesAConstraintByTableDotNameWhenNoTableIsGiven() {
        CheckOutcome o = ObjectChecks.evaluate(exist(ObjectKind.CONSTRAINTS, null,
                named("users.users_pkey", "type", "primary key"), named("orders_user_id_fkey", "references", "users")),
                SHOP);
        assertThat(o.status()).isEqualTo(Status.PASSED);
        assertThat(diff(o).found()).containsExactly("users.users_pkey", "orders.orders_user_id_fkey");
    }

    @Test
    void namesFunctionsByNameOrBySignature() {
        assertThat(ObjectChecks.evaluate(exist(ObjectKind.FUNCTIONS, null, named("total"),
                named("total(int8, date)"), named("total(p_user bigint, p_since date)", "returns", "numeric"),
                named("audit()", "language", "PLpgSQL")), SHOP).status()).isEqualTo(Status.PASSED);
        CheckOutcome o = ObjectChecks.evaluate(exist(ObjectKind.FUNCTIONS, null, named("total(integer)")), SHOP);
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(diff(o).missing()).containsExactly("total(integer)");
    }

    @Test
    void aPropertyTheObjectLacksIsReportedAsNotSet() {
        CheckOutcome o = ObjectChecks.evaluate(exist(ObjectKind.COLUMNS, "orders", named("amount", "default", "0")),
                SHOP);
        assertThat(o.actual()).isEqualTo("amount: default is not set, expected 0");
    }

    @Test
    void aCheckOnAMissingTableFailsInsteadOfPassingVacuously() {
        CheckOutcome o = ObjectChecks.evaluate(spec(ObjectKind.INDEXES, "Users", List.of(), List.of("users_old_idx"),
                null, null, Map.of()), SHOP);
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.actual()).isEqualTo(
                "table Users does not exist in schema public (there is users; names are case-sensitive)");
    }

    @Test
    void aCheckThatComparesNothingOrColumnsWithoutATableCannotBeBuilt() {
        assertThatThrownBy(() -> spec(ObjectKind.TABLES, null, List.of(), List.of(), null, null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> spec(ObjectKind.COLUMNS, null, List.of(named("id")), List.of(), null, null,
                Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyExactListDemandsThatNoObjectExists() {
        CheckOutcome o = ObjectChecks.evaluate(spec(ObjectKind.TRIGGERS, "users", List.of(), List.of(), List.of(),
                null, Map.of()), SHOP);
        assertThat(o.status()).isEqualTo(Status.PASSED);
        assertThat(o.expected()).isEqualTo("triggers of users: exactly none");
    }

    @Test
    void aSnapshotOfAnotherSchemaIsAnError() {
        CheckSpec.CatalogObjects other = new CheckSpec.CatalogObjects(new CheckSpec.Meta(null, null, null),
                ObjectKind.TABLES, "billing", null, List.of(named("users")), List.of(), null, null, Map.of());
        assertThat(ObjectChecks.evaluate(other, SHOP).status()).isEqualTo(Status.ERROR);
    }

    @Test
    void normalisesCommonTypeAliases() {
        assertThat(ObjectChecks.normalizeType("int")).isEqualTo("integer");
        assertThat(ObjectChecks.normalizeType("INT4[]")).isEqualTo("integer[]");
        assertThat(ObjectChecks.normalizeType("serial")).isEqualTo("integer");
        assertThat(ObjectChecks.normalizeType("bool")).isEqualTo("boolean");
        assertThat(ObjectChecks.normalizeType("float8")).isEqualTo("double precision");
        assertThat(ObjectChecks.normalizeType("double precision")).isEqualTo("double precision");
        assertThat(ObjectChecks.normalizeType("varchar(20)")).isEqualTo("character varying(20)");
        assertThat(ObjectChecks.normalizeType("char(2)")).isEqualTo("character(2)");
        assertThat(ObjectChecks.normalizeType("timestamptz")).isEqualTo("timestamp with time zone");
        assertThat(ObjectChecks.normalizeType("timestamptz(3)"))
                .isEqualTo(ObjectChecks.normalizeType("timestamp(3) with time zone"));
        assertThat(ObjectChecks.normalizeType("timestamp")).isEqualTo("timestamp without time zone");
        assertThat(ObjectChecks.normalizeType("timestamp without time zone")).isEqualTo("timestamp without time zone");
        assertThat(ObjectChecks.normalizeType("time")).isEqualTo("time without time zone");
        assertThat(ObjectChecks.normalizeType("decimal(10, 2)")).isEqualTo("numeric(10,2)");
        assertThat(ObjectChecks.normalizeType("numeric(10,2)")).isEqualTo("numeric(10,2)");
    }
}
