package org.sacip.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Idle, slow, many and long-lived clients must not keep others from being served. */
class ControlServerLoadTest extends RunningControlServer {
    private static final String STATUS = "{\"v\":1,\"cmd\":\"status\"}";
    private static final String EVENTS = "{\"v\":1,\"cmd\":\"events\"}\n";

    private final List<ControlClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() throws Exception {
        for (ControlClient client : clients) {
            client.close();
        }
    }

    private ControlClient open() throws Exception {
        ControlClient client = ControlClient.connect(socket);
        clients.add(client);
        return client;
    }

    private Duration timedStatus() throws Exception {
        long started = System.nanoTime();
        JsonNode reply = ControlClient.ask(socket, STATUS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(reply.get("ok").asBoolean(), reply.toString());
        return took;
    }

    @Test
    void fiftySilentClientsDoNotDelayAStatusRequest() throws Exception {
        for (int i = 0; i < 50; i++) {
            open();
        }
        Thread.sleep(200); // all accepted and waiting for their lines
        Duration took = timedStatus();
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "status answered in " + took);
    }

    @Test
    void fiftyClientsStuckMidLineDoNotDelayAStatusRequest() throws Exception {
        for (int i = 0; i < 50; i++) {
            open().send("{\"v\":1,");
        }
        Thread.sleep(200);
        Duration took = timedStatus();
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "status answered in " + took);
        for (ControlClient stuck : clients) {
            assertEquals("timeout", stuck.readJson(ControlClient.PATIENCE).get("error").asText());
        }
    }

    @Test
    void manyConcurrentRequestsAreAllAnswered() throws Exception {
        ExecutorService askers = Executors.newFixedThreadPool(20);
        try {
            List<Future<JsonNode>> replies = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                replies.add(askers.submit(() -> ControlClient.ask(socket, STATUS)));
            }
            for (Future<JsonNode> reply : replies) {
                assertTrue(reply.get().get("ok").asBoolean());
            }
        } finally {
            askers.shutdownNow();
        }
    }

    @Test
    void sixteenFollowersAtMostAndTheyDoNotHoldUpRequests() throws Exception {
        List<ControlClient> followers = new ArrayList<>();
        for (int i = 0; i < EventFollowers.MAX_FOLLOWERS; i++) {
            ControlClient follower = open();
            follower.send(EVENTS);
            assertTrue(follower.readJson(ControlClient.PATIENCE).get("ok").asBoolean());
            followers.add(follower);
        }
        JsonNode refused = ControlClient.ask(socket, EVENTS.strip());
        assertEquals("busy", refused.get("error").asText(), refused.toString());
        Duration took = timedStatus();
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "status answered in " + took);

        followers.get(0).close(); // its slot comes back once the follower notices
        long giveUp = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        JsonNode again;
        do {
            Thread.sleep(50);
            again = ControlClient.ask(socket, EVENTS.strip());
        } while (!again.get("ok").asBoolean() && System.nanoTime() < giveUp);
        assertTrue(again.get("ok").asBoolean(), "a slot was freed: " + again);
    }

    @Test
    void connectionsBeyondTheLimitAreToldBusyAndTheServerRecovers() throws Exception {
        for (int i = 0; i < ConnectionLoop.MAX_CONNECTIONS; i++) {
            open();
        }
        Thread.sleep(300);
        // Refused at once, before it could even send its request.
        try (ControlClient refused = ControlClient.connect(socket)) {
            JsonNode reply = refused.readJson(ControlClient.PATIENCE);
            assertEquals("busy", reply.get("error").asText(), reply.toString());
            assertTrue(refused.endsWithin(ControlClient.PATIENCE));
        }
        for (ControlClient client : clients) {
            client.close();
        }
        clients.clear();
        Thread.sleep(200);
        Duration took = timedStatus();
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "status answered in " + took);
    }
}
