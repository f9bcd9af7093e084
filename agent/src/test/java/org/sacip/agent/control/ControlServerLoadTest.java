package org.sacip.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.EOFException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sacip.testing.Eventually;

/**
 * Idle, slow, many and long-lived clients must not keep others from being served. Functional only: how fast the
 * answers come is not asserted here (a loaded CI machine would make that a coin toss).
 */
class ControlServerLoadTest extends RunningControlServer {
    private static final String STATUS = "{\"v\":1,\"cmd\":\"status\"}";
    private static final String EVENTS = "{\"v\":1,\"cmd\":\"events\"}\n";
    private static final Duration WAIT = Duration.ofSeconds(10);

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

    private void statusIsAnswered() throws Exception {
        JsonNode reply = ControlClient.ask(socket, STATUS);
        assertTrue(reply.get("ok").asBoolean(), reply.toString());
    }

    /** A client that asked for the sessions, of which the API lists {@code rows}. */
    private ControlClient askForSessions(int rows) throws Exception {
        api.sessionRows = rows;
        ControlClient client = open();
        client.send("{\"v\":1,\"cmd\":\"sessions\"}\n");
        return client;
    }

    private void awaitOpenConnections(int count) {
        Eventually.await(WAIT, () -> server.openConnections() == count,
                () -> count + " open connections on the server, not " + server.openConnections());
    }

    @Test
    void aClientThatReadsALongReplySlowlyButSteadilyGetsAllOfIt() throws Exception {
        // Tens of megabytes, as 100,000 sessions give, read 64 KiB every 40 ms: longer in all than the 10 s the
        // server grants a client that stops reading.
        int rows = 60_000;
        try (ControlClient client = askForSessions(rows)) {
            long started = System.nanoTime();
            String line = client.readLineSlowly(Duration.ofMillis(40), Duration.ofSeconds(120));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            JsonNode reply = org.sacip.control.ControlJson.MAPPER.readTree(line);
            assertTrue(reply.get("ok").asBoolean(), line.substring(0, Math.min(200, line.length())));
            assertEquals(rows, reply.get("data").size(), "every row");
            assertTrue(took.compareTo(ConnectionLoop.WRITE_TIMEOUT) > 0, "the read was not slower than the write"
                    + " timeout (" + took + " for " + line.length() + " bytes): the test proves nothing");
        }
        statusIsAnswered();
    }

    @Test
    void aLongListIsEncodedOnlyAsTheClientReadsIt() throws Exception {
        int rows = 60_000;
        try (ControlClient client = askForSessions(rows)) {
            // The client reads nothing: the server fills the socket's buffer and stops there. Settled once the count
            // stays put while the server has long had its turn (another request answered meanwhile).
            Eventually.await(WAIT, () -> api.sessionRowsRead.get() > 0, () -> "no row read");
            int before;
            do {
                before = api.sessionRowsRead.get();
                statusIsAnswered();
            } while (api.sessionRowsRead.get() != before);
            assertTrue(before < rows / 4, before + " of " + rows + " rows encoded before the client read any: the"
                    + " reply is not encoded as it is read");
            JsonNode reply = org.sacip.control.ControlJson.MAPPER.readTree(client.readLine(WAIT));
            assertEquals(rows, reply.get("data").size(), "every row");
            assertEquals(rows, api.sessionRowsRead.get(), "each row read once");
        }
    }

    @Test
    void aRowThatCannotBeEncodedEndsItsReplyWithoutANewlineAndNothingElse() throws Exception {
        api.sessionRowFailsAt = 15_000;
        try (ControlClient client = askForSessions(20_000)) {
            EOFException cut = assertThrows(EOFException.class, () -> client.readLine(WAIT));
            assertTrue(cut.getMessage().startsWith("the server closed the connection; unfinished: {\"v\":1,\"ok\":true"),
                    cut.getMessage().substring(0, Math.min(200, cut.getMessage().length())));
        }
        statusIsAnswered();
    }

    @Test
    void fiftySilentClientsDoNotKeepAStatusRequestFromBeingAnswered() throws Exception {
        for (int i = 0; i < 50; i++) {
            open();
        }
        awaitOpenConnections(50); // all accepted and waiting for their lines
        statusIsAnswered();
    }

    @Test
    void fiftyClientsStuckMidLineDoNotKeepAStatusRequestFromBeingAnswered() throws Exception {
        for (int i = 0; i < 50; i++) {
            open().send("{\"v\":1,");
        }
        awaitOpenConnections(50);
        statusIsAnswered();
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
        statusIsAnswered();

        followers.get(0).close(); // its slot comes back once the follower notices
        Eventually.await(WAIT, () -> askForEvents(), reply -> reply.get("ok").asBoolean(),
                () -> "a follower slot to be freed");
    }

    /** One events request on a connection of its own (kept open, and closed after the test, if accepted). */
    private JsonNode askForEvents() {
        try {
            ControlClient client = open();
            client.send(EVENTS);
            return client.readJson(ControlClient.PATIENCE);
        } catch (Exception e) {
            throw new IllegalStateException("asking for events: " + e.getMessage(), e);
        }
    }

    @Test
    void connectionsBeyondTheLimitAreToldBusyAndTheServerRecovers() throws Exception {
        for (int i = 0; i < ConnectionLoop.MAX_CONNECTIONS; i++) {
            open();
        }
        awaitOpenConnections(ConnectionLoop.MAX_CONNECTIONS);
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
        awaitOpenConnections(0);
        statusIsAnswered();
    }
}
