package org.sacip.agent.peer.protocol;

import java.util.Optional;
import java.util.function.Predicate;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.TunnelAccept;
import org.sacip.protocol.message.TunnelOpen;
import org.sacip.protocol.message.UpdateAck;

/**
 * Which dropped messages this engine answers with a REFUSAL (sections 4, 9 and 10), and what it echoes: only a
 * well-formed authenticated message whose key id we do not know (UNKNOWN_KEY; a tunnel's OPEN and ACCEPT too, section
 * 15.2) or an update below, or conflicting
 * with, the last accepted one (STALE_SEQUENCE), and only when the message is at least as long as the REFUSAL, so
 * a refusal never amplifies. The rate limit per address is the engine's.
 */
final class RefusalRules {
    /** A whole REFUSAL message: ICMP and SACIP headers and its body. */
    static final int REFUSAL_OCTETS = 12 + MessageKind.REFUSAL.bodyLength();

    private RefusalRules() {
    }

    /**
     * The REFUSAL for {@code message} ({@code octets} long), dropped for {@code reason}; {@code keyKnown} tells
     * whether a key id is known here at all (a key we hold, used where another was expected, is not refused).
     */
    static Optional<Refusal> refusalFor(SacipMessage message, SacipProtocolException.Reason reason, int octets,
            Predicate<Octets> keyKnown) {
        if (octets < REFUSAL_OCTETS) {
            return Optional.empty();
        }
        switch (reason) {
            case UNKNOWN_KEY:
                return unknownKey(message, keyKnown);
            case STALE_SEQUENCE:
            case CONFLICTING_DUPLICATE:
                if (message instanceof AddressUpdate update) {
                    return Optional.of(new Refusal(RefusalReason.STALE_SEQUENCE,
                            keyAndSequence(update.keyId(), update.sequence())));
                }
                return Optional.empty();
            default:
                return Optional.empty();
        }
    }

    private static Optional<Refusal> unknownKey(SacipMessage message, Predicate<Octets> keyKnown) {
        Octets keyId;
        Octets echo;
        if (message instanceof Rekey rekey) {
            keyId = rekey.keyId();
            echo = rekey.initiatorNonce();
        } else if (message instanceof AddressUpdate update) {
            keyId = update.keyId();
            echo = keyAndSequence(keyId, update.sequence());
        } else if (message instanceof UpdateAck ack) {
            keyId = ack.keyId();
            echo = keyAndSequence(keyId, ack.sequence());
        } else if (message instanceof PathChallenge challenge) {
            keyId = challenge.keyId();
            echo = keyAndSequence(keyId, 0);
        } else if (message instanceof PathResponse response) {
            keyId = response.keyId();
            echo = keyAndSequence(keyId, 0);
        } else if (message instanceof Claim claim) {
            keyId = claim.keyId();
            echo = keyAndSequence(keyId, claim.claimNumber());
        } else if (message instanceof ClaimReply reply) {
            keyId = reply.keyId();
            echo = keyAndSequence(keyId, reply.claimNumber());
        } else if (message instanceof TunnelOpen open) {
            // PROTOCOL.md 15.2: the opener learns at once that we lost the lineage, not after 8 unanswered OPENs.
            keyId = open.keyId();
            echo = keyAndNonce(keyId, open.openerNonce());
        } else if (message instanceof TunnelAccept accept) {
            keyId = accept.keyId();
            echo = keyAndNonce(keyId, accept.openerNonce());
        } else {
            return Optional.empty();
        }
        if (keyKnown.test(keyId)) {
            return Optional.empty();
        }
        return Optional.of(new Refusal(RefusalReason.UNKNOWN_KEY, echo));
    }

    /** REFUSAL BUSY for a handshake over budget: echoes its initiator nonce (INIT, REKEY), if it is long enough. */
    static Optional<Refusal> busy(SacipMessage message, int octets) {
        if (octets < REFUSAL_OCTETS) {
            return Optional.empty();
        }
        if (message instanceof org.sacip.protocol.message.Init init) {
            return Optional.of(new Refusal(RefusalReason.BUSY, init.initiatorNonce()));
        }
        if (message instanceof Rekey rekey) {
            return Optional.of(new Refusal(RefusalReason.BUSY, rekey.initiatorNonce()));
        }
        return Optional.empty();
    }

    /** REFUSAL NOT_ALLOWED for a handshake from a peer outside the managed ones (local policy). */
    static Optional<Refusal> notAllowed(SacipMessage message, int octets) {
        if (octets < REFUSAL_OCTETS || !(message instanceof org.sacip.protocol.message.Init init)) {
            return Optional.empty();
        }
        return Optional.of(new Refusal(RefusalReason.NOT_ALLOWED, init.initiatorNonce()));
    }

    /** The echo of an authenticated message: key id (8 octets), then its sequence number (8 octets, 0 if none). */
    static Octets keyAndSequence(Octets keyId, long sequence) {
        byte[] echo = new byte[FieldLengths.REFUSAL_ECHO];
        System.arraycopy(keyId.toByteArray(), 0, echo, 0, FieldLengths.KEY_ID);
        for (int i = 0; i < 8; i++) {
            echo[FieldLengths.KEY_ID + i] = (byte) (sequence >>> (56 - 8 * i));
        }
        return Octets.of(echo);
    }

    /** The echo of a TUNNEL_OPEN or TUNNEL_ACCEPT (15.2): key id, then the first 8 octets of the opener nonce. */
    static Octets keyAndNonce(Octets keyId, Octets openerNonce) {
        byte[] echo = new byte[FieldLengths.REFUSAL_ECHO];
        System.arraycopy(keyId.toByteArray(), 0, echo, 0, FieldLengths.KEY_ID);
        System.arraycopy(openerNonce.toByteArray(), 0, echo, FieldLengths.KEY_ID, 8);
        return Octets.of(echo);
    }

    /** The key id part of an echo (meaningful when the refused message was authenticated). */
    static Octets echoedKeyId(Octets echo) {
        return Octets.of(echo.toByteArray(), 0, FieldLengths.KEY_ID);
    }
}
