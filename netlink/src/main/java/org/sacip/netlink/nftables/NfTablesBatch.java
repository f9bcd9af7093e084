package org.sacip.netlink.nftables;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntSupplier;
import org.sacip.netlink.NetlinkConstants;

/**
 * Encodes one nf_tables transaction: NFNL_MSG_BATCH_BEGIN, the element messages, NFNL_MSG_BATCH_END, in one
 * buffer that goes to the kernel in one send. The kernel applies all of it or none of it. Every element message
 * asks for an acknowledgement, so the caller knows which sequence numbers to wait for.
 */
final class NfTablesBatch {
    /** An attribute length is 16 bits, so one message carries at most this many bytes of elements. */
    private static final int MAX_ELEMENTS_ATTRIBUTE = 0xffff;
    private static final int ADD_FLAGS = NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_CREATE
            | NetlinkConstants.NLM_F_ACK;
    private static final int DELETE_FLAGS = NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK;

    private final IntSupplier sequences;
    private final List<Integer> acknowledged = new ArrayList<>();
    private final int beginSequence;
    private ByteBuffer out;
    private boolean finished;

    NfTablesBatch(IntSupplier sequences, int expectedBytes) {
        this.sequences = sequences;
        this.out = ByteBuffer.allocateDirect(Math.max(256, expectedBytes)).order(ByteOrder.nativeOrder());
        this.beginSequence = sequences.getAsInt();
        writeBatchMarker(NfTablesConstants.NFNL_MSG_BATCH_BEGIN, beginSequence);
    }

    /** Bytes a batch holding these element changes needs, so the buffer is allocated once. */
    static int estimateBytes(List<ElementChange> changes) {
        long total = 2L * (NetlinkConstants.NLMSG_HDRLEN + NfTablesConstants.NFGENMSG_LENGTH);
        for (ElementChange change : changes) {
            int perElement = elementBytes(change.set().layout());
            int perMessage = Math.max(1, (MAX_ELEMENTS_ATTRIBUTE - NetlinkConstants.NLA_HDRLEN) / perElement);
            long messages = Math.max(1, (change.elements().size() + perMessage - 1) / perMessage);
            long headers = NetlinkConstants.NLMSG_HDRLEN + NfTablesConstants.NFGENMSG_LENGTH
                    + 2L * (NetlinkConstants.NLA_HDRLEN + NfTablesConstants.NAME_MAX_LENGTH + 4)
                    + NetlinkConstants.NLA_HDRLEN;
            total += messages * headers + (long) change.elements().size() * perElement;
        }
        return (int) Math.min(Integer.MAX_VALUE - 8, total);
    }

    /** Appends the messages of one change, split so each message's element list fits in one attribute. */
    void append(ElementChange change) {
        if (finished) {
            throw new IllegalStateException("batch already finished");
        }
        SetReference set = change.set();
        ElementLayout layout = set.layout();
        int perElement = elementBytes(layout);
        int perMessage = Math.max(1, (MAX_ELEMENTS_ATTRIBUTE - NetlinkConstants.NLA_HDRLEN) / perElement);
        List<Element> elements = change.elements();
        boolean add = change.operation() == ElementChange.Operation.ADD;
        for (int from = 0; from < elements.size(); from += perMessage) {
            List<Element> part = elements.subList(from, Math.min(elements.size(), from + perMessage));
            int sequence = sequences.getAsInt();
            acknowledged.add(sequence);
            int start = beginMessage(NfTablesConstants.messageType(
                    add ? NfTablesConstants.NFT_MSG_NEWSETELEM : NfTablesConstants.NFT_MSG_DELSETELEM),
                    add ? ADD_FLAGS : DELETE_FLAGS, sequence, set.family().code(), 0);
            putString(NfTablesConstants.NFTA_SET_ELEM_LIST_TABLE, set.table());
            putString(NfTablesConstants.NFTA_SET_ELEM_LIST_SET, set.name());
            int list = beginNested(NfTablesConstants.NFTA_SET_ELEM_LIST_ELEMENTS, part.size() * perElement);
            int index = 0;
            for (Element element : part) {
                putElement(layout, element, ++index);
            }
            endNested(list);
            endMessage(start);
        }
    }

