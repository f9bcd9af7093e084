package org.sacip.protocol.codec;

import org.sacip.protocol.message.SacipMessage;

/** A decoded SACIP-over-UDP datagram: its stated endpoints and the message it carries. */
public record UdpDatagram(UdpEnvelope envelope, SacipMessage message) {
}
