package org.sacip.protocol.message;

/** Fixed sizes of the SACIP fields, in octets. */
public final class FieldLengths {
    public static final int NONCE = 16;
    public static final int COOKIE = 16;
    public static final int KEY_SHARE = 32;
    public static final int MAC = 16;
    public static final int KEY_ID = 8;
    public static final int CHALLENGE = 16;
    public static final int REFUSAL_ECHO = 16;
    /** Proof of a claim entry: two ISNs and 8 zeros (TCP), two first-datagram digests (UDP), or 16 zeros. */
    public static final int CLAIM_PROOF = 16;
    /** One entry of a CLAIM: protocol, flags, two ports, reserved, proof. */
    public static final int CLAIM_ENTRY = 8 + CLAIM_PROOF;
    /** One entry of a CLAIM_REPLY: verdict, protocol, three ports. */
    public static final int CLAIM_REPLY_ENTRY = 8;

    private FieldLengths() {
    }
}
