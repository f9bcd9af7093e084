package org.sacip.protocol.handshake;

import org.sacip.protocol.message.InitConfirm;

/** What the initiator has once the responder's reply verified: the keys, and the confirmation to send. */
public record InitiatorCompletion(SessionKeys keys, InitConfirm confirm) {
}
