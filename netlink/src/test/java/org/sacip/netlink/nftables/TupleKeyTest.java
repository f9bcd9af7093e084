package org.sacip.netlink.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TupleKeyTest {
    @Test
    void manyKeysFromOneAddressToManyPeersHaveDistinctHashes() throws UnknownHostException {
        // Under the record's own hash a source port one higher and a destination one lower collided: these 100,000
        // keys shared some 1,100 hashes.
        InetAddress source = InetAddress.getByName("198.18.1.2");
        Set<Integer> hashes = new HashSet<>();
        int keys = 0;
        for (int peer = 0; peer < 100; peer++) {
            InetAddress destination = InetAddress.getByName("198.18.10." + (2 + peer));
            for (int port = 40_000; port < 41_000; port++) {
                hashes.add(new TupleKey(source, destination, TupleKey.TCP, port, 5001).hashCode());
                keys++;
            }
        }
        assertTrue(hashes.size() > keys * 0.99, hashes.size() + " distinct hashes for " + keys + " keys");
    }

    @Test
    void equalKeysHaveEqualHashesAndAnyFieldTellsThemApart() throws UnknownHostException {
        InetAddress a = InetAddress.getByName("2001:db8:1::2");
        InetAddress b = InetAddress.getByName("2001:db8:10::2");
        TupleKey key = new TupleKey(a, b, TupleKey.TCP, 40_000, 22);
        TupleKey same = new TupleKey(InetAddress.getByName("2001:db8:1::2"), b, TupleKey.TCP, 40_000, 22);
        assertEquals(key, same);
        assertEquals(key.hashCode(), same.hashCode());
        assertNotEquals(key, new TupleKey(a, b, TupleKey.UDP, 40_000, 22));
        assertNotEquals(key, new TupleKey(b, a, TupleKey.TCP, 40_000, 22));
        assertNotEquals(key, new TupleKey(a, b, TupleKey.TCP, 40_001, 22));
        assertNotEquals(key, new TupleKey(a, b, TupleKey.TCP, 40_000, 23));
    }
}
