package org.sacip.netlink.nftables;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkConstants;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageParser;

/** Our element messages carry exactly the bytes nft sent for the same elements (captured from nft's sendmsg). */
class NfTablesBatchTest {

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    /** The value of the NFTA_SET_ELEM_LIST_ELEMENTS attribute of every element message in a batch. */
    private static List<byte[]> elementLists(List<NetlinkMessage> batch) throws Exception {
        List<byte[]> lists = new ArrayList<>();
        for (NetlinkMessage message : batch) {
            int kind = message.type() & 0xff;
            if (message.type() >>> 8 == NfTablesConstants.NFNL_SUBSYS_NFTABLES
                    && (kind == NfTablesConstants.NFT_MSG_NEWSETELEM || kind == NfTablesConstants.NFT_MSG_DELSETELEM)) {
                AttributeDecoder attributes = new AttributeDecoder(message.payloadView().position(4));
                while (attributes.next()) {
                    if (attributes.type() == NfTablesConstants.NFTA_SET_ELEM_LIST_ELEMENTS) {
                        assertTrue(attributes.isNestedFlagSet());
                        lists.add(attributes.byteArray());
                    }
                }
                attributes.throwIfError();
            }
        }
        return lists;
    }

    private static List<NetlinkMessage> encode(ElementChange change) throws Exception {
        AtomicInteger sequence = new AtomicInteger(100);
        NfTablesBatch batch = new NfTablesBatch(sequence::getAndIncrement, 0);
        batch.append(change);
        return NetlinkMessageParser.parse(batch.finish());
    }

    private static void assertSameElementBytesAsNft(String fixture, ElementChange change) throws Exception {
        List<byte[]> ours = elementLists(encode(change));
        List<byte[]> nfts = elementLists(Fixtures.messages(fixture));
        assertEquals(1, ours.size());
        assertEquals(1, nfts.size());
        assertArrayEquals(nfts.get(0), ours.get(0));
    }

    @Test
    void ipv4TupleMapElementsMatchNft() throws Exception {
        assertSameElementBytesAsNft("nft-request-add-in4.bin", new ElementChange(ElementChange.Operation.ADD,
                TestSets.IN4, List.of(
                        new MapElement(new TupleKey(ip("198.18.0.1"), ip("198.18.0.2"), TupleKey.UDP, 1000, 2000),
                                ip("198.18.1.1")),
                        new MapElement(new TupleKey(ip("198.18.0.3"), ip("198.18.0.4"), TupleKey.TCP, 443, 65535),
                                ip("198.18.1.2")))));
    }

    @Test
    void ipv6TupleMapElementsMatchNft() throws Exception {
        assertSameElementBytesAsNft("nft-request-add-in6.bin", new ElementChange(ElementChange.Operation.ADD,
                TestSets.IN6, List.of(new MapElement(
                        new TupleKey(ip("2001:db8::1"), ip("2001:db8::2"), TupleKey.UDP, 1000, 2000),
                        ip("2001:db8:1::1")))));
    }

    @Test
    void portMapElementsMatchNftWithTheirValuePadded() throws Exception {
        assertSameElementBytesAsNft("nft-request-add-inport4.bin", new ElementChange(ElementChange.Operation.ADD,
                TestSets.INPORT4, List.of(
                        new PortMapElement(new TupleKey(ip("198.18.0.1"), ip("198.18.0.2"), TupleKey.TCP, 1000, 2000),
                                61000),
                        new PortMapElement(new TupleKey(ip("198.18.0.3"), ip("198.18.0.4"), TupleKey.UDP, 443, 65535),
                                1))));
        assertSameElementBytesAsNft("nft-request-add-outport6.bin", new ElementChange(ElementChange.Operation.ADD,
                TestSets.OUTPORT6, List.of(new PortMapElement(
                        new TupleKey(ip("2001:db8::1"), ip("2001:db8::2"), TupleKey.UDP, 1000, 2000), 65535))));
    }

