package org.sacip.agent.peer.protocol;

import java.util.Optional;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REFUSALs (PROTOCOL.md section 9): sent only where the rules allow, never larger than the refused message, at most
 * ten a second per address, only over a next hop already known; received, they are hints that never end a
 * handshake, a renewal, a key or a rewrite. Engine thread only.
 */
final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

    private final EngineContext ctx;
    private final KeyAgreement agreement;
    private final KeyRenewal renewal;

    Refusals(EngineContext ctx, KeyAgreement agreement, KeyRenewal renewal) {
        this.ctx = ctx;
        this.agreement = agreement;
        this.renewal = renewal;
    }

    /** Answers a message the protocol rejected, where section 9 allows it. */
    void refuse(SacipMessage message, SacipProtocolException.Reason reason, Arrival arrival, int octets) {
        send(RefusalRules.refusalFor(message, reason, octets, id -> ctx.associations.byKeyId(id) != null), arrival);
    }

    /** Answers a handshake over budget with BUSY. */
    void busy(SacipMessage message, Arrival arrival, int octets) {
        send(RefusalRules.busy(message, octets), arrival);
    }

    /** Answers a handshake from a peer this agent does not manage with NOT_ALLOWED. */
    void notAllowed(SacipMessage message, Arrival arrival, int octets) {
        send(RefusalRules.notAllowed(message, octets), arrival);
    }

    /** At most 10 a second to the address the refusal goes to (over UDP through a NAT: the NAT's). */
    private void send(Optional<Refusal> refusal, Arrival arrival) {
        if (refusal.isPresent() && ctx.refusalsSent.allow(arrival.answer().destination(), ctx.now())) {
            ctx.answer(refusal.get(), arrival.answer());
        }
    }

    void onRefusal(Refusal refusal, Arrival arrival) throws SacipProtocolException,
            Drop {
        SacipAddress source = arrival.source();
        SacipAddress destination = arrival.localAddress();
        if (!ctx.refusalsHeard.allow(source, ctx.now())) {
            throw Drop.rateLimited("REFUSALs from " + source + " beyond 10 a second");
        }
        switch (refusal.reason()) {
            case STALE_SEQUENCE -> LOG.info("{} refused an update of ours as stale ({}); the next one uses a higher "
                    + "number", source, refusal.echo());
            case UNKNOWN_KEY -> onUnknownKey(refusal, arrival);
            case BUSY, NOT_ALLOWED -> {
                if (!agreement.refusalHeard(refusal, new AddressPair(destination, source))
                        && !renewal.refusalHeard(refusal, source)) {
                    throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                            "REFUSAL " + refusal.reason() + " for no handshake of ours with " + source);
                }
            }
            default -> throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "REFUSAL " + refusal.reason());
        }
    }

    /**
     * The peer does not know one of our keys: repeat our confirmation if the key is new, else agree a new key from
     * the original address keeping the old one (both harmless if the refusal was forged).
     */
    private void onUnknownKey(Refusal refusal, Arrival arrival)
            throws SacipProtocolException {
        SacipAddress source = arrival.source();
        Association association = ctx.associations.byKeyId(RefusalRules.echoedKeyId(refusal.echo()));
        if (association != null && association.keys.current.id().equals(RefusalRules.echoedKeyId(refusal.echo()))
                && association.isPeerAddress(source)) {
            agreement.peerLostKey(association);
            return;
        }
        if (renewal.refusalHeard(refusal, source)) {
            return;
        }
        throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                "REFUSAL UNKNOWN_KEY for no key of ours with " + source);
    }
}
