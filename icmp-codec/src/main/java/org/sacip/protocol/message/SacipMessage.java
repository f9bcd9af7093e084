package org.sacip.protocol.message;

/** One SACIP v1 message. Every implementation is an immutable record. */
public sealed interface SacipMessage
        permits Hello, CookieReply, Init, Refusal, AuthenticatedMessage {
    MessageKind kind();
}
