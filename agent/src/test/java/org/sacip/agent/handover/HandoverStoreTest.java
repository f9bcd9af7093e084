package org.sacip.agent.handover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.state.StateFileException;
import org.sacip.control.SessionState;

/** The saved sessions read back as they were written, the peer's port on the wire included. */
class HandoverStoreTest {
    private static final InetAddress X = ip("198.18.1.2");
    private static final InetAddress Y = ip("198.18.2.2");
    private static final InetAddress NAT = ip("198.18.10.2");
    private static final InetAddress DIRECT = ip("198.18.11.2");
    private static final Instant SINCE = Instant.parse("2026-12-06T08:00:00Z");
    private static final SessionTuple TCP = new SessionTuple(SessionProtocol.TCP, new Endpoint(X, 40000),
            new Endpoint(NAT, 61000));
    private static final SessionTuple UDP = new SessionTuple(SessionProtocol.UDP, new Endpoint(ip("2001:db8::1"),
            5353), new Endpoint(ip("2001:db8:10::2"), 61001));

    @TempDir
    Path directory;

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void thePeersPortOnTheWireRoundTrips() throws Exception {
        HandoverStore store = new HandoverStore(directory);
        List<HandoverStore.Saved> sessions = List.of(
                new HandoverStore.Saved(TCP, new Remapping(TCP, Y, Y, DIRECT, 40001), SessionState.BOUND, SINCE),
                new HandoverStore.Saved(UDP, new Remapping(UDP, UDP.local().address(), UDP.local().address(),
                        ip("2001:db8:11::2"), 5353), SessionState.BOUND, SINCE),
                new HandoverStore.Saved(TCP, new Remapping(TCP, Y, X, DIRECT), SessionState.PENDING, SINCE),
                new HandoverStore.Saved(TCP, Remapping.identity(TCP), SessionState.UNBOUND, SINCE));
        store.save(new HandoverStore.State(sessions, Map.of(X, Y)));
        HandoverStore.State loaded = store.load();
        assertEquals(sessions, loaded.sessions());
        assertEquals(Map.of(X, Y), loaded.moves());
        String text = Files.readString(store.file(), StandardCharsets.UTF_8);
        assertEquals(2, text.split("\"active_remote_port\"", -1).length - 1,
                "written only where the port differs from the socket's: " + text);
    }

    @Test
    void aFileWithoutThePortMeansTheSocketsPort() throws Exception {
        HandoverStore store = new HandoverStore(directory);
        Files.writeString(store.file(), """
                {"format": "sacip-handovers-2", "moves": [], "sessions": [
                  {"proto": "tcp", "local": "198.18.1.2", "local_port": 40000, "remote": "198.18.10.2",
                   "remote_port": 61000, "state": "bound", "since": "2026-12-06T08:00:00Z",
                   "active_local": "198.18.2.2", "send_from": "198.18.2.2", "active_remote": "198.18.11.2"}]}
                """, StandardCharsets.UTF_8);
        Remapping remapping = store.load().sessions().get(0).remapping();
        assertEquals(new Remapping(TCP, Y, Y, DIRECT, 61000), remapping);
        assertFalse(remapping.remotePortMoved());
        assertTrue(remapping.remoteMoved());
    }

    @Test
    void aPortOutsideTheRangeIsAnInvalidFile() throws Exception {
        HandoverStore store = new HandoverStore(directory);
        Files.writeString(store.file(), """
                {"format": "sacip-handovers-2", "moves": [], "sessions": [
                  {"proto": "tcp", "local": "198.18.1.2", "local_port": 40000, "remote": "198.18.10.2",
                   "remote_port": 61000, "state": "bound", "since": "2026-12-06T08:00:00Z",
                   "active_local": "198.18.2.2", "send_from": "198.18.2.2", "active_remote": "198.18.11.2",
                   "active_remote_port": 0}]}
                """, StandardCharsets.UTF_8);
        StateFileException error = assertThrows(StateFileException.class, store::load);
        assertTrue(error.getMessage().contains("session 0"), error.getMessage());
    }
}
