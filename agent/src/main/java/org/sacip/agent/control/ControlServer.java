package org.sacip.agent.control;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.sacip.agent.files.UntrustedDirectoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's control socket (docs/CONTROL.md): a unix stream socket answering one JSON request per connection,
 * or streaming events to followers. Threads: one accept/IO thread, {@link #HANDLER_THREADS} handler threads that
 * call the {@link ControlApi}, and one daemon thread per events follower.
 */
public final class ControlServer implements AutoCloseable {
    public static final int HANDLER_THREADS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    private static final long STOP_WAIT_MILLIS = 2000;

    private final Path socket;
    private final ConnectionLoop loop;
    private final Thread loopThread;
    private final ExecutorService handlers;
    private final EventFollowers followers;
    private boolean closed;

    private ControlServer(Path socket, ConnectionLoop loop, ExecutorService handlers, EventFollowers followers) {
        this.socket = socket;
        this.loop = loop;
        this.handlers = handlers;
        this.followers = followers;
        this.loopThread = new Thread(loop, "sacip-control-accept");
        this.loopThread.setDaemon(true);
    }

    /**
     * Binds the socket (mode 0660, group {@code group} when given, parent directory created 0755, a stale socket
     * file replaced) and starts serving.
     *
     * @throws ControlServerException unknown group, a directory others could write (see {@link #checkDirectory}),
     *         another live server on the path, or the socket cannot be set up
     */
    public static ControlServer start(Path socket, Optional<String> group, String agentVersion, ControlApi api,
            EventFeed feed) throws ControlServerException {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(agentVersion, "agentVersion");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(feed, "feed");
        Path path = socket.toAbsolutePath().normalize();
        ServerSocketChannel channel = ControlSocketFile.bind(path, group);
        EventFollowers followers = new EventFollowers(feed);
        ExecutorService handlers = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("sacip-control-handler-"));
        ConnectionLoop loop;
        try {
            loop = new ConnectionLoop(channel, handlers, new RequestHandler(api, agentVersion, followers), followers);
        } catch (IOException | RuntimeException e) {
            handlers.shutdownNow();
            try {
                channel.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            ControlSocketFile.delete(path);
            throw new ControlServerException("cannot start serving " + path + ": " + e.getMessage(), e);
        }
        ControlServer server = new ControlServer(path, loop, handlers, followers);
        server.loopThread.start();
        LOG.info("control socket listening at {}", path);
        return server;
    }

    /**
     * Checks, changing nothing, that the socket's directory (or, when it does not exist yet, the part of its path
     * that does) is owned by root or the agent and writable by nobody else, with safe ancestors: {@link #start}
     * refuses it otherwise. For a start-up that must fail before anything is set up.
     */
    public static void checkDirectory(Path socket) throws UntrustedDirectoryException {
        ControlSocketFile.checkDirectory(socket);
    }

    public Path socketPath() {
        return socket;
    }

    /** Request connections open now, accepted and not yet answered and closed (events followers not counted). */
    int openConnections() {
        return loop.openConnections();
    }

    /** Bytes that events followers' clients sent after their request, read and ignored so far. */
    long followerBytesIgnored() {
        return followers.bytesIgnored();
    }

    /** Stops accepting, ends every client connection (followers included) and deletes the socket file. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.stop();
        try {
            loopThread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (loopThread.isAlive()) {
            LOG.warn("the control socket thread did not stop within {} ms", STOP_WAIT_MILLIS);
        }
        handlers.shutdownNow();
        followers.closeAll();
        ControlSocketFile.delete(socket);
        LOG.info("control socket {} closed", socket);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
