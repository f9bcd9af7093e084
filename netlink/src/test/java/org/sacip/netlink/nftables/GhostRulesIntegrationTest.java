package org.sacip.netlink.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ghost rules of the test ruleset (a copy of the agent's rewrite maps) do what datapath.md says: a new TCP connection to a ghost address is refused with a
 * reset while an established one keeps working, and ARP requests for an IPv4 ghost go unanswered.
 */
@Tag("integration")
class GhostRulesIntegrationTest {
    private static final String GHOST = "198.18.0.50";
    private static final int PORT = 7000;
    private static final int GENEROUS_MILLIS = 30_000;

    private static Socket connect(TwoHostLab lab, String target, int timeoutMillis) throws Exception {
        // Binding creates the descriptor, so it is made inside namespace a (an unbound Socket has none yet).
        Socket socket = lab.a.netNamespace().call(() -> {
            Socket unconnected = new Socket();
            unconnected.bind(new InetSocketAddress(TwoHostLab.A_ADDRESS, 0));
            return unconnected;
        });
        try {
            socket.connect(new InetSocketAddress(target, PORT), timeoutMillis);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static void echoOnce(Socket client, Socket server) throws IOException {
        client.getOutputStream().write(42);
        InputStream in = server.getInputStream();
        assertEquals(42, in.read());
        OutputStream out = server.getOutputStream();
        out.write(43);
        assertEquals(43, client.getInputStream().read());
    }

    @Test
    void newConnectionsToAGhostAreResetOldOnesLiveAndArpStaysQuiet() throws Exception {
        try (TwoHostLab lab = TwoHostLab.create()) {
            lab.b.exec("ip", "addr", "add", GHOST + "/32", "dev", "lo", "scope", "host");
            TestRuleset.loadInto(lab.b.name());
            try (ServerSocket listener = lab.b.netNamespace().call(() -> new ServerSocket(PORT));
                    Socket old = connect(lab, GHOST, GENEROUS_MILLIS);
                    Socket oldServerSide = accept(listener)) {
                AddressElement ghost = new AddressElement(InetAddress.getByName(GHOST));
                try (NfTablesConnection nft = NfTablesConnection.open(lab.b.netNamespace())) {
                    nft.addElements(TestSets.GHOSTS4, List.of(ghost));
                    nft.flush();
                    // Reset, not silence: the refusal is immediate and says "refused".
                    assertThrows(ConnectException.class, () -> connect(lab, GHOST, GENEROUS_MILLIS).close());
                    echoOnce(old, oldServerSide);

                    nft.addElements(TestSets.ARP_GHOSTS4, List.of(ghost));
                    nft.flush();
                }
                lab.a.exec("ip", "neigh", "flush", "dev", lab.aInterface);
                // Without an ARP answer nothing comes back: the attempt ends by its own timeout.
                assertThrows(SocketTimeoutException.class, () -> connect(lab, GHOST, 3000).close());
                String neighbour = lab.a.exec("ip", "neigh", "show", GHOST, "dev", lab.aInterface);
                assertTrue(neighbour.contains("FAILED") || neighbour.contains("INCOMPLETE"), neighbour);
                // b's own address still resolves and accepts.
                try (Socket direct = connect(lab, TwoHostLab.B_ADDRESS, GENEROUS_MILLIS);
                        Socket directServerSide = accept(listener)) {
                    echoOnce(direct, directServerSide);
                }
            }
        }
    }

    private static Socket accept(ServerSocket listener) throws IOException {
        listener.setSoTimeout(GENEROUS_MILLIS);
        return listener.accept();
    }
}
