package org.sacip.agent.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.sacip.control.AgentEvent;
import org.sacip.control.Following;
import org.sacip.control.ReplyLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One events connection: writes the "following" reply, then each event as a line until the client goes away. It
 * only ever waits on its own subscription or its own socket, so a client that stops reading costs lost events for
 * itself and nothing for anybody else. It waits on both at once, without a timeout, in one selector: the socket's
 * readiness (room to write, data or hang-up from the client) and a selector wakeup for each event queued and for
 * {@link #close()}.
 */
final class EventFollower {
    private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);
    private static final byte[] FOLLOWING = followingReply();

    private final SocketChannel channel;
    private final EventFeed.Subscription subscription;
    private final Runnable onEnd;
    private final AtomicLong bytesIgnored;
    private final Selector selector;
    private final ByteBuffer discard = ByteBuffer.allocate(512);
    private volatile boolean closed;
    private Thread thread;

    EventFollower(SocketChannel channel, EventFeed.Subscription subscription, Runnable onEnd,
            AtomicLong bytesIgnored) {
        this.channel = channel;
        this.subscription = subscription;
        this.onEnd = onEnd;
        this.bytesIgnored = bytesIgnored;
        Selector opened;
        try {
            opened = Selector.open();
        } catch (IOException e) {
            opened = null;
            LOG.warn("cannot open a selector for an events follower: {}", e.getMessage());
        }
        this.selector = opened;
    }

    void attach(Thread runner) {
        this.thread = runner;
    }

    void run() {
        try {
            if (selector == null) {
                return;
            }
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            // Set before the first look at the queue: an event offered after that look ends the select below.
            subscription.onChange(selector::wakeup);
            ByteBuffer out = ByteBuffer.wrap(FOLLOWING);
            while (!closed) {
                if (!out.hasRemaining()) {
                    Optional<AgentEvent> next = subscription.take(Duration.ZERO);
                    if (next.isPresent()) {
                        out = ByteBuffer.wrap(ReplyLines.event(next.get()));
                    } else if (subscription.isClosed()) {
                        return;
                    }
                }
                if (out.hasRemaining()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        continue;
                    }
                    // The client is not reading: wait for room (or its hang-up) while the queue fills up.
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                } else {
                    key.interestOps(SelectionKey.OP_READ);
                }
                selector.select();
                if (clientGone()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | ClosedSelectorException e) {
            LOG.debug("events follower ended: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("events follower failed", e);
        } finally {
            subscription.close();
            closeQuietly();
            onEnd.run();
        }
    }

    /** Ends the connection from another thread; the follower thread is woken and notices at once. */
    void close() {
        closed = true;
        subscription.close();
        if (selector != null) {
            selector.wakeup();
        }
    }

    boolean join(long millis) {
        if (thread == null) {
            return true;
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    // Anything the client sends after its request is read and ignored; end-of-stream means it has gone.
    private boolean clientGone() throws IOException {
        selector.selectedKeys().clear();
        while (true) {
            discard.clear();
            int read = channel.read(discard);
            if (read < 0) {
                return true;
            }
            if (read == 0) {
                return false;
            }
            bytesIgnored.addAndGet(read);
        }
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing an events connection: {}", e.toString());
        }
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("closing an events selector: {}", e.toString());
            }
        }
    }

    private static byte[] followingReply() {
        try {
            return ReplyLines.ok(new Following(true));
        } catch (IOException e) {
            throw new IllegalStateException("a constant reply always encodes", e);
        }
    }
}
