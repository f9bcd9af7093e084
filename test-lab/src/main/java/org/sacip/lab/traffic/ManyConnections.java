package org.sacip.lab.traffic;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Many connections at once (up to 50,000 per process; {@code connect} may name several servers, comma-separated,
 * taken in turn; without {@code bind} the kernel picks the source, so one address is not limited to one port range):
 * the client opens them all before any move, then every 100 ms (slower
 * above 1,000 connections: count/10 ms) sends an 8-byte counter on each; the server echoes what it gets; the client checks each connection's counters come back in
 * order. One selector thread per side: threads per connection would not scale to 10,000 on two cores.
 */
public final class ManyConnections implements TrafficRole {
    public static final int MAX_CONNECTIONS = 50_000;
    private static final int CONNECTS_IN_FLIGHT = 256;
    private static final long CONNECT_LIMIT_MS = 60_000;
    /** ... and more for a large count: on two busy cores 15,000 connections take about a minute to open. */
    private static final long CONNECT_LIMIT_PER_CONNECTION_MS = 10;

    private final boolean server;
    private final EndpointOptions options;
    private final int count;
    private final long intervalMs;
    private final StreamCounters counters = new StreamCounters();
    private final List<Conn> conns = new ArrayList<>();
    /** The server's one echo buffer: the selector thread alone uses it. */
    private final ByteBuffer echoBuffer = ByteBuffer.allocate(4096);
    private Selector selector;
    private ServerSocketChannel listener;
    private Thread loop;
    private volatile boolean sending = true;
    private volatile boolean closing;

    /** One connection's state; the selector thread alone touches it. */
    private final class Conn {
        final SocketChannel channel;
        final DeliveryClock clock = new DeliveryClock(counters.gaps);
        final ByteBuffer in = ByteBuffer.allocate(8);
        final ByteBuffer out = ByteBuffer.allocate(8);
        final String tuple;
        long nextToSend;
        long expected;
        String failure;

        Conn(SocketChannel channel) throws IOException {
            this.channel = channel;
            this.tuple = Tuples.of(channel.getLocalAddress(), channel.getRemoteAddress());
        }
    }

    public ManyConnections(boolean server, EndpointOptions options) {
        this.server = server;
        this.options = options;
        this.count = (int) options.getLong("count", 100);
        // 100 ms per connection, but no more than about 10,000 messages a second in all: a single selector thread
        // on a shared 2-core machine falls behind beyond that, and its own lag would show up as gaps.
        this.intervalMs = options.getLong("intervalMs", Math.max(100, count / 10));
        if (count < 1 || count > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("count must be 1.." + MAX_CONNECTIONS + ", got " + count);
        }
    }

    @Override
    public void listen() throws IOException {
        selector = Selector.open();
        if (server) {
            listener = ServerSocketChannel.open();
            listener.bind(options.socket("listen"), MAX_CONNECTIONS);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        }
    }

