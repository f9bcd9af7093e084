package org.sacip.netlink.nflog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.fixtures.KernelFixtures;
import org.sacip.netlink.fixtures.TruncationCheck;

/** The nflog packet parser against messages captured from Linux 6.18 by CaptureNflogFixtures. */
class NflogFixturesTest {

    @Test
    void synAckAtTheInputHookHasInterfaceAndTimestamp() throws Exception {
        LoggedPacket packet = LoggedPacketParser.parse(KernelFixtures.message("nflog-tcp-synack-ipv4-input"));
        assertEquals(5, packet.group());
        assertEquals(LoggedPacket.FAMILY_IPV4, packet.family());
        assertEquals(LoggedPacket.HOOK_INPUT, packet.hook());
        assertEquals(0x0800, packet.hardwareProtocol());
        assertEquals(Optional.of("synack"), packet.prefix());
        assertEquals(OptionalInt.of(2), packet.inputInterface());
        assertEquals(OptionalInt.empty(), packet.outputInterface());
        assertEquals(OptionalLong.empty(), packet.mark());
        assertEquals(Optional.of(Instant.ofEpochSecond(1796295231, 169_193_000)), packet.timestamp());
        assertEquals(60, packet.payload().length, "a 60-byte SYN-ACK fits the 80-byte snaplen whole");
        assertEquals(0x45, packet.payload()[0]);
    }

    @Test
    void synAckAtTheOutputHookHasNoTimestamp() throws Exception {
        LoggedPacket packet = LoggedPacketParser.parse(KernelFixtures.message("nflog-tcp-synack-ipv6-output"));
        assertEquals(7, packet.group());
        assertEquals(LoggedPacket.FAMILY_IPV6, packet.family());
        assertEquals(LoggedPacket.HOOK_OUTPUT, packet.hook());
        assertEquals(0x86dd, packet.hardwareProtocol());
        assertEquals(OptionalInt.of(2), packet.outputInterface());
        assertEquals(OptionalInt.empty(), packet.inputInterface());
        assertEquals(Optional.empty(), packet.timestamp());
        assertEquals(80, packet.payload().length);
    }

    @Test
    void markAndPrefixAreRead() throws Exception {
        LoggedPacket packet = LoggedPacketParser.parse(KernelFixtures.message("nflog-udp-ipv6-mark-output"));
        assertEquals(OptionalLong.of(0x2a), packet.mark());
        assertEquals(Optional.of("marked"), packet.prefix());
        assertEquals(54, packet.payload().length);
    }

    @Test
    void theEmptyPrefixOfARuleWithoutOneIsAbsent() throws Exception {
        LoggedPacket packet = LoggedPacketParser.parse(KernelFixtures.message("nflog-udp-ipv4-options"));
        assertEquals(Optional.empty(), packet.prefix());
        assertEquals(50, packet.payload().length);
    }

    @Test
    void otherMessagesAreRefused() throws Exception {
        NetlinkMessage conntrack = KernelFixtures.message("ctnetlink-udp-ipv4");
        NetlinkParseException refused = assertThrows(NetlinkParseException.class,
                () -> LoggedPacketParser.parse(conntrack));
        assertEquals(NetlinkParseException.Reason.UNEXPECTED_MESSAGE, refused.reason());
    }

    @Test
    void everyTruncationIsATypedErrorOrAValidPrefix() {
        for (String name : NflogParserFuzzTest.FIXTURES) {
            int parsed = TruncationCheck.everyTruncation(KernelFixtures.bytes(name), LoggedPacketParser::parse);
            assertTrue(parsed < KernelFixtures.bytes(name).length - 16, name + ": some truncations must be refused");
        }
    }
}
