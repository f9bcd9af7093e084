package org.sacip.agent.peer.protocol;

import java.util.Objects;
import java.util.Optional;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.message.Octets;

/**
 * A session's binding as it is now: the lineage it is bound to, or why it is not bound.
 */
public record BindingChange(SessionTuple session, Optional<Octets> lineage, Optional<String> unboundBecause) {
    public BindingChange {
        Objects.requireNonNull(session, "session");
        if (lineage.isPresent() == unboundBecause.isPresent()) {
            throw new IllegalArgumentException("a session is either bound or unbound for a reason: " + session);
        }
    }

    static BindingChange bound(SessionTuple session, Octets lineage) {
        return new BindingChange(session, Optional.of(lineage), Optional.empty());
    }

    static BindingChange unbound(SessionTuple session, SessionRegistry.Unbound why) {
        return new BindingChange(session, Optional.empty(), Optional.of(why.name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-')));
    }
}
