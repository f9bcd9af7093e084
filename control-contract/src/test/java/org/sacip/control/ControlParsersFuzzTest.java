package org.sacip.control;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The two parsers of the contract on any bytes: the agent's request parser and the client's reply parser give a
 * value or their typed refusal, nothing else. Seeds are request and reply lines as the agent and sacipctl write them;
 * JAZZER_FUZZ=1 fuzzes.
 */
class ControlParsersFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void requestAndReplyLinesFailOnlyWithTypedErrors(byte[] input) {
        try {
            ControlRequest.parse(input);
        } catch (RequestRejectedException expected) {
            // typed refusal
        }
        try {
            ReplyParser.parse(new String(input, StandardCharsets.UTF_8));
        } catch (ControlFailure expected) {
            // typed refusal
        }
    }
}
