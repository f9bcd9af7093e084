package org.sacip.agent.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import jdk.net.ExtendedSocketOptions;
import org.sacip.control.ControlError;
import org.sacip.control.ReplyChunks;
import org.sacip.control.ReplyLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept thread: one selector accepts connections, reads request lines and writes replies without ever
 * blocking, so idle or slow clients cost a buffer each and delay nobody. Complete lines go to the handler pool;
 * events connections are handed over to {@link EventFollowers}.
 */
final class ConnectionLoop implements Runnable {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    static final Duration WORK_TIMEOUT = Duration.ofSeconds(10);
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_CONNECTIONS = 256;
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLoop.class);
    private static final int ACCEPTS_PER_ROUND = 64;
    // After accept() fails (out of file descriptors), stop listening briefly instead of spinning on it.
    private static final long ACCEPT_PAUSE_NANOS = Duration.ofMillis(100).toNanos();
    private static final long ERROR_PAUSE_MILLIS = 50;

    private record Completion(RequestConnection connection, RequestHandler.Outcome outcome) {
    }

    private final ServerSocketChannel server;
    private final Selector selector;
    private final SelectionKey serverKey;
    private final ExecutorService handlers;
    private final RequestHandler handler;
    private final EventFollowers followers;
    private final Set<RequestConnection> open = new HashSet<>();
    // open's size for other threads (open itself belongs to the loop thread).
    private volatile int openCount;
    private final Queue<Completion> completed = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;
    private long acceptResumesAt;
    private boolean acceptPaused;

    ConnectionLoop(ServerSocketChannel server, ExecutorService handlers, RequestHandler handler,
            EventFollowers followers) throws IOException {
        this.server = server;
        this.handlers = handlers;
        this.handler = handler;
        this.followers = followers;
        this.selector = Selector.open();
        try {
            server.configureBlocking(false);
            this.serverKey = server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
    }

    /** Request connections accepted and not yet closed or handed to a follower (read from any thread). */
    int openConnections() {
        return openCount;
    }

    /** Makes {@link #run} return soon, closing every request connection and the listening socket. */
    void stop() {
        stopping = true;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                try {
                    selector.select(this::onReady, millisToNextDeadline());
                    finishCompleted();
                    expireDeadlines();
                    resumeAcceptWhenDue();
                } catch (ClosedSelectorException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    LOG.warn("control socket loop: {}", e.toString());
                    pauseAfterError();
                }
            }
        } finally {
            closeEverything();
        }
    }

    private void onReady(SelectionKey key) {
        if (key == serverKey) {
            if (key.isValid() && key.isAcceptable()) {
                acceptWaiting();
            }
            return;
        }
        RequestConnection connection = (RequestConnection) key.attachment();
        try {
            if (!key.isValid()) {
                close(connection);
            } else if (connection.state == RequestConnection.State.READING && key.isReadable()) {
                read(connection);
            } else if (connection.state == RequestConnection.State.WRITING && key.isWritable()) {
                write(connection);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("control connection dropped: {}", e.toString());
            close(connection);
        }
    }

    private void acceptWaiting() {
        for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                LOG.warn("control socket accept failed, pausing 100 ms: {}", e.toString());
                serverKey.interestOps(0);
                acceptPaused = true;
                acceptResumesAt = System.nanoTime() + ACCEPT_PAUSE_NANOS;
                return;
            }
            if (channel == null) {
                return;
            }
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        try {
            channel.configureBlocking(false);
            if (open.size() >= MAX_CONNECTIONS) {
                // Best effort: one non-blocking write of a short line, then goodbye.
                channel.write(ByteBuffer.wrap(ReplyLines.error(ControlError.BUSY,
                        "too many open control connections (at most " + MAX_CONNECTIONS + ")")));
                channel.close();
                return;
            }
            RequestConnection connection = new RequestConnection(channel, System.nanoTime() + READ_TIMEOUT.toNanos());
            connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
            open.add(connection);
            openCount = open.size();
        } catch (IOException | RuntimeException e) {
            LOG.debug("control connection refused: {}", e.toString());
            closeQuietly(channel);
        }
    }

    private void read(RequestConnection connection) throws IOException {
        switch (connection.reader.readFrom(connection.channel)) {
            case MORE:
                return;
            case GONE:
                close(connection);
                return;
            case ENDED_EARLY:
                reply(connection, ReplyLines.error(ControlError.BAD_REQUEST,
                        "the request line ended without a newline"));
                return;
            case TOO_LARGE:
                reply(connection, ReplyLines.error(ControlError.TOO_LARGE,
                        "request line longer than " + RequestReader.MAX_LINE_BYTES + " bytes"));
                return;
            case LINE:
                dispatch(connection);
                return;
            default:
                throw new IllegalStateException("unknown read progress");
        }
    }

    private void dispatch(RequestConnection connection) {
        connection.state = RequestConnection.State.WORKING;
        connection.key.interestOps(0);
        connection.deadline = System.nanoTime() + WORK_TIMEOUT.toNanos();
        byte[] line = connection.reader.line();
        SocketChannel channel = connection.channel;
        try {
            handlers.execute(() -> {
                RequestHandler.Outcome outcome = handler.handle(line,
                        () -> channel.getOption(ExtendedSocketOptions.SO_PEERCRED));
                completed.add(new Completion(connection, outcome));
                selector.wakeup();
            });
        } catch (RejectedExecutionException e) {
            close(connection); // only while shutting down
        }
    }

    private void finishCompleted() {
        Completion done;
        while ((done = completed.poll()) != null) {
            RequestConnection connection = done.connection();
            boolean stillWaiting = connection.state == RequestConnection.State.WORKING && connection.channel.isOpen();
            if (done.outcome() instanceof RequestHandler.Follow) {
                if (!stillWaiting) {
                    followers.release();
                    continue;
                }
                open.remove(connection);
                openCount = open.size();
                connection.key.cancel();
                followers.start(connection.channel);
            } else if (stillWaiting) {
                reply(connection, ((RequestHandler.Reply) done.outcome()).line());
            }
        }
    }

    private void reply(RequestConnection connection, byte[] line) {
        reply(connection, ReplyChunks.of(line));
    }

    private void reply(RequestConnection connection, ReplyChunks chunks) {
        connection.state = RequestConnection.State.WRITING;
        connection.chunks = chunks;
        connection.reply = ByteBuffer.allocate(0);
        connection.deadline = System.nanoTime() + WRITE_TIMEOUT.toNanos();
        try {
            write(connection);
        } catch (IOException | RuntimeException e) {
            LOG.debug("control reply not delivered: {}", e.toString());
            close(connection);
        }
    }

    /** Writes while the socket takes it, encoding the next piece of the reply only when the last one is out. */
    private void write(RequestConnection connection) throws IOException {
        boolean progressed = false;
        while (true) {
            if (!connection.reply.hasRemaining()) {
                byte[] next;
                try {
                    next = connection.chunks.next();
                } catch (JsonProcessingException | RuntimeException e) {
                    // Part of the line may be out: no error reply can follow it. The client sees it end without "\n".
                    LOG.warn("control reply cut short after {} bytes: an item could not be encoded", connection.sent,
                            e);
                    close(connection);
                    return;
                }
                if (next == null) {
                    close(connection);
                    return;
                }
                connection.reply = ByteBuffer.wrap(next);
            }
            int written = connection.channel.write(connection.reply);
            if (written > 0) {
                connection.sent += written;
                progressed = true;
            }
            if (connection.reply.hasRemaining()) {
                break;
            }
        }
        if (progressed) {
            // A client that reads on, however slowly (a list of 100,000 sessions runs to tens of megabytes), keeps
            // its reply; one that stops reading loses it.
            connection.deadline = System.nanoTime() + WRITE_TIMEOUT.toNanos();
        }
        connection.key.interestOps(SelectionKey.OP_WRITE);
    }

    private void expireDeadlines() {
        long now = System.nanoTime();
        for (RequestConnection connection : new ArrayList<>(open)) {
            if (!connection.expired(now)) {
                continue;
            }
            switch (connection.state) {
                case READING:
                    reply(connection, ReplyLines.error(ControlError.TIMEOUT,
                            "the request line was not complete within " + READ_TIMEOUT.toSeconds() + " s"));
                    break;
                case WORKING:
                    LOG.warn("a control request got no answer from the agent within {} s", WORK_TIMEOUT.toSeconds());
                    reply(connection, ReplyLines.error(ControlError.INTERNAL,
                            "the agent did not answer within " + WORK_TIMEOUT.toSeconds() + " s"));
                    break;
                case WRITING:
                    LOG.warn("a control reply was abandoned: the client read none of it for {} s ({} bytes sent)",
                            WRITE_TIMEOUT.toSeconds(), connection.sent);
                    close(connection);
                    break;
                default:
                    throw new IllegalStateException("unknown connection state");
            }
        }
    }

    private void resumeAcceptWhenDue() {
        if (acceptPaused && System.nanoTime() - acceptResumesAt >= 0) {
            acceptPaused = false;
            serverKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    // 0 means "no deadline": select waits until something happens.
    private long millisToNextDeadline() {
        long now = System.nanoTime();
        long nearest = Long.MAX_VALUE;
        for (RequestConnection connection : open) {
            nearest = Math.min(nearest, connection.deadline - now);
        }
        if (acceptPaused) {
            nearest = Math.min(nearest, acceptResumesAt - now);
        }
        if (nearest == Long.MAX_VALUE) {
            return 0;
        }
        return Math.max(1, Duration.ofNanos(nearest).toMillis() + 1);
    }

    private void close(RequestConnection connection) {
        open.remove(connection);
        openCount = open.size();
        closeQuietly(connection.channel);
    }

    private void closeEverything() {
        for (RequestConnection connection : new ArrayList<>(open)) {
            close(connection);
        }
        for (Completion left; (left = completed.poll()) != null; ) {
            if (left.outcome() instanceof RequestHandler.Follow) {
                followers.release();
            }
            closeQuietly(left.connection().channel);
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the listening socket: {}", e.toString());
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the control selector: {}", e.toString());
        }
    }

    private static void pauseAfterError() {
        try {
            Thread.sleep(ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing a control connection: {}", e.toString());
        }
    }
}
