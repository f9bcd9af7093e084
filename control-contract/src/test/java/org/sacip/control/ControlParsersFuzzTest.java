package org.sacip.control;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The parsers of the contract on any bytes: the agent's request parser and the client's reply parser give a value or
 * their typed refusal, nothing else, and the client's streaming tree reader reads exactly what the mapper reads. Seeds
 * are request and reply lines as the agent and sacipctl write them; JAZZER_FUZZ=1 fuzzes.
 */
class ControlParsersFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void requestAndReplyLinesFailOnlyWithTypedErrors(byte[] input) {
        try {
            ControlRequest.parse(input);
        } catch (RequestRejectedException expected) {
            // typed refusal
        }
        String line = new String(input, StandardCharsets.UTF_8);
        try {
            ReplyParser.parse(line);
        } catch (ControlFailure expected) {
            // typed refusal
        }
        // The client's streaming reader and the mapper agree on every line: the same tree, or both refuse.
        JsonNode fromMapper;
        try {
            fromMapper = ControlJson.MAPPER.readTree(line);
        } catch (JsonProcessingException | NumberFormatException refused) {
            // The mapper refuses an exponent BigDecimal cannot hold with NumberFormatException; JsonTrees types it.
            fromMapper = null;
        }
        JsonNode fromStream;
        try {
            fromStream = JsonTrees.read(line);
        } catch (JsonProcessingException refused) {
            fromStream = null;
        }
        if (!Objects.equals(fromMapper, fromStream)) {
            throw new IllegalStateException("mapper read " + fromMapper + ", streaming reader " + fromStream);
        }
    }
}
