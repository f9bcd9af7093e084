package org.sacip.protocol.message;

/** Fixed sizes of the SACIP v1 fields, in octets. */
public final class FieldLengths {
    public static final int NONCE = 16;
    public static final int COOKIE = 16;
    public static final int KEY_SHARE = 32;
    public static final int MAC = 16;
    public static final int KEY_ID = 8;
    public static final int CHALLENGE = 16;
    public static final int REFUSAL_ECHO = 16;

    private FieldLengths() {
    }
}
