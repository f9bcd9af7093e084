package org.sacip.agent.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.move.KernelFacts.ip;

import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedScopeTest {

    @Test
    void prefixesMatchByFamilyAndMaskedBits() throws Exception {
        AddressPrefix prefix = AddressPrefix.parse("198.19.7.9/15");
        assertEquals("198.18.0.0/15", prefix.toString());
        assertTrue(prefix.contains(ip("198.19.255.1")));
        assertFalse(prefix.contains(ip("198.20.0.1")));
        assertFalse(prefix.contains(ip("2001:db8::1")), "an IPv6 address is never inside an IPv4 prefix");
        assertTrue(AddressPrefix.parse("2001:db8::/32").contains(ip("2001:db8:ffff::1")));
        assertTrue(AddressPrefix.parse("0.0.0.0/0").contains(ip("198.18.0.1")));
    }

    @Test
    void badPrefixesAreTypedErrors() {
        for (String bad : List.of("", "198.18.0.0", "198.18.0.0/", "/15", "198.18.0.0/33", "2001:db8::/129",
                "198.18.0.0/-1", "198.18.0.0/x", "example.org/24", "198.18.0.0/15/1", "1.2.3.4.5/8")) {
            assertThrows(ScopeConfigurationException.class, () -> AddressPrefix.parse(bad), bad);
        }
    }

    @Test
    void emptyMeansAllButLoopbackIsNeverManaged() throws Exception {
        ManagedScope all = ManagedScope.everything();
        assertTrue(all.managesInterface("eth0"));
        assertFalse(all.managesInterface("lo"));
        assertTrue(all.managesAddress(ip("2001:db8::1")));
        ManagedScope some = ManagedScope.of(List.of("eth1"), List.of(" 2001:db8::/32 "));
        assertFalse(some.managesInterface("eth0"));
        assertTrue(some.managesInterface("eth1"));
        assertFalse(some.managesAddress(ip("198.18.0.1")));
        assertTrue(some.managesAddress(ip("2001:db8::1")));
    }

    @Test
    void badInterfaceNamesAreTypedErrors() {
        for (String bad : List.of("", "a/b", "averyveryverylongname", "eth 0", "..", "eth0:1")) {
            assertThrows(ScopeConfigurationException.class, () -> ManagedScope.of(List.of(bad), List.of()), bad);
        }
    }
}
