package org.sacip.tools.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.sacip.control.SessionState;
import org.sacip.tools.testing.Fixtures;

import com.fasterxml.jackson.databind.JsonNode;

/** Filters over the four sessions of fixtures/sessions.json; each test names which ones it keeps, by local port. */
class SessionFilterTest {
    private static final SessionFilter NONE = SessionFilter.none();

    @Test
    void noFilterKeepsEverything() {
        assertTrue(NONE.isEmpty());
        assertEquals(List.of(40000, 5353, 40001, 40002), kept(NONE));
    }

    @Test
    void protocol() {
        assertEquals(List.of(40000, 40001), kept(with(Set.of("tcp"), Set.of())));
        assertEquals(List.of(5353, 40002), kept(with(Set.of("udp"), Set.of())));
        assertEquals(List.of(40000, 5353, 40001, 40002), kept(with(Set.of("tcp", "udp"), Set.of())));
    }

    @Test
    void statesAreAlternatives() {
        assertEquals(List.of(40001), kept(with(Set.of(), Set.of(SessionState.PENDING))));
        assertEquals(List.of(40000, 40002),
                kept(with(Set.of(), Set.of(SessionState.ACTIVE, SessionState.FROZEN))));
        assertEquals(List.of(), kept(with(Set.of("udp"), Set.of(SessionState.ACTIVE))));
    }

    @Test
    void sourceMatchesOriginalOrActiveLocal() {
        // 198.18.1.2 is the original local address of two IPv4 sessions; 198.18.2.2 the active one of the first.
        assertEquals(List.of(40000, 5353), kept(source("198.18.1.2")));
        assertEquals(List.of(40000), kept(source("198.18.2.2")));
        assertEquals(List.of(40000), kept(source("198.18.2.2:40000")));
        assertEquals(List.of(), kept(source("198.18.2.2:5353")));
    }

    @Test
    void ipv6SourceWithAndWithoutPortInBrackets() {
        assertEquals(List.of(40001, 40002), kept(source("2001:db8:1::2")));
        assertEquals(List.of(40002), kept(source("[2001:db8:1::2]:40002")));
        assertEquals(List.of(40001), kept(source("[2001:db8:2::2]:40001")));
        assertEquals(List.of(40001, 40002), kept(source("[2001:db8:1:0:0:0:0:2]")));
    }

    @Test
    void destinationMatchesOriginalOrActiveRemote() {
        assertEquals(List.of(40001, 40002), kept(destination("2001:db8:10::2")));
        assertEquals(List.of(40002), kept(destination("[2001:db8:10::5]:4433")));
        assertEquals(List.of(40000), kept(destination("198.18.10.2:22")));
    }

    @Test
    void ports() {
        assertEquals(List.of(40002), kept(new SessionFilter(Set.of(), Set.of(), Optional.empty(), Optional.empty(),
                OptionalInt.of(40002), OptionalInt.empty(), Optional.empty())));
        assertEquals(List.of(40001), kept(new SessionFilter(Set.of(), Set.of(), Optional.empty(), Optional.empty(),
                OptionalInt.empty(), OptionalInt.of(443), Optional.empty())));
    }

    @Test
    void peer() {
        assertEquals(List.of(40001, 40002), kept(new SessionFilter(Set.of(), Set.of(), Optional.empty(),
                Optional.empty(), OptionalInt.empty(), OptionalInt.empty(),
                Optional.of(AddressLiteral.parse("2001:db8:10:0::2")))));
        assertEquals(List.of(5353), kept(new SessionFilter(Set.of(), Set.of(), Optional.empty(), Optional.empty(),
                OptionalInt.empty(), OptionalInt.empty(), Optional.of(AddressLiteral.parse("198.18.10.3")))));
    }

    @Test
    void criteriaCombine() {
        SessionFilter filter = new SessionFilter(Set.of("tcp"), Set.of(SessionState.ACTIVE, SessionState.PENDING),
                Optional.of(EndpointPattern.parse("2001:db8:1::2")), Optional.empty(), OptionalInt.empty(),
                OptionalInt.empty(), Optional.empty());
        assertEquals(List.of(40001), kept(filter));
    }

    private static SessionFilter with(Set<String> protocols, Set<SessionState> states) {
        return new SessionFilter(protocols, states, Optional.empty(), Optional.empty(), OptionalInt.empty(),
                OptionalInt.empty(), Optional.empty());
    }

    private static SessionFilter source(String pattern) {
        return new SessionFilter(Set.of(), Set.of(), Optional.of(EndpointPattern.parse(pattern)), Optional.empty(),
                OptionalInt.empty(), OptionalInt.empty(), Optional.empty());
    }

    private static SessionFilter destination(String pattern) {
        return new SessionFilter(Set.of(), Set.of(), Optional.empty(), Optional.of(EndpointPattern.parse(pattern)),
                OptionalInt.empty(), OptionalInt.empty(), Optional.empty());
    }

    private static List<Integer> kept(SessionFilter filter) {
        List<Integer> ports = new ArrayList<>();
        for (JsonNode entry : Fixtures.json("sessions.json")) {
            Session session = Session.from(entry);
            if (filter.matches(session)) {
                ports.add(Endpoint.parse(session.local()).orElseThrow().port());
            }
        }
        return ports;
    }
}
