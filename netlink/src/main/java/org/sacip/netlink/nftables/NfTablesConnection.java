package org.sacip.netlink.nftables;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkConstants;
import org.sacip.netlink.NetlinkDumpInterruptedException;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageBuilder;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.NetlinkSocket;

/**
 * Changes and reads the elements of nf_tables sets and maps. Changes are queued by {@link #addElements} and
 * {@link #deleteElements} and go to the kernel on {@link #flush()} as one transaction (one send, one round trip),
 * which the kernel applies completely or not at all. Not thread-safe.
 */
public final class NfTablesConnection implements AutoCloseable {
    /** A dump the kernel interrupted (the set changed meanwhile) is tried this often before giving up. */
    private static final int DUMP_ATTEMPTS = 5;
    /** Send buffer asked for at the first large flush, so later transactions rarely need another system call. */
    private static final int MIN_SEND_BUFFER = 1 << 20;

    private final NetlinkSocket socket;
    private final List<ElementChange> pending = new ArrayList<>();
    /** The largest transaction the socket's send buffer is known to take; 0 until the first flush. */
    private int sendCapacity;

    private NfTablesConnection(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** The port id of this connection's socket: the kernel names it in the notifications of its transactions. */
    public int portId() {
        return socket.portId();
    }

    /** A connection to the nf_tables of the caller's network namespace. */
    public static NfTablesConnection open() throws NetlinkException {
        return new NfTablesConnection(NetlinkSocket.open(NetlinkFamily.NETFILTER));
    }

    /** A connection to the nf_tables of another network namespace. */
    public static NfTablesConnection open(NetNamespace namespace) throws NetlinkException {
        return new NfTablesConnection(NetlinkSocket.open(NetlinkFamily.NETFILTER, namespace));
    }

    /**
     * Queues elements to add. Adding an element that is already there with the same value is no change; with
     * another value the kernel refuses the transaction (EEXIST).
     *
     * @throws IllegalArgumentException if an element does not fit the set's layout (nothing is queued)
     */
    public void addElements(SetReference set, Collection<? extends Element> elements) {
        pending.add(new ElementChange(ElementChange.Operation.ADD, set, List.copyOf(elements)));
    }

    /** Queues elements to delete (for a map only the key counts). Deleting a missing element fails (ENOENT). */
    public void deleteElements(SetReference set, Collection<? extends Element> elements) {
        pending.add(new ElementChange(ElementChange.Operation.DELETE, set, List.copyOf(elements)));
    }

    /** The changes queued since the last flush. */
    public List<ElementChange> pendingChanges() {
        return List.copyOf(pending);
    }

    /**
     * Sends every queued change as one transaction and waits for the kernel's answer to each message. The queue is
     * empty afterwards, also when the kernel refused the transaction.
     *
     * @throws NfTablesTransactionException if the kernel refused it; then nothing was applied
     */
    public void flush() throws NetlinkException {
        if (pending.isEmpty()) {
            return;
        }
        List<ElementChange> changes = List.copyOf(pending);
        pending.clear();
        NfTablesBatch batch = new NfTablesBatch(socket::nextSequence, NfTablesBatch.estimateBytes(changes));
        Map<Integer, ElementChange> changeOfSequence = new HashMap<>();
        for (ElementChange change : changes) {
            int before = batch.acknowledgedSequences().size();
            batch.append(change);
            for (int sequence : batch.acknowledgedSequences().subList(before, batch.acknowledgedSequences().size())) {
                changeOfSequence.put(sequence, change);
            }
        }
        ByteBuffer buffer = batch.finish();
        if (buffer.remaining() > sendCapacity) {
            int wanted = Math.max(buffer.remaining(), MIN_SEND_BUFFER);
            socket.setSendBufferSize(wanted);
            sendCapacity = wanted;
        }
        try {
            socket.executeAll(buffer);
        } catch (NetlinkErrorException refused) {
            throw new NfTablesTransactionException(changeOfSequence.get(refused.sequence()), refused);
        }
    }

    /** Reads every element of a set or map back from the kernel, typed by the set's layout. */
    public List<Element> listElements(SetReference set) throws NetlinkException {
        List<Element> elements = new ArrayList<>();
        for (ElementList list : dumpElements(set)) {
            elements.addAll(list.decode(set.layout()));
        }
        return elements;
    }

    private List<ElementList> dumpElements(SetReference set) throws NetlinkException {
        for (int attempt = 1; ; attempt++) {
            ByteBuffer request = new NetlinkMessageBuilder(
                    NfTablesConstants.messageType(NfTablesConstants.NFT_MSG_GETSETELEM),
                    NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_DUMP)
                    .familyHeader(new byte[] {(byte) set.family().code(), 0, 0, 0})
                    .putString(NfTablesConstants.NFTA_SET_ELEM_LIST_TABLE, set.table())
                    .putString(NfTablesConstants.NFTA_SET_ELEM_LIST_SET, set.name())
                    .build(socket.nextSequence());
            try {
                List<ElementList> lists = new ArrayList<>();
                for (NetlinkMessage message : socket.dump(request)) {
                    ElementList list = ElementListParser.parse(message);
                    if (!list.isOf(set)) {
                        throw new NetlinkParseException(NetlinkParseException.Reason.UNEXPECTED_MESSAGE,
                                "dump of " + set + " answered with elements of " + list.table() + " " + list.set());
                    }
                    lists.add(list);
                }
                return lists;
            } catch (NetlinkDumpInterruptedException interrupted) {
                if (attempt == DUMP_ATTEMPTS) {
                    throw interrupted;
                }
            }
        }
    }

    /** Whether the kernel has this set or map (the ruleset is loaded), asked without reading its elements. */
    public boolean hasSet(SetReference set) throws NetlinkException {
        ByteBuffer request = new NetlinkMessageBuilder(NfTablesConstants.messageType(NfTablesConstants.NFT_MSG_GETSET),
                NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK)
                .familyHeader(new byte[] {(byte) set.family().code(), 0, 0, 0})
                .putString(NfTablesConstants.NFTA_SET_TABLE, set.table())
                .putString(NfTablesConstants.NFTA_SET_NAME, set.name())
                .build(socket.nextSequence());
        try {
            socket.query(request);
            return true;
        } catch (NetlinkErrorException e) {
            if (e.errno() == NfTablesConstants.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
