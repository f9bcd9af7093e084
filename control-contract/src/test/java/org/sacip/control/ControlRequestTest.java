package org.sacip.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ControlRequestTest {
    private static ControlRequest parse(String line) throws RequestRejectedException {
        return ControlRequest.parse(line.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRejected(ControlError expected, byte[] line) {
        RequestRejectedException e = assertThrows(RequestRejectedException.class, () -> ControlRequest.parse(line));
        assertEquals(expected, e.error(), e.getMessage());
    }

    private static void assertRejected(ControlError expected, String line) {
        assertRejected(expected, line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandParses() throws Exception {
        for (ControlCommand command : ControlCommand.values()) {
            assertEquals(command, parse("{\"v\":1,\"cmd\":\"" + command.wireName() + "\"}").command());
        }
    }

    @Test
    void onlyFlushChangesState() {
        for (ControlCommand command : ControlCommand.values()) {
            assertEquals(command == ControlCommand.FLUSH, command.changesState(), command.wireName());
        }
    }

    @Test
    void malformedRequestsAreBadRequests() {
        assertRejected(ControlError.BAD_REQUEST, "");
        assertRejected(ControlError.BAD_REQUEST, "   ");
        assertRejected(ControlError.BAD_REQUEST, "status");
        assertRejected(ControlError.BAD_REQUEST, "{\"v\":1,\"cmd\":\"status\",\"x\":2E2222222222222222220}");
        assertRejected(ControlError.BAD_REQUEST, "{\"v\":1,\"cmd\":\"status\"");
        assertRejected(ControlError.BAD_REQUEST, "[1]");
        assertRejected(ControlError.BAD_REQUEST, "\"status\"");
        assertRejected(ControlError.BAD_REQUEST, "null");
        assertRejected(ControlError.BAD_REQUEST, "{\"cmd\":\"status\"}");
        assertRejected(ControlError.BAD_REQUEST, "{\"v\":\"1\",\"cmd\":\"status\"}");
        assertRejected(ControlError.BAD_REQUEST, "{\"v\":1.0,\"cmd\":\"status\"}");
        assertRejected(ControlError.BAD_REQUEST, "{\"v\":1}");
        assertRejected(ControlError.BAD_REQUEST, "{\"v\":1,\"cmd\":7}");
        assertRejected(ControlError.BAD_REQUEST, "{\"v\":1,\"cmd\":null}");
        assertRejected(ControlError.BAD_REQUEST, "{\"v\":1,\"cmd\":\"status\"} {}");
        assertRejected(ControlError.BAD_REQUEST, "{\"v\":1,\"cmd\":\"status\",\"cmd\":\"flush\"}");
        assertRejected(ControlError.BAD_REQUEST, new byte[] {'{', '"', 'v', '"', ':', '1', ',', '"', 'c', 'm', 'd',
            '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'});
        assertRejected(ControlError.BAD_REQUEST, "[".repeat(4000));
    }

    @Test
    void otherVersionsAreUnsupportedBeforeTheCommandIsLookedAt() {
        assertRejected(ControlError.UNSUPPORTED_VERSION, "{\"v\":2,\"cmd\":\"status\"}");
        assertRejected(ControlError.UNSUPPORTED_VERSION, "{\"v\":0,\"cmd\":\"status\"}");
        assertRejected(ControlError.UNSUPPORTED_VERSION, "{\"v\":2,\"cmd\":\"whatever\"}");
        assertRejected(ControlError.UNSUPPORTED_VERSION, "{\"v\":99999999999999999999,\"cmd\":\"status\"}");
    }

    @Test
    void unknownCommandsAreNamedShortly() {
        assertRejected(ControlError.UNKNOWN_COMMAND, "{\"v\":1,\"cmd\":\"STATUS\"}");
        RequestRejectedException e = assertThrows(RequestRejectedException.class,
                () -> parse("{\"v\":1,\"cmd\":\"" + "a".repeat(3000) + "\"}"));
        assertEquals(ControlError.UNKNOWN_COMMAND, e.error());
        assertEquals(true, e.getMessage().length() < 200, e.getMessage());
    }
}
