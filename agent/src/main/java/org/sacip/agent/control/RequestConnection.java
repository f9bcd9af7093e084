package org.sacip.agent.control;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.sacip.control.ReplyChunks;

/** A request/reply connection as the connection loop sees it. Touched only by the loop's thread. */
final class RequestConnection {
    /** Reading the request line, waiting for a handler thread, or writing the reply. */
    enum State { READING, WORKING, WRITING }

    final SocketChannel channel;
    final RequestReader reader = new RequestReader();
    SelectionKey key;
    State state = State.READING;
    /** The reply's pieces not yet taken, and the piece being written. */
    ReplyChunks chunks;
    ByteBuffer reply;
    long sent;
    /** System.nanoTime() by which the current state must be over. */
    long deadline;

    RequestConnection(SocketChannel channel, long deadline) {
        this.channel = channel;
        this.deadline = deadline;
    }

    boolean expired(long now) {
        return now - deadline >= 0;
    }
}
