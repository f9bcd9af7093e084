package org.sacip.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class InternedAddressesTest {
    private static InetAddress v4(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {(byte) 198, 18, 10, (byte) last});
    }

    @Test
    void equalAddressesShareOneObject() throws Exception {
        InternedAddresses interned = new InternedAddresses(16);
        InetAddress first = interned.intern(v4(2));
        assertSame(first, interned.intern(v4(2)));
        assertEquals(v4(2), first);
        InetAddress v6 = interned.intern(InetAddress.getByName("2001:db8::2"));
        assertSame(v6, interned.intern(InetAddress.getByName("2001:db8:0::2")));
    }

    @Test
    void endpointsOfTwoSessionsShareTheirAddresses() throws Exception {
        Endpoint one = new Endpoint(v4(3), 5001);
        Endpoint two = new Endpoint(v4(3), 5002);
        assertSame(one.address(), two.address());
    }

    @Test
    void theSharedObjectCarriesNoHostName() throws Exception {
        InternedAddresses interned = new InternedAddresses(16);
        InetAddress named = InetAddress.getByAddress("peer.example", v4(4).getAddress());
        InetAddress shared = interned.intern(named);
        assertEquals("/198.18.10.4", shared.toString());
        assertSame(shared, interned.intern(v4(4)));
    }

    @Test
    void aScopedAddressStaysTheCallers() throws Exception {
        InternedAddresses interned = new InternedAddresses(16);
        byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
        Inet6Address onOne = Inet6Address.getByAddress(null, linkLocal, 1);
        Inet6Address onTwo = Inet6Address.getByAddress(null, linkLocal, 2);
        assertSame(onOne, interned.intern(onOne));
        assertSame(onTwo, interned.intern(onTwo));
        assertEquals(2, ((Inet6Address) interned.intern(onTwo)).getScopeId());
        assertEquals(0, interned.size());
    }

    @Test
    void aFullTableStartsOverAndStaysBounded() throws Exception {
        InternedAddresses interned = new InternedAddresses(4);
        InetAddress early = interned.intern(v4(1));
        for (int i = 2; i <= 40; i++) {
            interned.intern(v4(i));
        }
        assertTrue(interned.size() <= 4, "held " + interned.size());
        // Started over since: an equal address, and shared again from now on.
        InetAddress again = interned.intern(v4(1));
        assertEquals(early, again);
        assertSame(again, interned.intern(v4(1)));
    }
}
