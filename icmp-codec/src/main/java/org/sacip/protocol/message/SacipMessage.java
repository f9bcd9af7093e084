package org.sacip.protocol.message;

/** One SACIP message. Every implementation is an immutable record. */
public sealed interface SacipMessage
        permits Hello, CookieReply, Init, Refusal, AuthenticatedMessage {
    MessageKind kind();

    /** Entries in the body: 0 except for CLAIM and CLAIM_REPLY. */
    default int entryCount() {
        return 0;
    }

    /** Octets after the 8-octet SACIP header. */
    default int bodyLength() {
        return kind().bodyLength(entryCount());
    }
}
