package org.sacip.netlink.nflog;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.fixtures.FuzzInput;
import org.sacip.netlink.packet.PacketHeaders;
import org.sacip.netlink.packet.PacketParseException;

/**
 * The nflog packet parser on any bytes, and the packet-header parser on whatever payload it yields: values or
 * typed refusals only. Seeds are captured kernel messages; JAZZER_FUZZ=1 fuzzes.
 */
class NflogParserFuzzTest {
    static final List<String> FIXTURES = List.of("nflog-tcp-synack-ipv4-input", "nflog-tcp-synack-ipv6-output",
            "nflog-udp-ipv6-mark-output", "nflog-udp-ipv4-options", "nflog-udp-ipv6-extension-headers");

    @FuzzTest(maxDuration = "120s")
    void loggedPacketsAndTheirHeadersFailOnlyWithTypedErrors(byte[] input) {
        for (NetlinkMessage message : FuzzInput.messages(input)) {
            try {
                PacketHeaders.parse(LoggedPacketParser.parse(message).payload());
            } catch (NetlinkParseException | PacketParseException expected) {
                // typed refusal
            }
        }
    }
}
