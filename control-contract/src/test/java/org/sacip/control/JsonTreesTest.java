package org.sacip.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming tree reader reads as the mapper does: the same trees, the same refusals. */
class JsonTreesTest {
    @ParameterizedTest
    @ValueSource(strings = {"{\"v\":1,\"ok\":true,\"data\":{\"rtt_ms\":12.50,\"n\":-0.0,\"e\":1E+3}}",
            "[1,2147483648,-9223372036854775809,99999999999999999999999]", "\"a\\u0041\\n\"", "null", "true",
            "false", "{\"a\":[[],{},[{\"b\":null}]],\"\u00e9\":\"\ud83d\ude00\"}", "  {\"x\" : 0.10 }  ", "", " "})
    void readsWhatTheMapperReads(String line) throws Exception {
        assertEquals(ControlJson.MAPPER.readTree(line), JsonTrees.read(line), line);
        assertEquals(ControlJson.MAPPER.readTree(line).toString(), JsonTrees.read(line).toString(), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{} {}", "[1] x", "{\"a\":", "[1,]", "{'a':1}", "nul", "1 2",
            "{\"a\":1}}"})
    void refusesWhatTheMapperRefuses(String line) {
        assertThrows(JsonProcessingException.class, () -> ControlJson.MAPPER.readTree(line), line);
        assertThrows(JsonProcessingException.class, () -> JsonTrees.read(line), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"x\":2E2222222222222222220}", "[1e99999999999999999999]"})
    void aNumberOutOfRangeIsATypedRefusal(String line) {
        assertThrows(NumberFormatException.class, () -> ControlJson.MAPPER.readTree(line), "the mapper's way");
        assertThrows(JsonProcessingException.class, () -> JsonTrees.read(line), line);
        assertThrows(ProtocolException.class, () -> ReplyParser.parse("{\"v\":1,\"ok\":true,\"data\":" + line + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"12.50", "0.10", "1.0E-7"})
    void decimalsKeepTheirDigits(String number) throws Exception {
        assertTrue(JsonTrees.read(number).isBigDecimal(), number);
        assertEquals(ControlJson.MAPPER.readTree(number).decimalValue(), JsonTrees.read(number).decimalValue());
    }
}
