package org.sacip.netlink.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/** Dump replies of the real kernel (captured while {@code nft list map} ran) read back into typed elements. */
class ElementListParserTest {

    static List<Element> decodeAll(String fixture, SetReference set) throws Exception {
        List<Element> elements = new ArrayList<>();
        for (NetlinkMessage message : Fixtures.messages(fixture)) {
            if (message.type() == NfTablesConstants.messageType(NfTablesConstants.NFT_MSG_NEWSETELEM)) {
                ElementList list = ElementListParser.parse(message);
                assertTrue(list.isOf(set), list.toString());
                elements.addAll(list.decode(set.layout()));
            }
        }
        return elements;
    }

    static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void readsTheConcatenatedIpv4KeysWithTheirPaddingAndValues() throws Exception {
        assertEquals(Set.of(
                new MapElement(new TupleKey(ip("198.18.0.1"), ip("198.18.0.2"), TupleKey.UDP, 1000, 2000),
                        ip("198.18.1.1")),
                new MapElement(new TupleKey(ip("198.18.0.3"), ip("198.18.0.4"), TupleKey.TCP, 443, 65535),
                        ip("198.18.1.2"))),
                Set.copyOf(decodeAll("reply-dump-in4.bin", TestSets.IN4)));
    }

    @Test
    void readsTheConcatenatedIpv6Keys() throws Exception {
        assertEquals(List.of(new MapElement(
                new TupleKey(ip("2001:db8::1"), ip("2001:db8::2"), TupleKey.UDP, 1000, 2000), ip("2001:db8:1::1"))),
                decodeAll("reply-dump-in6.bin", TestSets.IN6));
    }

    @Test
    void readsPortMapsWithTheirTwoByteValues() throws Exception {
        assertEquals(Set.of(
                new PortMapElement(new TupleKey(ip("198.18.0.1"), ip("198.18.0.2"), TupleKey.TCP, 1000, 2000), 61000),
                new PortMapElement(new TupleKey(ip("198.18.0.3"), ip("198.18.0.4"), TupleKey.UDP, 443, 65535), 1)),
                Set.copyOf(decodeAll("reply-dump-inport4.bin", TestSets.INPORT4)));
        assertEquals(List.of(new PortMapElement(
                new TupleKey(ip("2001:db8::1"), ip("2001:db8::2"), TupleKey.UDP, 1000, 2000), 65535)),
                decodeAll("reply-dump-outport6.bin", TestSets.OUTPORT6));
    }

    @Test
    void refusesToReadAddressValuesAsPortsAndBack() {
        SetReference portsAsAddresses = new SetReference(NftFamily.INET, "sacip", "inport4",
                ElementLayout.TUPLE_MAP_IPV4);
        assertThrows(NetlinkParseException.class, () -> decodeAll("reply-dump-inport4.bin", portsAsAddresses));
        SetReference addressesAsPorts = new SetReference(NftFamily.INET, "sacip", "in4",
                ElementLayout.TUPLE_PORT_MAP_IPV4);
        assertThrows(NetlinkParseException.class, () -> decodeAll("reply-dump-in4.bin", addressesAsPorts));
    }

    @Test
    void readsAddressSets() throws Exception {
        assertEquals(Set.of(new AddressElement(ip("198.18.5.5")), new AddressElement(ip("198.18.5.6"))),
                Set.copyOf(decodeAll("reply-dump-ghosts4.bin", TestSets.GHOSTS4)));
        assertEquals(List.of(new AddressElement(ip("2001:db8::5"))),
                decodeAll("reply-dump-ghosts6.bin", TestSets.GHOSTS6));
    }

    @Test
    void refusesToReadOneSetsBytesWithAnotherSetsLayout() throws Exception {
        SetReference wrong = new SetReference(NftFamily.INET, "sacip", "in4", ElementLayout.TUPLE_MAP_IPV6);
        assertThrows(NetlinkParseException.class, () -> decodeAll("reply-dump-in4.bin", wrong));
        SetReference set = new SetReference(NftFamily.INET, "sacip", "ghosts4", ElementLayout.TUPLE_MAP_IPV4);
        assertThrows(NetlinkParseException.class, () -> decodeAll("reply-dump-ghosts4.bin", set));
    }

    @Test
    void nonZeroPaddingIsAnError() {
        byte[] key = new byte[20];
        key[9] = 1;
        NetlinkParseException error = assertThrows(NetlinkParseException.class,
                () -> ElementLayout.TUPLE_MAP_IPV4.decode(key, new byte[4]));
        assertEquals(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE, error.reason());
    }

    @Test
    void everyTruncationOfARealReplyIsATypedErrorOrAShorterList() throws Exception {
        for (String fixture : List.of("reply-dump-in4.bin", "reply-dump-in6.bin", "reply-dump-ghosts4.bin",
                "reply-dump-inport4.bin")) {
            NetlinkMessage message = Fixtures.messages(fixture).get(0);
            byte[] payload = new byte[message.payload().remaining()];
            message.payloadView().get(payload);
            for (int length = 0; length < payload.length; length++) {
                NetlinkMessage cut = new NetlinkMessage(message.type(), message.flags(), message.sequence(),
                        message.portId(), java.nio.ByteBuffer.wrap(payload, 0, length).slice()
                                .order(java.nio.ByteOrder.nativeOrder()));
                try {
                    ElementList list = ElementListParser.parse(cut);
                    assertTrue(list.elements().size() <= 2);
                } catch (NetlinkParseException expected) {
                    assertTrue(expected.getMessage().length() > 0);
                }
            }
        }
    }
}
