package org.sacip.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** A request line: {"v":1,"cmd":"status"}. Fields other than v and cmd are ignored. */
public record ControlRequest(ControlCommand command) {
    private static final int MAX_ECHO = 64;

    /** Parses one line (without its newline), checking the version before the command. */
    public static ControlRequest parse(byte[] line) throws RequestRejectedException {
        JsonNode tree;
        try {
            tree = ControlJson.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new RequestRejectedException(ControlError.BAD_REQUEST,
                    "request is not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new RequestRejectedException(ControlError.BAD_REQUEST, "request is not valid JSON");
        } catch (NumberFormatException e) {
            // Jackson reads decimals exactly (BigDecimal) and refuses an absurd exponent with this unchecked exception.
            throw new RequestRejectedException(ControlError.BAD_REQUEST, "request is not valid JSON: a number out of "
                    + "range");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new RequestRejectedException(ControlError.BAD_REQUEST, "request line is empty");
        }
        if (!tree.isObject()) {
            throw new RequestRejectedException(ControlError.BAD_REQUEST, "request must be a JSON object");
        }
        JsonNode version = tree.get("v");
        if (version == null) {
            throw new RequestRejectedException(ControlError.BAD_REQUEST, "field \"v\" is missing");
        }
        if (!version.isIntegralNumber()) {
            throw new RequestRejectedException(ControlError.BAD_REQUEST, "field \"v\" must be an integer");
        }
        if (!version.canConvertToInt() || version.intValue() != ControlProtocol.VERSION) {
            throw new RequestRejectedException(ControlError.UNSUPPORTED_VERSION, "protocol version "
                    + abbreviate(version.asText()) + " is not supported; this agent speaks version "
                    + ControlProtocol.VERSION);
        }
        JsonNode command = tree.get("cmd");
        if (command == null) {
            throw new RequestRejectedException(ControlError.BAD_REQUEST, "field \"cmd\" is missing");
        }
        if (!command.isTextual()) {
            throw new RequestRejectedException(ControlError.BAD_REQUEST, "field \"cmd\" must be a string");
        }
        return ControlCommand.byWireName(command.textValue()).map(ControlRequest::new)
                .orElseThrow(() -> new RequestRejectedException(ControlError.UNKNOWN_COMMAND, "unknown command \""
                        + abbreviate(command.textValue()) + "\"; known: " + ControlCommand.wireNames()));
    }

    /** The request as a client sends it, newline included. */
    public String toLine() {
        // Written by hand: wire names need no escaping, and a client need not set up the mapper to send one line.
        return "{\"v\":" + ControlProtocol.VERSION + ",\"cmd\":\"" + command.wireName() + "\"}\n";
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int newline = text.indexOf('\n');
        return abbreviate(newline < 0 ? text : text.substring(0, newline));
    }

    // Echoed client text stays short so an error reply is never much bigger than needed.
    private static String abbreviate(String text) {
        return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "...";
    }
}
