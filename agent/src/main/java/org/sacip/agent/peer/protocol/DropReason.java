package org.sacip.agent.peer.protocol;

import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.SacipCodecException;

/** Why a received message was dropped. */
public enum DropReason {
    /** Failed the decoder's checks (section 10, steps 1 to 7). */
    MALFORMED,
    /** Key id not known here. */
    UNKNOWN_KEY,
    /** MAC does not verify. */
    BAD_MAC,
    /** INIT whose cookie was not minted here recently. */
    BAD_COOKIE,
    /** Outer or named addresses do not match what the key or the exchange is bound to. */
    WRONG_ADDRESS,
    /** Update sequence number below the last accepted, or equal with other addresses (replay). */
    STALE_SEQUENCE,
    /** Well-formed, but nothing here asked for it (no handshake, check or move waiting for it). */
    UNSOLICITED,
    /** Reply that does not echo our nonce or challenge. */
    NONCE_MISMATCH,
    /** Small-order X25519 share. */
    WEAK_KEY_SHARE,
    /** The peer's INIT lost the simultaneous-initiation tie-break (section 6.5). */
    LOST_TIE_BREAK,
    /** Beyond a rate limit: HELLOs all together, REFUSALs from one address. */
    RATE_LIMITED,
    /** More messages waiting for the engine thread than it may queue (a flood): dropped unread. */
    OVERLOAD,
    /** A handshake over the handshake budget or beyond the key table's room: answered BUSY. */
    BUSY,
    /** Sent to an address this host does not hold, or answerable only from such an address. */
    NOT_OURS,
    /** A handshake from a peer outside the peers this agent manages: answered NOT_ALLOWED. */
    NOT_MANAGED,
    /**
     * An address update a NAT translated on its way (PROTOCOL.md 13.4): the peer moved behind a NAT, and sessions are
     * not carried through one yet, so the move is not followed (the peer keeps its old address while it routes).
     */
    BEHIND_NAT;

    static DropReason of(SacipProtocolException e) {
        switch (e.reason()) {
            case BAD_MAC:
                return BAD_MAC;
            case BAD_COOKIE:
                return BAD_COOKIE;
            case WEAK_KEY_SHARE:
                return WEAK_KEY_SHARE;
            case NONCE_MISMATCH:
                return NONCE_MISMATCH;
            case UNKNOWN_KEY:
                return UNKNOWN_KEY;
            case WRONG_ADDRESS:
                return WRONG_ADDRESS;
            case STALE_SEQUENCE:
            case CONFLICTING_DUPLICATE:
                return STALE_SEQUENCE;
            case LOST_TIE_BREAK:
                return LOST_TIE_BREAK;
            default:
                return UNSOLICITED;
        }
    }

    static DropReason of(SacipCodecException e) {
        return e.reason() == SacipCodecException.Reason.OUTER_SOURCE_NOT_CURRENT_ADDRESS ? WRONG_ADDRESS : MALFORMED;
    }
}
