package org.sacip.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of a {@link ConnectionBurst} (JDK classes only, it runs with nothing else on its class path):
 * {@code SERVER PORT COUNT [on-signal]} opens COUNT connections with many handshakes in flight, prints
 * {@code connected COUNT} (or why it stopped), keeps the connections until its standard input closes, then exits.
 * With {@code on-signal} it first prints {@code ready} and waits for a line on its input, so a burst can start at a
 * chosen moment without the JVM's start-up in between. The source is the one the
 * route gives and the port comes from connect(): binding each socket to a port first costs a search of the bound
 * ports each time, which slows a burst of 20,000 from seconds to minutes.
 */
public final class HeldConnections {
    private static final int IN_FLIGHT = 512;

    private HeldConnections() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        if (args.length > 3 && args[3].equals("on-signal")) {
            System.out.println("ready");
            System.out.flush();
            if (input.readLine() == null) {
                return;
            }
        }
        List<SocketChannel> held = new ArrayList<>(count);
        try (Selector selector = Selector.open()) {
            int started = 0;
            int pending = 0;
            while (held.size() < count) {
                while (started < count && pending < IN_FLIGHT) {
                    SocketChannel channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    started++;
                    if (channel.connect(server)) {
                        held.add(channel);
                    } else {
                        channel.register(selector, SelectionKey.OP_CONNECT);
                        pending++;
                    }
                }
                if (selector.select(10_000) == 0) {
                    System.out.println("stalled after " + held.size() + " connections");
                    return;
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    channel.finishConnect();
                    key.cancel();
                    held.add(channel);
                    pending--;
                }
                selector.selectedKeys().clear();
            }
        }
        System.out.println("connected " + held.size());
        System.out.flush();
        while (input.readLine() != null) {
            // Holds the connections until the parent closes our input.
        }
    }
}
