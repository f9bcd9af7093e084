package org.sacip.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionTupleTest {
    @Test
    void manySessionsFromOneAddressToManyPeersHaveDistinctHashes() throws UnknownHostException {
        // 100 peers x 1,000 consecutive local ports: under the record's own hash a port one higher and a peer one
        // lower collided, and these 100,000 tuples shared some 1,100 hashes.
        InetAddress local = InetAddress.getByName("198.18.1.2");
        Set<Integer> hashes = new HashSet<>();
        int tuples = 0;
        for (int peer = 0; peer < 100; peer++) {
            InetAddress remote = InetAddress.getByName("198.18.10." + (2 + peer));
            for (int port = 40_000; port < 41_000; port++) {
                hashes.add(tcp(local, port, remote, 5001).hashCode());
                tuples++;
            }
        }
        assertTrue(hashes.size() > tuples * 0.99, hashes.size() + " distinct hashes for " + tuples + " tuples");
    }

    @Test
    void equalTuplesAreEqualWithEqualHashesAndAnyFieldTellsThemApart() throws UnknownHostException {
        InetAddress local = InetAddress.getByName("198.18.1.2");
        InetAddress remote = InetAddress.getByName("198.18.10.2");
        SessionTuple tuple = tcp(local, 40_000, remote, 22);
        SessionTuple same = tcp(InetAddress.getByName("198.18.1.2"), 40_000, remote, 22);
        assertEquals(tuple, same);
        assertEquals(tuple.hashCode(), same.hashCode());
        assertNotEquals(tuple, new SessionTuple(SessionProtocol.UDP, tuple.local(), tuple.remote()));
        assertNotEquals(tuple, tcp(local, 40_001, remote, 22));
        assertNotEquals(tuple, tcp(local, 40_000, InetAddress.getByName("198.18.10.3"), 22));
        assertNotEquals(tuple, tcp(local, 40_000, remote, 23));
    }

    @Test
    void theReversedTupleIsThePeersViewOfTheSameSession() throws UnknownHostException {
        InetAddress local = InetAddress.getByName("198.18.1.2");
        InetAddress remote = InetAddress.getByName("198.18.10.2");
        SessionTuple tuple = tcp(local, 40_000, remote, 22);
        assertEquals(tcp(remote, 22, local, 40_000), tuple.reversed());
        assertEquals(tuple, tuple.reversed().reversed());
    }

    @Test
    void bothEndsMustBeOfOneIpVersion() throws UnknownHostException {
        InetAddress local = InetAddress.getByName("198.18.1.2");
        InetAddress remote = InetAddress.getByName("2001:db8::2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tcp(local, 40_000, remote, 22));
        assertTrue(e.getMessage().contains("are not of the same IP version"), e.getMessage());
    }

    private static SessionTuple tcp(InetAddress local, int localPort, InetAddress remote, int remotePort) {
        return new SessionTuple(SessionProtocol.TCP, new Endpoint(local, localPort), new Endpoint(remote, remotePort));
    }
}