    @Test
    void addressSetElementsMatchNft() throws Exception {
        assertSameElementBytesAsNft("nft-request-add-ghosts4.bin", new ElementChange(ElementChange.Operation.ADD,
                TestSets.GHOSTS4, List.of(new AddressElement(ip("198.18.5.5")),
                        new AddressElement(ip("198.18.5.6")))));
        assertSameElementBytesAsNft("nft-request-add-ghosts6.bin", new ElementChange(ElementChange.Operation.ADD,
                TestSets.GHOSTS6, List.of(new AddressElement(ip("2001:db8::5")))));
    }

    @Test
    void framesTheTransactionWithBatchBeginAndEndForNfTables() throws Exception {
        List<NetlinkMessage> messages = encode(new ElementChange(ElementChange.Operation.DELETE, TestSets.GHOSTS4,
                List.of(new AddressElement(ip("198.18.5.5")))));
        assertEquals(3, messages.size());
        for (int end : new int[] {0, 2}) {
            NetlinkMessage marker = messages.get(end);
            assertEquals(end == 0 ? NfTablesConstants.NFNL_MSG_BATCH_BEGIN : NfTablesConstants.NFNL_MSG_BATCH_END,
                    marker.type());
            ByteBuffer header = marker.payloadView().order(ByteOrder.BIG_ENDIAN);
            assertEquals(0, header.get(0));
            assertEquals(NfTablesConstants.NFNL_SUBSYS_NFTABLES, header.getShort(2));
        }
        NetlinkMessage delete = messages.get(1);
        assertEquals(NfTablesConstants.messageType(NfTablesConstants.NFT_MSG_DELSETELEM), delete.type());
        assertEquals(NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK, delete.flags());
        assertEquals(NftFamily.INET.code(), delete.payload().get(0));
        assertEquals(List.of(100, 101, 102), messages.stream().map(NetlinkMessage::sequence).toList());
    }

    @Test
    void splitsLargeChangesSoEveryElementListFitsOneAttribute() throws Exception {
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            elements.add(new MapElement(new TupleKey(ip("198.18.0.1"), ip("198.18.0.2"), TupleKey.UDP,
                    1024 + i, 53), ip("198.18.9.9")));
        }
        List<NetlinkMessage> messages = encode(new ElementChange(ElementChange.Operation.ADD, TestSets.OUT4,
                elements));
        List<byte[]> lists = elementLists(messages);
        assertTrue(lists.size() > 1);
        for (byte[] list : lists) {
            assertTrue(list.length + NetlinkConstants.NLA_HDRLEN <= 0xffff, "attribute of " + list.length);
        }
        int total = 0;
        for (NetlinkMessage message : messages.subList(1, messages.size() - 1)) {
            ElementList list = ElementListParser.parse(message);
            total += list.elements().size();
        }
        assertEquals(5000, total);
    }

    @Test
    void refusesElementsThatDoNotFitTheSet() throws Exception {
        MapElement v4 = new MapElement(new TupleKey(ip("198.18.0.1"), ip("198.18.0.2"), 17, 1, 2), ip("198.18.0.3"));
        assertThrows(IllegalArgumentException.class,
                () -> new ElementChange(ElementChange.Operation.ADD, TestSets.IN6, List.of(v4)));
        assertThrows(IllegalArgumentException.class,
                () -> new ElementChange(ElementChange.Operation.ADD, TestSets.GHOSTS4, List.of(v4)));
        assertThrows(IllegalArgumentException.class, () -> new TupleKey(ip("198.18.0.1"), ip("2001:db8::1"),
                17, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new TupleKey(ip("198.18.0.1"), ip("198.18.0.2"),
                17, 65536, 2));
        assertThrows(IllegalArgumentException.class, () -> new MapElement(v4.key(), ip("2001:db8::1")));
        PortMapElement port = new PortMapElement(v4.key(), 61000);
        assertThrows(IllegalArgumentException.class,
                () -> new ElementChange(ElementChange.Operation.ADD, TestSets.IN4, List.of(port)));
        assertThrows(IllegalArgumentException.class,
                () -> new ElementChange(ElementChange.Operation.ADD, TestSets.INPORT6, List.of(port)));
        assertThrows(IllegalArgumentException.class,
                () -> new ElementChange(ElementChange.Operation.ADD, TestSets.INPORT4, List.of(v4)));
        assertThrows(IllegalArgumentException.class, () -> new PortMapElement(v4.key(), 65536));
    }
}
