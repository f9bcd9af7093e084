package org.sacip.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Several built messages in one buffer, sent with one system call (nf_tables transactions, bulk updates). */
public final class NetlinkBatch {
    private final List<ByteBuffer> messages = new ArrayList<>();
    private int length;

    public NetlinkBatch add(ByteBuffer message) {
        if (message.remaining() % 4 != 0) {
            throw new IllegalArgumentException("a netlink message in a batch must be 4-byte aligned");
        }
        messages.add(message.duplicate());
        length += message.remaining();
        return this;
    }

    public int size() {
        return messages.size();
    }

    public ByteBuffer build() {
        ByteBuffer batch = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        for (ByteBuffer message : messages) {
            batch.put(message.duplicate());
        }
        return batch.flip();
    }
}
