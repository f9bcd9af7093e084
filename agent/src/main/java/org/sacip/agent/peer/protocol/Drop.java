package org.sacip.agent.peer.protocol;

/**
 * A well-formed message the engine will not work on for a reason of its own (a budget spent, a limit reached),
 * as opposed to one the protocol rejects ({@code SacipProtocolException}). Stackless: floods throw many.
 */
final class Drop extends Exception {
    private static final long serialVersionUID = 1L;

    final DropReason reason;
    /** Whether the sender is answered REFUSAL BUSY (only a source that proved it receives there, e.g. by cookie). */
    final boolean answerBusy;

    private Drop(DropReason reason, boolean answerBusy, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
        this.answerBusy = answerBusy;
    }

    /** Over a global rate for unauthenticated work: dropped silently. */
    static Drop rateLimited(String detail) {
        return new Drop(DropReason.RATE_LIMITED, false, detail);
    }

    /** Over the handshake budget or the key table's room: answered BUSY. */
    static Drop busy(String detail) {
        return new Drop(DropReason.BUSY, true, detail);
    }

    /** A handshake from outside the managed peers: answered NOT_ALLOWED. */
    static Drop notManaged(String detail) {
        return new Drop(DropReason.NOT_MANAGED, false, detail);
    }

    /** A move behind a NAT, which the data path cannot follow yet: not followed, no answer. */
    static Drop behindNat(String detail) {
        return new Drop(DropReason.BEHIND_NAT, false, detail);
    }

    /** Not for us (an address we do not hold), or nothing asked for it here. */
    static Drop notOurs(String detail) {
        return new Drop(DropReason.NOT_OURS, false, detail);
    }
}
