package org.sacip.agent.peer.protocol;

import java.util.Objects;
import java.util.Optional;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.message.Octets;

/**
 * A session's binding as it is now: the lineage it is bound to, or why it is not bound. {@code peerOwn}: for a
 * session bound through a NAT that translates the peer, the endpoint the peer's own socket uses (its packets carry it
 * once the peer has left that NAT); empty otherwise.
 */
public record BindingChange(SessionTuple session, Optional<Octets> lineage, Optional<String> unboundBecause,
        Optional<Endpoint> peerOwn) {
    public BindingChange {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(peerOwn, "peerOwn");
        if (lineage.isPresent() == unboundBecause.isPresent()) {
            throw new IllegalArgumentException("a session is either bound or unbound for a reason: " + session);
        }
        if (peerOwn.isPresent() && lineage.isEmpty()) {
            throw new IllegalArgumentException("only a bound session has a translated peer: " + session);
        }
    }

    /** A binding where nothing translates the peer. */
    public BindingChange(SessionTuple session, Optional<Octets> lineage, Optional<String> unboundBecause) {
        this(session, lineage, unboundBecause, Optional.empty());
    }

    static BindingChange bound(SessionTuple session, Octets lineage) {
        return new BindingChange(session, Optional.of(lineage), Optional.empty());
    }

    /** Bound; {@code peerOwn} may be null (the peer is not translated). */
    static BindingChange bound(SessionTuple session, Octets lineage, Endpoint peerOwn) {
        return new BindingChange(session, Optional.of(lineage), Optional.empty(), Optional.ofNullable(peerOwn));
    }

    static BindingChange unbound(SessionTuple session, SessionRegistry.Unbound why) {
        return new BindingChange(session, Optional.empty(), Optional.of(why.name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-')), Optional.empty());
    }
}
