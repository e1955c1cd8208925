package dev.runbookpilot.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * docs/runbook.schema.json is what editors validate with; the loader is what the tool validates with. This test
 * keeps them saying the same thing: same check kinds, same keys, and the same verdict on real files.
 */
class RunbookSchemaAgreementTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static JsonNode schemaJson;
    private static Schema schema;

    @BeforeAll
    static void readSchema() throws IOException {
        schemaJson = new ObjectMapper().readTree(TestPostgres.projectDir().resolve("docs/runbook.schema.json").toFile());
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schemaJson);
    }

    private static List<Error> schemaErrors(Path yaml) throws IOException {
        return schema.validate(YAML.readTree(yaml.toFile()));
    }

    /** The project's sample runbooks (runbooks/<name>/runbook.yaml) and this test's valid fixtures. */
    private static List<Path> validRunbooks() throws IOException {
        List<Path> files = new ArrayList<>(runbooksUnder(TestPostgres.projectDir().resolve("runbooks")));
        files.addAll(runbooksUnder(RunbookLoaderTest.fixture("valid")));
        return files;
    }

    private static List<Path> runbooksUnder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(d -> d.resolve("runbook.yaml")).filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<Path> invalidFixtures() throws IOException {
        try (Stream<Path> files = Files.list(RunbookLoaderTest.fixture("invalid"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyValidRunbookPassesBothTheSchemaAndTheLoader() throws Exception {
        List<Path> files = validRunbooks();
        assertThat(files).as("at least this test's own fixtures").hasSizeGreaterThanOrEqualTo(2);
        for (Path file : files) {
            assertThat(schemaErrors(file)).as("schema errors in %s", file).isEmpty();
            assertThat(RunbookLoader.load(file).title()).as("loaded %s", file).isNotBlank();
        }
    }

    @Test
    void everyInvalidFixtureIsRejectedByBoth() throws Exception {
        List<Path> files = invalidFixtures();
        assertThat(files).extracting(f -> f.getFileName().toString()).contains("unknown-key.yaml",
                "unknown-kind.yaml", "missing-required.yaml", "wrong-type.yaml");
        for (Path file : files) {
            assertThat(schemaErrors(file)).as("schema verdict on %s", file).isNotEmpty();
            assertThatThrownBy(() -> RunbookLoader.load(file)).as("loader verdict on %s", file)
                    .isInstanceOf(RunbookException.class);
        }
    }

    /**
     * The reference's complete examples (YAML blocks that start with {@code runbook:}) must load and validate, so
     * the page a DBA copies from never drifts from the format. They are read next to the all-kinds fixture, whose
     * demo/migration.sql satisfies their execute steps.
     */
    @Test
    void completeExamplesInTheFormatReferenceLoadAndValidate() throws Exception {
        String doc = Files.readString(TestPostgres.projectDir().resolve("docs/runbook-format.md"));
        Matcher m = Pattern.compile("```yaml\n(runbook:.*?)```", Pattern.DOTALL).matcher(doc);
        Path file = RunbookLoaderTest.fixture("valid/all-kinds/runbook.yaml");
        int examples = 0;
        while (m.find()) {
            examples++;
            String yaml = m.group(1);
            assertThat(schema.validate(YAML.readTree(yaml))).as("schema errors in:\n%s", yaml).isEmpty();
            assertThat(RunbookLoader.parse(yaml, file, "0").steps()).isNotEmpty();
        }
        assertThat(examples).isPositive();
    }

    @Test
    void schemaKnowsExactlyTheLoadersCheckKinds() {
        assertThat(schemaCheckKinds()).containsExactlyInAnyOrderElementsOf(RunbookLoader.CHECK_KINDS);
    }

    @Test
    void schemaAcceptsExactlyTheKeysTheLoaderAcceptsForEachCheckKind() {
        for (String kind : RunbookLoader.CHECK_KINDS) {
            assertThat(propertyNames(kindBody(kind))).as("keys of %s", kind)
                    .containsExactlyInAnyOrderElementsOf(RunbookLoader.CHECK_KEYS.get(kind));
        }
    }

    @Test
    void schemaAcceptsExactlyTheLoadersStructuralKeys() {
        assertThat(propertyNames(schemaJson)).containsExactlyInAnyOrderElementsOf(RunbookLoader.TOP_KEYS);
        assertThat(propertyNames(def("target"))).containsExactlyInAnyOrderElementsOf(RunbookLoader.TARGET_KEYS);
        assertThat(propertyNames(def("phase"))).containsExactlyInAnyOrderElementsOf(RunbookLoader.PHASE_KEYS);
        assertThat(propertyNames(def("step"))).containsExactlyInAnyOrderElementsOf(RunbookLoader.STEP_KEYS);
        assertThat(propertyNames(def("window"))).containsExactlyInAnyOrderElementsOf(RunbookLoader.WINDOW_KEYS);
        assertThat(propertyNames(def("gate"))).containsExactlyInAnyOrderElementsOf(RunbookLoader.GATE_KEYS);
    }

    @Test
    void schemaKnowsEachObjectKindsProperties() {
        for (ObjectKind kind : ObjectKind.values()) {
            if (!kind.checkable()) continue;
            Set<String> expected = new HashSet<>(kind.properties());
            expected.add("name");
            assertThat(propertyNames(def(kind.singular() + "Object"))).as("properties of a %s", kind.singular())
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(propertyNames(def(kind.singular() + "Filter"))).as("filter of %s", kind.yamlKey())
                    .containsExactlyInAnyOrderElementsOf(kind.properties());
        }
    }

    @Test
    void schemaRejectsUnknownKeysWhereTheLoaderDoes() {
        List<JsonNode> closed = new ArrayList<>(List.of(schemaJson, def("target"), def("phase"), def("step"),
                def("window"), def("gate")));
        RunbookLoader.CHECK_KINDS.forEach(k -> closed.add(kindBody(k)));
        for (JsonNode node : closed) {
            assertThat(node.path("additionalProperties").asBoolean(true)).as("closed: %s", node.path("description"))
                    .isFalse();
        }
    }

    private static Set<String> schemaCheckKinds() {
        Set<String> kinds = new HashSet<>();
        for (JsonNode branch : def("check").path("oneOf")) {
            assertThat(branch.path("required")).as("one required key per branch").hasSize(1);
            assertThat(propertyNames(branch)).as("a single-key object").hasSize(1);
            kinds.add(branch.path("required").get(0).asText());
        }
        return kinds;
    }

    private static JsonNode def(String name) {
        JsonNode node = schemaJson.path("$defs").path(name);
        assertThat(node.isMissingNode()).as("$defs/%s exists", name).isFalse();
        return node;
    }

    /** The mapping a kind's key holds: its definition, or, where a scalar is also allowed, the mapping branch. */
    private static JsonNode kindBody(String kind) {
        JsonNode body = def(kind);
        if (body.has("properties")) return body;
        for (JsonNode branch : body.path("anyOf")) {
            JsonNode resolved = branch.has("$ref") ? def(branch.get("$ref").asText().replace("#/$defs/", "")) : branch;
            if (resolved.has("properties")) return resolved;
        }
        throw new AssertionError("no mapping form for " + kind);
    }

    private static Set<String> propertyNames(JsonNode objectSchema) {
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, JsonNode> e : objectSchema.path("properties").properties()) names.add(e.getKey());
        return names;
    }
}
