package dev.runbookpilot.db;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.runbookpilot.runbook.ObjectKind;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The catalog objects of one schema at one moment (plus the database's extensions, which belong to no schema),
 * ordered by key. Plain records without cycles, so the session journal stores it as JSON and reads it back equal.
 *
 * <p>In JSON each object is an array, {@code [kind, name, table, definition, {properties}]}, not an object with
 * those five names: a 2,000-table schema's 20,000 objects are a quarter fewer bytes and about half the CPU to write
 * in a cold process (the operator waits for the snapshot to be journaled). Journals written before keep their
 * objects as JSON objects, and both forms read back to the same snapshot (ADR 0040).
 */
@JsonSerialize(using = SchemaSnapshot.Writer.class)
@JsonDeserialize(using = SchemaSnapshot.Reader.class)
public record SchemaSnapshot(String schema, List<CatalogObject> objects) {

    public SchemaSnapshot {
        Objects.requireNonNull(schema, "schema");
        objects = sortedByKey(objects);
    }

    /**
     * The objects in key order, each key built once: a comparator on {@link CatalogObject#key()} builds two strings
     * per comparison, about 600,000 for the 20,000 objects of a 2,000-table schema. Stable, like any sort of a list.
     */
    private static List<CatalogObject> sortedByKey(List<CatalogObject> objects) {
        record Keyed(String key, CatalogObject object) {}
        List<Keyed> keyed = new ArrayList<>(objects.size());
        for (CatalogObject o : objects) keyed.add(new Keyed(o.key(), o));
        keyed.sort(Comparator.comparing(Keyed::key));
        List<CatalogObject> sorted = new ArrayList<>(keyed.size());
        for (Keyed k : keyed) sorted.add(k.object());
        return Collections.unmodifiableList(sorted);
    }

    public List<CatalogObject> of(ObjectKind kind) {
        return objects.stream().filter(o -> o.kind() == kind).toList();
    }

    /** Objects of a kind that belong to a table (its columns, indexes, ...); names compare exactly. */
    public List<CatalogObject> of(ObjectKind kind, String table) {
        return objects.stream().filter(o -> o.kind() == kind && Objects.equals(o.table(), table)).toList();
    }

    public Optional<CatalogObject> find(String key) {
        return objects.stream().filter(o -> o.key().equals(key)).findFirst();
    }

    /** Writes {@code {"schema": ..., "objects": [[kind, name, table, definition, {properties}], ...]}}. */
    static final class Writer extends StdSerializer<SchemaSnapshot> {
        private static final long serialVersionUID = 1L;

        Writer() {
            super(SchemaSnapshot.class);
        }

        @Override
        public void serialize(SchemaSnapshot snapshot, JsonGenerator g, SerializerProvider provider)
                throws IOException {
            g.writeStartObject();
            g.writeStringField("schema", snapshot.schema());
            g.writeArrayFieldStart("objects");
            for (CatalogObject o : snapshot.objects()) {
                g.writeStartArray();
                g.writeString(o.kind().name());
                g.writeString(o.name());
                g.writeString(o.table());
                g.writeString(o.definition());
                g.writeStartObject();
                for (Map.Entry<String, String> p : o.properties().entrySet()) g.writeStringField(p.getKey(), p.getValue());
                g.writeEndObject();
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** Reads both forms of an object: the array written now and the JSON object of journals written before. */
    static final class Reader extends StdDeserializer<SchemaSnapshot> {
        private static final long serialVersionUID = 1L;

        Reader() {
            super(SchemaSnapshot.class);
        }

        @Override
        public SchemaSnapshot deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartObjectToken()) {
                return (SchemaSnapshot) ctxt.handleUnexpectedToken(SchemaSnapshot.class, p);
            }
            String schema = null;
            // Null until the array is read: a snapshot whose objects are missing, null or misspelt is damaged, not
            // a snapshot of an empty schema (which a later comparison would read as "everything was dropped").
            List<CatalogObject> objects = null;
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                JsonToken t = p.nextToken();
                if ("schema".equals(field)) {
                    schema = t == JsonToken.VALUE_NULL ? null : p.getText();
                } else if ("objects".equals(field) && t == JsonToken.START_ARRAY) {
                    objects = new ArrayList<>();
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        objects.add(t == JsonToken.START_ARRAY ? compact(p)
                                : ctxt.readValue(p, CatalogObject.class));
                    }
                } else if ("objects".equals(field)) {
                    throw JsonMappingException.from(p, "a schema snapshot's objects must be a JSON array, found " + t);
                } else {
                    throw JsonMappingException.from(p, "a schema snapshot has a schema and objects, not " + field);
                }
            }
            if (schema == null) throw JsonMappingException.from(p, "a schema snapshot without its schema");
            if (objects == null) throw JsonMappingException.from(p, "a schema snapshot without its objects");
            return new SchemaSnapshot(schema, objects);
        }

        private static CatalogObject compact(JsonParser p) throws IOException {
            String kindName = text(p);
            ObjectKind kind;
            try {
                kind = ObjectKind.valueOf(Objects.requireNonNull(kindName, "kind"));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw JsonMappingException.from(p, "not an object kind: " + kindName, e);
            }
            String name = text(p);
            String table = text(p);
            String definition = text(p);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw JsonMappingException.from(p, "a catalog object's properties must be a JSON object");
            }
            Map<String, String> properties = new LinkedHashMap<>();
            for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
                properties.put(key, text(p));
            }
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw JsonMappingException.from(p, "a catalog object has five parts: kind, name, table, definition,"
                        + " properties");
            }
            try {
                return new CatalogObject(kind, name, table, properties, definition);
            } catch (NullPointerException e) {
                throw JsonMappingException.from(p, "a catalog object without a name", e);
            }
        }

        /** The next value, a string or null; anything else is a damaged snapshot. */
        private static String text(JsonParser p) throws IOException {
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) return null;
            if (t != JsonToken.VALUE_STRING) {
                throw JsonMappingException.from(p, "expected a string in a catalog object, found " + t);
            }
            return p.getText();
        }
    }
}
