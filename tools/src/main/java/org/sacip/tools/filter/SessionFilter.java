package org.sacip.tools.filter;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

import org.sacip.control.SessionState;

/**
 * The sessions selection, in the manner of ss: every given criterion must hold; within --state any listed state.
 * Source criteria match the original or the active local endpoint, destination ones the original or active remote.
 */
public record SessionFilter(Set<String> protocols, Set<SessionState> states, Optional<EndpointPattern> source,
        Optional<EndpointPattern> destination, OptionalInt sourcePort, OptionalInt destinationPort,
        Optional<InetAddress> peer) {

    public SessionFilter {
        protocols = Set.copyOf(protocols);
        states = Set.copyOf(states);
    }

    public static SessionFilter none() {
        return new SessionFilter(Set.of(), Set.of(), Optional.empty(), Optional.empty(), OptionalInt.empty(),
                OptionalInt.empty(), Optional.empty());
    }

    public boolean isEmpty() {
        // Field by field rather than equals(none()): a record's equals is bootstrapped through method handles, a cost
        // every sacipctl sessions paid at start.
        return protocols.isEmpty() && states.isEmpty() && source.isEmpty() && destination.isEmpty()
                && sourcePort.isEmpty() && destinationPort.isEmpty() && peer.isEmpty();
    }

    public boolean matches(Session session) {
        List<Endpoint> locals = endpoints(session.local(), session.activeLocal());
        List<Endpoint> remotes = endpoints(session.remote(), session.activeRemote());
        return (protocols.isEmpty() || protocols.contains(session.proto()))
                && (states.isEmpty() || states.stream().anyMatch(s -> s.wireName().equals(session.state())))
                && source.map(p -> locals.stream().anyMatch(p::matches)).orElse(true)
                && destination.map(p -> remotes.stream().anyMatch(p::matches)).orElse(true)
                && portMatches(sourcePort, locals)
                && portMatches(destinationPort, remotes)
                && peer.map(wanted -> isAddress(session.peer(), wanted)).orElse(true);
    }

    private static boolean portMatches(OptionalInt port, List<Endpoint> endpoints) {
        return port.isEmpty() || endpoints.stream().anyMatch(e -> e.port() == port.getAsInt());
    }

    private static boolean isAddress(String reported, InetAddress wanted) {
        try {
            return reported != null && AddressLiteral.parse(reported).equals(wanted);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static List<Endpoint> endpoints(String original, String active) {
        return Stream.of(original, active).map(Endpoint::parse).flatMap(Optional::stream).toList();
    }
}
