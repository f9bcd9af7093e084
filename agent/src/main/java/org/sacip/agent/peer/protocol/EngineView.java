package org.sacip.agent.peer.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.message.Octets;

/**
 * What the engine publishes for readers on other threads (the control socket): its lineages, the sessions bound to
 * each and why others are not, what a NAT translated of bound sessions ({@code peerOwn}: the endpoint a translated
 * peer's own socket uses; {@code ourPublic}: our endpoint as the peer's socket knows it), and the size of every
 * bounded table. Immutable; replaced shortly after changes.
 */
public record EngineView(Instant at, List<AssociationView> lineages, Map<SessionTuple, Octets> bound,
        Map<SessionTuple, String> unbound, Map<SessionTuple, Endpoint> peerOwn,
        Map<SessionTuple, Endpoint> ourPublic, List<Bound> bounds) {
    static final EngineView EMPTY = new EngineView(Instant.EPOCH, List.of(), Map.of(), Map.of(), Map.of(), Map.of(),
            List.of());

    public EngineView {
        lineages = List.copyOf(lineages);
        bound = Map.copyOf(bound);
        unbound = Map.copyOf(unbound);
        peerOwn = Map.copyOf(peerOwn);
        ourPublic = Map.copyOf(ourPublic);
        bounds = List.copyOf(bounds);
    }
}
