package org.sacip.tools.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointPatternTest {
    @Test
    void ipv4WithAndWithoutPort() {
        EndpointPattern bare = EndpointPattern.parse("198.18.0.2");
        assertEquals("/198.18.0.2", bare.address().toString());
        assertEquals(OptionalInt.empty(), bare.port());
        assertEquals(OptionalInt.of(40000), EndpointPattern.parse("198.18.0.2:40000").port());
    }

    @Test
    void ipv6NeedsBracketsForAPort() {
        EndpointPattern bracketed = EndpointPattern.parse("[2001:db8::2]:40000");
        assertEquals(OptionalInt.of(40000), bracketed.port());
        assertEquals(AddressLiteral.parse("2001:db8:0:0::2"), bracketed.address());
        assertEquals(OptionalInt.empty(), EndpointPattern.parse("[2001:db8::2]").port());
        // Without brackets every colon belongs to the address.
        EndpointPattern bare = EndpointPattern.parse("2001:db8::2:4000");
        assertEquals(OptionalInt.empty(), bare.port());
        assertEquals(AddressLiteral.parse("2001:db8::2:4000"), bare.address());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "256.1.1.1", "198.18.0.2:70000", "198.18.0.2:", "example.com",
            "example.com:22", "[198.18.0.2]:22", "[2001:db8::2]:", "[2001:db8::2", "2001:db8::zz", "[]:22",
            "198.18.0.2:22:33"})
    void anythingElseIsRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EndpointPattern.parse(text));
        assertTrue(e.getMessage().contains(EndpointPattern.SYNTAX), e.getMessage());
    }

    @Test
    void matchesAddressAndOptionalPort() {
        Endpoint endpoint = Endpoint.parse("[2001:db8::2]:22").orElseThrow();
        assertTrue(EndpointPattern.parse("2001:db8::2").matches(endpoint));
        assertTrue(EndpointPattern.parse("[2001:db8::2]:22").matches(endpoint));
        assertFalse(EndpointPattern.parse("[2001:db8::2]:23").matches(endpoint));
        assertFalse(EndpointPattern.parse("2001:db8::3").matches(endpoint));
    }

    @Test
    void agentEndpointsWithoutAPortOrAddressAreNotEndpoints() {
        assertTrue(Endpoint.parse("198.18.0.2").isEmpty());
        assertTrue(Endpoint.parse("garbage").isEmpty());
        assertTrue(Endpoint.parse(null).isEmpty());
    }
}