    @Override
    public String establish() throws IOException {
        if (server) {
            return Tuples.format(listener.getLocalAddress()) + " -> (" + count + " clients)";
        }
        // Bound to a port, an address has one port range for all servers; left to connect(), ports repeat per server.
        InetSocketAddress bind = options.values().containsKey("bind")
                ? new InetSocketAddress(options.address("bind"), 0) : null;
        List<InetSocketAddress> targets = options.sockets("connect");
        long deadline = System.currentTimeMillis() + CONNECT_LIMIT_MS + CONNECT_LIMIT_PER_CONNECTION_MS * count;
        int started = 0;
        int pending = 0;
        while (conns.size() < count) {
            while (started < count && pending < CONNECTS_IN_FLIGHT) {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                if (bind != null) {
                    channel.bind(bind);
                }
                if (channel.connect(targets.get(started % targets.size()))) {
                    registerConnected(channel, null);
                } else {
                    channel.register(selector, SelectionKey.OP_CONNECT);
                    pending++;
                }
                started++;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("only " + conns.size() + " of " + count + " connections opened in time");
            }
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                SocketChannel channel = (SocketChannel) key.channel();
                channel.finishConnect();
                pending--;
                registerConnected(channel, key);
            }
            selector.selectedKeys().clear();
        }
        warmUp(deadline);
        return conns.get(0).tuple + (count > 1 ? " (+" + (count - 1) + " more)" : "");
    }

    /**
     * One counter round trip on every connection before the stream counts as open: the server accepts 10,000
     * connections slowly, and data waiting in its accept queue would otherwise show up as a gap before any move.
     */
    private void warmUp(long deadline) throws IOException {
        sendRound();
        while (conns.stream().anyMatch(c -> c.expected == 0 && c.failure == null)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("not every connection answered its first counter in time");
            }
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                if (key.isValid() && key.isReadable()) {
                    read((Conn) key.attachment(), key);
                }
            }
            selector.selectedKeys().clear();
        }
        Conn failed = conns.stream().filter(c -> c.failure != null).findFirst().orElse(null);
        if (failed != null) {
            throw new IOException("a connection failed before the stream started: " + failed.failure);
        }
    }

    private void registerConnected(SocketChannel channel, SelectionKey connectKey) throws IOException {
        Conn conn = new Conn(channel);
        conns.add(conn);
        if (connectKey == null) {
            channel.register(selector, SelectionKey.OP_READ, conn);
        } else {
            connectKey.interestOps(SelectionKey.OP_READ);
            connectKey.attach(conn);
        }
    }

    @Override
    public void run() {
        long now = System.currentTimeMillis();
        for (Conn conn : conns) {
            conn.clock.start(now);
        }
        loop = Threads.start("many-loop", this::selectLoop);
    }

    private void selectLoop() {
        long nextRound = System.currentTimeMillis();
        try {
            while (!closing) {
                long now = System.currentTimeMillis();
                if (!server && sending && now >= nextRound) {
                    sendRound();
                    nextRound = now + intervalMs;
                }
                selector.select(Math.max(1, nextRound - now));
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid() && key.isAcceptable()) {
                        accept();
                    } else if (key.isValid() && key.isReadable()) {
                        read((Conn) key.attachment(), key);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            counters.fail("selector broke: " + e.getMessage());
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            channel.configureBlocking(false);
            // No clock start here: the client opens all connections before it sends on any, so the silence from
            // accept to first data is not a gap. The client's clocks start when it begins sending.
            Conn conn = new Conn(channel);
            conns.add(conn);
            channel.register(selector, SelectionKey.OP_READ, conn);
        }
    }

    private void sendRound() {
        for (Conn conn : conns) {
            if (conn.failure != null) {
                continue;
            }
            conn.out.clear();
            conn.out.putLong(conn.nextToSend).flip();
            try {
                // 8 bytes every 100 ms cannot fill a socket buffer unless the path is dead; then it is not sent.
                if (conn.channel.write(conn.out) == 8) {
                    conn.nextToSend++;
                    counters.sent.addAndGet(8);
                }
            } catch (IOException e) {
                fail(conn, Failures.describe(e), null);
            }
        }
    }

    private void read(Conn conn, SelectionKey key) {
        try {
            if (server) {
                ByteBuffer echo = echoBuffer.clear();
                int n = conn.channel.read(echo);
                if (n < 0) {
                    fail(conn, Failures.EOF, key);
                    return;
                }
                conn.clock.delivered(System.currentTimeMillis());
                counters.received.addAndGet(n);
                echo.flip();
                counters.sent.addAndGet(conn.channel.write(echo));
                return;
            }
            int n = conn.channel.read(conn.in);
            if (n < 0) {
                fail(conn, Failures.EOF, key);
                return;
            }
            counters.received.addAndGet(n);
            if (!conn.in.hasRemaining()) {
                conn.clock.delivered(System.currentTimeMillis());
                if (conn.in.getLong(0) != conn.expected) {
                    counters.corrupted.addAndGet(8);
                }
                conn.expected = conn.in.getLong(0) + 1;
                conn.in.clear();
            }
        } catch (IOException e) {
            fail(conn, Failures.describe(e), key);
        }
    }

    private void fail(Conn conn, String what, SelectionKey key) {
        if (closing || conn.failure != null) {
            return;
        }
        conn.failure = what;
        counters.fail(what);
        if (key != null) {
            key.cancel();
        }
    }

    @Override
    public StreamCounters counters() {
        return counters;
    }

    @Override
    public void quiesce() {
        sending = false;
    }

    @Override
    public StreamReport report(long quiescedAtMs) {
        closing = true;
        selector.wakeup();
        try {
            if (loop != null) {
                loop.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long lastDelivery = 0;
        int failed = 0;
        for (Conn conn : conns) {
            conn.clock.finish(quiescedAtMs);
            lastDelivery = Math.max(lastDelivery, conn.clock.lastMs());
            if (conn.failure != null) {
                failed++;
            }
        }
        String first = conns.isEmpty() ? "(no connections)" : conns.get(0).tuple;
        String tuples = first + (conns.size() > 1 ? " (+" + (conns.size() - 1) + " more)" : "");
        StreamReport report = counters.report("many", server ? "server" : "client", tuples, tuples, conns.size(),
                failed, lastDelivery, null, null);
        // Connections stay open until the process exits, so the peer can take its report before seeing them close.
        return report;
    }
}
