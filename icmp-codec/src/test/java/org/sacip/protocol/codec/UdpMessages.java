package org.sacip.protocol.codec;

import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * The golden messages ({@link GoldenMessages}) as SACIP-over-UDP datagrams: sent from the golden source address,
 * port {@link #SOURCE_PORT}, to the golden destination at the default agent port, and arriving unchanged (no NAT).
 */
final class UdpMessages {
    static final int SOURCE_PORT = 40000;
    /** Where a NAT in front of the golden source maps it, in the tests that translate. */
    static final UdpEndpoint NAT_PUBLIC_V4 = UdpEndpoint.of("198.19.255.1", 61000);

    private UdpMessages() {
    }

    static UdpEnvelope envelope(AddressFamily family) {
        return new UdpEnvelope(new UdpEndpoint(GoldenMessages.source(family), SOURCE_PORT),
                new UdpEndpoint(GoldenMessages.destination(family), UdpFraming.DEFAULT_PORT));
    }

    static byte[] encoded(MessageKind kind, AddressFamily family) {
        return UdpEncoder.encode(GoldenMessages.of(kind, family), envelope(family));
    }

    static SacipAddress source(AddressFamily family) {
        return GoldenMessages.source(family);
    }

    static SacipAddress destination(AddressFamily family) {
        return GoldenMessages.destination(family);
    }
}
