package org.sacip.lab.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Tuples print IPv6 the way ip(8) does, so results can be matched against ip output. */
class TuplesTest {
    private static String text(String address) throws Exception {
        return Tuples.compress(InetAddress.getByName(address).getAddress());
    }

    @Test
    void compressesTheLongestZeroRunOnly() throws Exception {
        assertEquals("2001:db8:1::2", text("2001:db8:1:0:0:0:0:2"));
        assertEquals("::1", text("0:0:0:0:0:0:0:1"));
        assertEquals("2001:db8::", text("2001:db8:0:0:0:0:0:0"));
        assertEquals("1:0:0:1::1", text("1:0:0:1:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1"));
    }

    @Test
    void formatsBothFamilies() throws Exception {
        assertEquals("198.18.1.2:40000 -> [2001:db8:10::2]:5001", Tuples.of(
                new InetSocketAddress(InetAddress.getByName("198.18.1.2"), 40000),
                new InetSocketAddress(InetAddress.getByName("2001:db8:10::2"), 5001)));
    }
}
