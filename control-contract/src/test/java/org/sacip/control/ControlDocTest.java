package org.sacip.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/CONTROL.md and the contract say the same, both ways: every command, error code, session and ghost state, event
 * type (with its fields) and payload field of the contract is documented, and the page names nothing the contract
 * lacks. The examples must decode into the contract's records (an unknown field fails) and carry all their fields.
 */
class ControlDocTest {
    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private static ControlDoc doc;

    @BeforeAll
    static void read() throws Exception {
        doc = ControlDoc.read();
    }

    @Test
    void theCommandsAreTheContracts() {
        Set<String> contract = names(ControlCommand.values(), ControlCommand::wireName);
        assertEquals(contract, ControlDoc.namesInLine(doc.section("2. Requests"), "- `cmd`"),
                "the commands listed for \"cmd\" in section 2");
        Set<String> described = new TreeSet<>();
        for (String heading : doc.headings()) {
            Set<String> named = ControlDoc.codes(heading);
            if (heading.startsWith("`") || heading.matches("\\d+\\. `.*")) {
                described.addAll(named);
            }
        }
        assertEquals(new TreeSet<>(contract), described, "the commands with a section of their own");
    }

    @Test
    void theErrorCodesAreTheContracts() {
        assertEquals(new TreeSet<>(names(ControlError.values(), ControlError::code)),
                new TreeSet<>(ControlDoc.table(doc.section("3. Error codes"), "| `error`").keySet()),
                "the table of error codes in section 3");
    }

    @Test
    void theSessionStatesAreTheContracts() {
        assertEquals(names(SessionState.values(), SessionState::wireName),
                ControlDoc.table(doc.section("`sessions`"), "| state |").keySet(), "the table of session states");
    }

    @Test
    void theGhostStatesAreTheContracts() {
        assertEquals(names(GhostState.values(), GhostState::wireName),
                ControlDoc.namesInLine(doc.section("`ghosts`"), "`state` is"), "the states named for ghosts");
    }

    @Test
    void theEventTypesAndTheirFieldsAreTheContracts() {
        List<String> events = doc.section("5. `events`");
        Map<String, List<String>> table = ControlDoc.table(events, "| type |");
        Set<String> documented = new TreeSet<>(table.keySet());
        List<JsonNode> lost = ControlDoc.examples(events).stream()
                .filter(e -> e.path("type").asText().equals(EventType.LOST.wireName())).toList();
        assertEquals(1, lost.size(), "one example of the \"lost\" line, which is not in the table");
        documented.add(EventType.LOST.wireName());
        assertEquals(new TreeSet<>(names(EventType.values(), EventType::wireName)), documented,
                "the event types in the table of section 5 and the \"lost\" example");
        for (EventType type : EventType.values()) {
            if (type != EventType.LOST) {
                assertEquals(new LinkedHashSet<>(type.fields()), ControlDoc.codes(table.get(type.wireName()).get(2)),
                        "the fields of " + type.wireName() + " events");
            }
        }
    }

    @Test
    void everyPayloadExampleDecodesIntoItsRecordWithEveryField() throws Exception {
        for (ControlCommand command : ControlCommand.values()) {
            List<String> section = command == ControlCommand.EVENTS ? doc.section("5. `events`")
                    : doc.section("`" + command.wireName() + "`");
            List<JsonNode> ok = ControlDoc.examples(section).stream().filter(e -> e.path("ok").asBoolean()).toList();
            assertFalse(ok.isEmpty(), "docs/CONTROL.md shows no successful reply to " + command.wireName());
            for (JsonNode reply : ok) {
                assertEquals(Set.of("v", "ok", "data"), fieldNames(reply), command.wireName() + ": " + reply);
                JsonNode data = reply.get("data");
                List<JsonNode> payloads = new ArrayList<>();
                if (command.listOfPayloads()) {
                    assertTrue(data.isArray() && !data.isEmpty(), command.wireName() + ": a non-empty array");
                    data.forEach(payloads::add);
                } else {
                    payloads.add(data);
                }
                for (JsonNode payload : payloads) {
                    assertDocumentsRecord(command.payload(), payload, command.wireName());
                }
            }
        }
    }

    @Test
    void everyEventExampleIsAnEventWithItsTypesFields() throws Exception {
        List<JsonNode> events = ControlDoc.examples(doc.section("5. `events`")).stream()
                .filter(e -> e.has("type")).toList();
        assertTrue(events.size() >= 2, "examples of event lines in section 5: " + events);
        for (JsonNode line : events) {
            assertDocumentsRecord(AgentEvent.class, line, "event");
            AgentEvent event = ControlJson.MAPPER.treeToValue(line, AgentEvent.class);
            assertEquals(new TreeSet<>(event.type().fields()), new TreeSet<>(event.fields().keySet()),
                    "the fields of the example " + line);
        }
    }

    @Test
    void everyErrorExampleCarriesAContractCode() {
        List<JsonNode> errors = new ArrayList<>();
        for (String heading : doc.headings()) {
            List<String> lines = heading.isEmpty() ? List.of() : doc.section(heading);
            ControlDoc.examples(lines).stream().filter(e -> e.has("ok") && !e.get("ok").asBoolean())
                    .forEach(errors::add);
        }
        assertTrue(errors.size() >= 3, "error examples found: " + errors);
        for (JsonNode error : errors) {
            assertEquals(Set.of("v", "ok", "error", "message"), fieldNames(error), error.toString());
            assertTrue(ControlError.byCode(error.get("error").asText()).isPresent(), "unknown error code in " + error);
        }
    }

    /** The example decodes into the record, and names every component (nested records and lists of them too). */
    private static void assertDocumentsRecord(Class<?> type, JsonNode example, String where) throws Exception {
        ControlJson.MAPPER.treeToValue(example, type);
        Set<String> components = new TreeSet<>();
        for (RecordComponent component : type.getRecordComponents()) {
            String name = SNAKE.translate(component.getName());
            components.add(name);
            Class<?> nested = recordIn(component.getGenericType());
            JsonNode value = example.get(name);
            if (nested != null && value != null && !value.isNull()) {
                for (JsonNode element : value.isArray() ? value : List.of(value)) {
                    assertDocumentsRecord(nested, element, where + "." + name);
                }
            }
        }
        assertEquals(components, fieldNames(example), where + ": the fields of the example " + example);
    }

    /** The record type of a record-typed or List-of-record component, or null. */
    private static Class<?> recordIn(Type type) {
        if (type instanceof Class<?> plain && plain.isRecord()) {
            return plain;
        }
        if (type instanceof ParameterizedType generic && generic.getRawType() == List.class
                && generic.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
            return element;
        }
        return null;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static <T> Set<String> names(T[] values, java.util.function.Function<T, String> name) {
        return Arrays.stream(values).map(name).collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
