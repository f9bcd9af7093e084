package org.sacip.agent.peer.protocol;

/** No key could be agreed with a peer: no answer after every retransmission, or a retry came too soon. */
public final class KeyAgreementException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyAgreementException(String detail) {
        super(detail, null, false, false);
    }
}