    /** Closes the batch; the buffer is ready to send (position 0, limit at its end). */
    ByteBuffer finish() {
        if (!finished) {
            writeBatchMarker(NfTablesConstants.NFNL_MSG_BATCH_END, sequences.getAsInt());
            finished = true;
            out.flip();
        }
        return out.duplicate().order(ByteOrder.nativeOrder());
    }

    /** Sequence of the BATCH_BEGIN message: the kernel blames it when the transaction as a whole fails. */
    int beginSequence() {
        return beginSequence;
    }

    /** Sequence numbers of the element messages, each of which the kernel answers with an ACK or an error. */
    List<Integer> acknowledgedSequences() {
        return Collections.unmodifiableList(acknowledged);
    }

    /** Bytes of one encoded element: list entry, key with its value, and the mapped value for a map. */
    static int elementBytes(ElementLayout layout) {
        int key = 2 * NetlinkConstants.NLA_HDRLEN + NetlinkConstants.align(layout.keyLength());
        int data = layout.isMap() ? 2 * NetlinkConstants.NLA_HDRLEN + NetlinkConstants.align(layout.dataLength()) : 0;
        return NetlinkConstants.NLA_HDRLEN + key + data;
    }

    /** Numbers the list entries 1, 2, ... as libnftnl does (the kernel reads any type), so our bytes equal nft's. */
    private void putElement(ElementLayout layout, Element element, int index) {
        int entry = beginNested(index, 0);
        int key = beginNested(NfTablesConstants.NFTA_SET_ELEM_KEY, 0);
        putHeader(NetlinkConstants.NLA_HDRLEN + layout.keyLength(), NfTablesConstants.NFTA_DATA_VALUE);
        layout.writeKey(element, out);
        endNested(key);
        if (layout.isMap()) {
            int data = beginNested(NfTablesConstants.NFTA_SET_ELEM_DATA, 0);
            putHeader(NetlinkConstants.NLA_HDRLEN + layout.dataLength(), NfTablesConstants.NFTA_DATA_VALUE);
            layout.writeData(element, out);
            // A port value is 2 bytes: the attribute is padded to 4 (its header states 2).
            pad();
            endNested(data);
        }
        endNested(entry);
    }

    private void writeBatchMarker(int type, int sequence) {
        // res_id names the subsystem the batch is for.
        int start = beginMessage(type, NetlinkConstants.NLM_F_REQUEST, sequence, 0,
                NfTablesConstants.NFNL_SUBSYS_NFTABLES);
        endMessage(start);
    }

    private int beginMessage(int type, int flags, int sequence, int family, int resourceId) {
        ensure(NetlinkConstants.NLMSG_HDRLEN + NfTablesConstants.NFGENMSG_LENGTH);
        int start = out.position();
        out.putInt(0).putShort((short) type).putShort((short) flags).putInt(sequence).putInt(0);
        out.put((byte) family).put((byte) 0).putShort(Short.reverseBytes((short) resourceId));
        return start;
    }

    private void endMessage(int start) {
        out.putInt(start, out.position() - start);
    }

    private void putString(int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int length = NetlinkConstants.NLA_HDRLEN + bytes.length + 1;
        ensure(NetlinkConstants.align(length));
        putHeader(length, type);
        out.put(bytes).put((byte) 0);
        pad();
    }

    private int beginNested(int type, int expectedBody) {
        ensure(NetlinkConstants.NLA_HDRLEN + Math.max(expectedBody, 64));
        int start = out.position();
        putHeader(0, type | NetlinkConstants.NLA_F_NESTED);
        return start;
    }

    private void endNested(int start) {
        out.putShort(start, (short) (out.position() - start));
    }

    private void putHeader(int length, int type) {
        out.putShort((short) length).putShort((short) type);
    }

    private void pad() {
        while ((out.position() & 3) != 0) {
            out.put((byte) 0);
        }
    }

    private void ensure(int more) {
        if (out.remaining() >= more) {
            return;
        }
        ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(out.capacity() * 2, out.position() + more))
                .order(ByteOrder.nativeOrder());
        out.flip();
        bigger.put(out);
        out = bigger;
    }
}
