package org.sacip.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Encodes the agent's reply and event lines: one JSON object, UTF-8, terminated by "\n". */
public final class ReplyLines {
    /** {"v":1,"ok":true,"data":...}: the fields in this order. */
    private record Ok(int v, boolean ok, Object data) {
    }

    /** {"v":1,"ok":false,"error":code,"message":text}. */
    private record Failed(int v, boolean ok, String error, String message) {
    }

    /** Items of a list, comma-separated, as inside a JSON array. */
    private static final ObjectWriter ITEMS = ControlJson.MAPPER.writer().withRootValueSeparator(",");
    private static final byte[] LIST_END = "]}\n".getBytes(StandardCharsets.US_ASCII);

    private ReplyLines() {
    }

    /** A successful reply; throws if the payload cannot be encoded (the caller answers internal). */
    public static byte[] ok(Object data) throws JsonProcessingException {
        return line(new Ok(ControlProtocol.VERSION, true, data));
    }

    /**
     * The same line as {@link #ok(Object)} of the list, encoded {@code batch} items at a time as the pieces are asked
     * for: the list's items are read (and, for a list that builds them on demand, made) only then.
     */
    public static ReplyChunks okList(List<?> items, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        return new ReplyChunks() {
            private int next = -1;

            @Override
            public byte[] next() throws JsonProcessingException {
                ByteArrayOutputStream piece = new ByteArrayOutputStream();
                if (next == -1) {
                    byte[] empty = ControlJson.MAPPER.writeValueAsBytes(new Ok(ControlProtocol.VERSION, true,
                            List.of()));
                    // {"v":1,"ok":true,"data":[]} up to and including the '['.
                    piece.write(empty, 0, empty.length - 2);
                    next = 0;
                } else if (next > items.size()) {
                    return null;
                }
                int end = Math.min(items.size(), next + batch);
                if (next > 0 && next < end) {
                    piece.write(',');
                }
                // One generator per piece: one per item (writeValueAsBytes) allocated kilobytes of buffers each.
                try (SequenceWriter writer = ITEMS.writeValues(piece)) {
                    for (int i = next; i < end; i++) {
                        writer.write(items.get(i));
                    }
                } catch (JsonProcessingException e) {
                    throw e;
                } catch (IOException e) {
                    throw new IllegalStateException("writing to memory cannot fail", e);
                }
                next = end;
                if (end == items.size()) {
                    piece.writeBytes(LIST_END);
                    next = items.size() + 1;
                }
                return piece.toByteArray();
            }
        };
    }

    /** An error reply; cannot fail. */
    public static byte[] error(ControlError error, String message) {
        try {
            return line(new Failed(ControlProtocol.VERSION, false, error.code(), message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of strings always encodes", e);
        }
    }

    /** One events line: the event itself (time, type, summary, fields). */
    public static byte[] event(AgentEvent event) throws JsonProcessingException {
        return line(event);
    }

    private static byte[] line(Object value) throws JsonProcessingException {
        byte[] json = ControlJson.MAPPER.writeValueAsBytes(value);
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }
}
