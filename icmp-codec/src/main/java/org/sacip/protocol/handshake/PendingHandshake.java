package org.sacip.protocol.handshake;

import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.crypto.ConstantTime;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;

/**
 * The responder's state after a valid INIT or REKEY: the reply to (re)send and the keys it will install once the
 * initiator confirms from the same address. Created only after the cookie or the old key proved the initiator.
 */
public final class PendingHandshake {
    private final Arrival request;
    private final InitReply reply;
    private final SessionKeys keys;

    PendingHandshake(Arrival request, InitReply reply, SessionKeys keys) {
        this.request = request;
        this.reply = reply;
        this.keys = keys;
    }

    /** The INIT_REPLY; the same octets on every retransmission. */
    public InitReply reply() {
        return reply;
    }

    /** Local and peer address of this handshake as the responder sees them (the peer's as it stated it). */
    public AddressPair path() {
        return new AddressPair(request.localAddress(), request.source());
    }

    /** The envelope the INIT_REPLY travels in: back to where the INIT or REKEY came from. */
    public Envelope replyEnvelope() {
        return request.answer();
    }

    /**
     * Checks the initiator's confirmation: from the address the INIT came from, to ours, echoing both nonces, with
     * a MAC under the new initiator-to-responder key. Only then are the keys usable.
     */
    public SessionKeys onConfirm(InitConfirm confirm, Arrival arrival) throws SacipProtocolException {
        if (!arrival.sameOrigin(request)) {
            throw new SacipProtocolException(Reason.WRONG_ADDRESS, "INIT_CONFIRM from " + arrival.source()
                    + ", the handshake ran with " + request.source());
        }
        if (!ConstantTime.equal(confirm.initiatorNonce().toByteArray(), reply.initiatorNonce().toByteArray())
                || !ConstantTime.equal(confirm.responderNonce().toByteArray(), reply.responderNonce().toByteArray())) {
            throw new SacipProtocolException(Reason.NONCE_MISMATCH, "confirmation is for another handshake");
        }
        MessageAuthenticator.verify(confirm, keys.initiatorToResponder(), arrival.envelope());
        return keys;
    }

    @Override
    public String toString() {
        return "PendingHandshake[" + path() + ", " + keys + "]";
    }
}
