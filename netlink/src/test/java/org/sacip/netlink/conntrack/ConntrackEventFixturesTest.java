package org.sacip.netlink.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.fixtures.KernelFixtures;
import org.sacip.netlink.fixtures.TruncationCheck;

/** The conntrack entry and event parser against messages captured from Linux 6.18 by CaptureConntrackFixtures. */
class ConntrackEventFixturesTest {
    private static final long ID = 0x07283367L;

    private static FlowTuple tcpOriginal() throws Exception {
        return new FlowTuple(InetAddress.getByName("198.18.0.1"), InetAddress.getByName("198.18.0.2"), 6, 40000, 5000);
    }

    @Test
    void newEventOfATcpFlow() throws Exception {
        ConntrackEvent event = ConntrackEntryParser.event(KernelFixtures.message("ctnetlink-event-new-tcp"));
        assertEquals(ConntrackEvent.Kind.NEW, event.kind());
        ConntrackEntry entry = event.entry();
        assertEquals(ID, entry.id());
        assertEquals(6, entry.protocol());
        assertEquals(tcpOriginal(), entry.original());
        assertEquals(new FlowTuple(InetAddress.getByName("198.18.0.2"), InetAddress.getByName("198.18.0.1"), 6, 5000,
                40000), entry.reply());
        assertEquals(EnumSet.of(ConntrackStatus.CONFIRMED), EnumSet.copyOf(entry.status()));
        assertEquals(OptionalLong.of(120), entry.timeoutSeconds());
        assertEquals(Optional.of(ConntrackTcpState.SYN_SENT), entry.tcpState());
        assertEquals(Optional.empty(), entry.originalCounters());
        assertEquals(OptionalLong.empty(), entry.mark());
    }

    @Test
    void updateEventToEstablished() throws Exception {
        ConntrackEvent event = ConntrackEntryParser.event(
                KernelFixtures.message("ctnetlink-event-update-tcp-established"));
        assertEquals(ConntrackEvent.Kind.UPDATE, event.kind());
        assertEquals(EnumSet.of(ConntrackStatus.SEEN_REPLY, ConntrackStatus.ASSURED, ConntrackStatus.CONFIRMED),
                EnumSet.copyOf(event.entry().status()));
        assertEquals(Optional.of(ConntrackTcpState.ESTABLISHED), event.entry().tcpState());
        assertEquals(OptionalLong.of(432000), event.entry().timeoutSeconds());
        assertEquals(ID, event.entry().id());
    }

    @Test
    void destroyEventCarriesTheCounters() throws Exception {
        ConntrackEvent event = ConntrackEntryParser.event(
                KernelFixtures.message("ctnetlink-event-destroy-tcp-counters"));
        assertEquals(ConntrackEvent.Kind.DESTROY, event.kind());
        ConntrackEntry entry = event.entry();
        assertEquals(tcpOriginal(), entry.original());
        assertTrue(entry.has(ConntrackStatus.DYING));
        assertEquals(OptionalLong.empty(), entry.timeoutSeconds(), "an expired entry reports no timeout");
        assertEquals(Optional.of(ConntrackTcpState.TIME_WAIT), entry.tcpState());
        assertEquals(Optional.of(new FlowCounters(4, 1216)), entry.originalCounters(), "1000 data bytes + headers");
        assertEquals(Optional.of(new FlowCounters(4, 216)), entry.replyCounters());
    }

    @Test
    void lookupReplyWithCountersAndMark() throws Exception {
        ConntrackEntry entry = ConntrackEntryParser.parse(
                KernelFixtures.message("ctnetlink-get-udp-ipv6-counters-mark"));
        assertEquals(new FlowTuple(InetAddress.getByName("2001:db8::1"), InetAddress.getByName("2001:db8::2"), 17,
                40001, 5353), entry.original());
        assertEquals(EnumSet.of(ConntrackStatus.SEEN_REPLY, ConntrackStatus.CONFIRMED),
                EnumSet.copyOf(entry.status()));
        assertEquals(OptionalLong.of(42), entry.mark());
        assertEquals(Optional.of(new FlowCounters(1, 40 + 8 + 100)), entry.originalCounters());
        assertEquals(Optional.of(new FlowCounters(1, 40 + 8 + 50)), entry.replyCounters());
        assertEquals(Optional.empty(), entry.tcpState());
        assertEquals(new ConntrackFlow(entry.original(), entry.reply(), 0b1010, 30, entry.id()), entry.toFlow());
    }

    @Test
    void otherMessagesAreRefused() {
        NetlinkParseException refused = assertThrows(NetlinkParseException.class,
                () -> ConntrackEntryParser.parse(KernelFixtures.message("nflog-udp-ipv4-options")));
        assertEquals(NetlinkParseException.Reason.UNEXPECTED_MESSAGE, refused.reason());
    }

    @Test
    void everyTruncationIsATypedErrorOrAValidPrefix() {
        for (String name : ConntrackParserFuzzTest.EVENT_FIXTURES) {
            TruncationCheck.everyTruncation(KernelFixtures.bytes(name), ConntrackEntryParser::event);
        }
    }
}
