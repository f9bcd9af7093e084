package org.sacip.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's lines, byte for byte: envelope order, snake_case names, wire names of states and event types. */
class ReplyLinesTest {
    private static String text(byte[] line) {
        return new String(line, StandardCharsets.UTF_8);
    }

    @Test
    void anOkReplyIsVersionOkDataInThatOrderOnOneLine() throws Exception {
        assertEquals("{\"v\":1,\"ok\":true,\"data\":{\"sessions\":2,\"ghosts\":1}}\n",
                text(ReplyLines.ok(new FlushResult(2, 1))));
        assertEquals("{\"v\":1,\"ok\":true,\"data\":{\"version\":\"0.1.0\",\"protocol\":1}}\n",
                text(ReplyLines.ok(new VersionInfo("0.1.0", 1))));
        assertEquals("{\"v\":1,\"ok\":true,\"data\":{\"following\":true}}\n", text(ReplyLines.ok(new Following(true))));
    }

    @Test
    void aListEncodedPieceByPieceIsTheSameLineAsEncodedWhole() throws Exception {
        for (int size : new int[] {0, 1, 2, 7, 8, 9, 50}) {
            List<SessionRow> rows = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                rows.add(new SessionRow("tcp", "198.18.0.1:" + (40000 + i), "198.19.0.9:22", "198.18.0.7:40000",
                        "198.18.0.1:40000", "198.19.0.9:22", SessionState.ACTIVE, "2025-01-02T03:05:00Z",
                        "198.19.0.9", i % 2 == 0 ? null : "0a0b", "bound", "rewritten", null, null));
            }
            for (int batch : new int[] {1, 3, 8, 100}) {
                ReplyChunks chunks = ReplyLines.okList(rows, batch);
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int pieces = 0;
                for (byte[] piece = chunks.next(); piece != null; piece = chunks.next()) {
                    line.writeBytes(piece);
                    pieces++;
                }
                assertEquals(text(ReplyLines.ok(rows)), text(line.toByteArray()), size + " rows by " + batch);
                assertEquals(Math.max(1, (size + batch - 1) / batch), pieces, size + " rows by " + batch);
                assertNull(chunks.next(), "nothing after the end");
            }
        }
    }

    @Test
    void aListIsReadOnlyAsItsPiecesAreAskedFor() throws Exception {
        List<Integer> asked = new ArrayList<>();
        List<Integer> lazy = new AbstractList<>() {
            @Override
            public Integer get(int index) {
                asked.add(index);
                return index;
            }

            @Override
            public int size() {
                return 10;
            }
        };
        ReplyChunks chunks = ReplyLines.okList(lazy, 4);
        assertEquals("{\"v\":1,\"ok\":true,\"data\":[0,1,2,3", text(chunks.next()));
        assertEquals(List.of(0, 1, 2, 3), asked);
        assertEquals(",4,5,6,7", text(chunks.next()));
        assertEquals(",8,9]}\n", text(chunks.next()));
        assertNull(chunks.next());
        assertThrows(IllegalArgumentException.class, () -> ReplyLines.okList(lazy, 0));
    }

    @Test
    void anErrorReplyCarriesTheCodesWireName() {
        assertEquals("{\"v\":1,\"ok\":false,\"error\":\"unknown_command\",\"message\":\"a \\\"b\\\"\\n\"}\n",
                text(ReplyLines.error(ControlError.UNKNOWN_COMMAND, "a \"b\"\n")));
    }

    @Test
    void rowsUseSnakeCaseAndStatesTheirWireNames() throws Exception {
        SessionRow row = new SessionRow("tcp", "198.18.0.1:40000", "198.19.0.9:22", "198.18.0.7:40000",
                "198.18.0.1:40000", "198.19.0.9:22", SessionState.PENDING, "2025-01-02T03:05:00Z", "198.19.0.9", null,
                "no-key", "rewritten", "198.19.255.1:61000", null);
        assertEquals("{\"v\":1,\"ok\":true,\"data\":[{\"proto\":\"tcp\",\"local\":\"198.18.0.1:40000\","
                + "\"remote\":\"198.19.0.9:22\",\"active_local\":\"198.18.0.7:40000\","
                + "\"send_from\":\"198.18.0.1:40000\",\"active_remote\":\"198.19.0.9:22\",\"state\":\"pending\","
                + "\"since\":\"2025-01-02T03:05:00Z\",\"peer\":\"198.19.0.9\",\"key\":null,\"binding\":\"no-key\","
                + "\"path\":\"rewritten\",\"our_public\":\"198.19.255.1:61000\",\"peer_own\":null}]}\n",
                text(ReplyLines.ok(List.of(row))));
        assertEquals("{\"v\":1,\"ok\":true,\"data\":{\"address\":\"198.18.0.1\",\"state\":\"standby\","
                + "\"sessions\":0}}\n",
                text(ReplyLines.ok(new GhostRow("198.18.0.1", GhostState.STANDBY, 0))));
    }

    @Test
    void anEventLineIsTheEventWithItsTypesWireName() throws Exception {
        AgentEvent event = new AgentEvent("2025-01-02T03:05:00Z", EventType.KEY_EXPIRED, "key with 198.19.0.9 gone",
                Map.of("peer", "198.19.0.9"));
        String line = text(ReplyLines.event(event));
        assertEquals("{\"time\":\"2025-01-02T03:05:00Z\",\"type\":\"key-expired\",\"summary\":\"key with 198.19.0.9 "
                + "gone\",\"fields\":{\"peer\":\"198.19.0.9\"}}\n", line);
        assertEquals(event, ControlJson.MAPPER.readValue(line, AgentEvent.class), "decodes into the same event");
    }

    @Test
    void everyRecordDecodesFromWhatItEncodesTo() throws Exception {
        StatusView status = new StatusView("0.1.0", "2025-01-02T03:04:05Z", 42,
                List.of(new StatusView.ManagedAddress("198.18.0.1", "eth0")), 1, 2, 1, 3, 0, Map.of("BAD_MAC", 2L), 2,
                7, Map.of(), List.of(new StatusView.BoundRow("keys", 2, 4096)), 1, 2, Map.of("relayed", 1L),
                Map.of("kicked", 0L), Map.of("port", 4253L, "lineages", 1L, "keepalives_unanswered", 0L));
        PeerRow peer = new PeerRow("198.19.0.9", "198.18.0.1", "198.19.0.9", "198.18.0.7", "198.18.0.7", "sacip-v2",
                "00112233445566aa", "8899aabbccddeeff", 30L, 1, 5, 4, null, 1.5, "udp", "198.19.255.1:61000", "local");
        for (Record value : List.of(status, peer, new FlushResult(0, 0), new VersionInfo("x", 1))) {
            String json = ControlJson.MAPPER.writeValueAsString(value);
            assertEquals(value, ControlJson.MAPPER.readValue(json, value.getClass()), json);
        }
    }

    @Test
    void aRequestLineIsWhatTheParserAccepts() throws Exception {
        for (ControlCommand command : ControlCommand.values()) {
            String line = new ControlRequest(command).toLine();
            assertEquals("{\"v\":1,\"cmd\":\"" + command.wireName() + "\"}\n", line);
            byte[] bytes = line.substring(0, line.length() - 1).getBytes(StandardCharsets.UTF_8);
            assertEquals(command, ControlRequest.parse(bytes).command());
        }
    }
}
