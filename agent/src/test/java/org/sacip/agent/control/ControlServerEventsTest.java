package org.sacip.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sacip.control.AgentEvent;
import org.sacip.control.EventType;
import org.sacip.testing.Eventually;

/** events over a real socket: order, loss reporting for a stalled follower, publishers never held up. */
class ControlServerEventsTest extends RunningControlServer {
    private static final String EVENTS = "{\"v\":1,\"cmd\":\"events\"}\n";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static AgentEvent event(long n) {
        return new AgentEvent("2025-01-02T03:04:05Z", EventType.ACK, "ack " + n, Map.of("sequence", Long.toString(n)));
    }

    private ControlClient follow() throws Exception {
        ControlClient client = ControlClient.connect(socket);
        client.send(EVENTS);
        JsonNode reply = client.readJson(ControlClient.PATIENCE);
        assertEquals("{\"v\":1,\"ok\":true,\"data\":{\"following\":true}}", reply.toString());
        return client;
    }

    @Test
    void aFollowerGetsEveryEventInOrder() throws Exception {
        try (ControlClient client = follow()) {
            for (int i = 0; i < 200; i++) {
                feed.publish(event(i));
            }
            for (int i = 0; i < 200; i++) {
                JsonNode line = client.readJson(ControlClient.PATIENCE);
                assertEquals(4, line.size(), line.toString());
                assertEquals("2025-01-02T03:04:05Z", line.get("time").asText());
                assertEquals("ack", line.get("type").asText());
                assertEquals("ack " + i, line.get("summary").asText());
                assertEquals(Integer.toString(i), line.get("fields").get("sequence").asText());
            }
        }
    }

    @Test
    void aStalledFollowerLosesEventsVisiblyAndPublishersNeverWait() throws Exception {
        int published = 100_000;
        try (ControlClient stalled = follow()) {
            // Publishing returns although nobody reads: the follower blocks on its full socket, its queue fills.
            for (int i = 0; i < published; i++) {
                feed.publish(event(i));
            }
            Eventually.await(WAIT, () -> feed.lostCount() > 0, () -> "the stalled follower's queue to overflow");
            feed.publish(event(published)); // the last one: may be lost too, unless the queue has drained

            // Every sequence number is either delivered in order or covered by a lost line just before the gap.
            long expected = 0;
            long lostLines = 0;
            while (expected <= published) {
                JsonNode line = stalled.readJson(ControlClient.PATIENCE);
                if (line.get("type").asText().equals("lost")) {
                    long count = Long.parseLong(line.get("fields").get("count").asText());
                    assertEquals(count + " events lost", line.get("summary").asText());
                    lostLines++;
                    expected += count;
                    continue;
                }
                long seq = Long.parseLong(line.get("fields").get("sequence").asText());
                assertEquals(expected, seq, "no gap without a lost line before it");
                expected++;
            }
            assertEquals(published + 1, expected);
            assertTrue(lostLines >= 1, "a stalled follower must have lost some of 100k events");
        }
    }

    @Test
    void aFollowerThatHangsUpIsUnsubscribed() throws Exception {
        ControlClient client = follow();
        assertEquals(1, feed.subscriberCount());
        client.close();
        Eventually.await(WAIT, () -> feed.subscriberCount() == 0,
                () -> "the follower to notice the hang-up and unsubscribe");
    }

    @Test
    void whatAFollowerSendsAfterItsRequestIsIgnored() throws Exception {
        try (ControlClient client = follow()) {
            String extra = "{\"v\":1,\"cmd\":\"flush\"}\nanything at all\n";
            client.send(extra);
            Eventually.await(WAIT, () -> server.followerBytesIgnored() == extra.length(),
                    () -> "the follower to read and ignore the " + extra.length() + " bytes sent after the request");
            feed.publish(event(1));
            assertEquals("1", client.readJson(ControlClient.PATIENCE).get("fields").get("sequence").asText());
            assertEquals(0, api.flushes.get(), "a flush sent on an events connection was carried out");
        }
    }

    @Test
    void eventFieldsKeepTheirNames() throws Exception {
        try (ControlClient client = follow()) {
            feed.publish(new AgentEvent("2025-01-02T03:04:05Z", EventType.PEER_MOVED, "peer moved",
                    Map.of("old_address", "198.19.0.9", "newAddress", "198.19.0.10")));
            JsonNode fields = client.readJson(ControlClient.PATIENCE).get("fields");
            Iterator<String> names = fields.fieldNames();
            int count = 0;
            while (names.hasNext()) {
                names.next();
                count++;
            }
            assertEquals(2, count);
            assertEquals("198.19.0.10", fields.get("newAddress").asText());
            assertEquals("198.19.0.9", fields.get("old_address").asText());
        }
    }
}
