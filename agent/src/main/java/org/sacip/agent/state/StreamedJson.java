package org.sacip.agent.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Map;

/**
 * A state file's JSON written as it goes: the small fields from a tree, then one large array element by element, so
 * 100,000 sessions never exist as a JSON tree or a byte array in memory (which alone exhausted a 256 MB heap).
 */
public final class StreamedJson {
    /** Writes one element of the large array. */
    @FunctionalInterface
    public interface Element<T> {
        void write(JsonGenerator json, T item) throws IOException;
    }

    private StreamedJson() {
    }

    /** The object {@code head} with the field {@code arrayName} added last, holding {@code items}. */
    public static <T> void write(OutputStream out, ObjectMapper mapper, ObjectNode head, String arrayName,
            Iterable<T> items, Element<T> element) throws IOException {
        try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = head.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                json.writeFieldName(field.getKey());
                json.writeTree(field.getValue());
            }
            json.writeArrayFieldStart(arrayName);
            for (T item : items) {
                json.writeStartObject();
                element.write(json, item);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }
}
