package org.sacip.agent.move;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Two throwaway namespaces, "host" (the one that moves) and "peer", joined by two veth links (0 and 1). Names carry
 * this process id; {@link #close} deletes both namespaces (and so the links), also when a test failed.
 */
final class TwoHosts implements AutoCloseable {
    private static final Pattern SOURCE = Pattern.compile(" src (\\S+)");

    private final TestNamespace host;
    private final TestNamespace peer;
    final String[] hostLinks = new String[2];
    final String[] peerLinks = new String[2];

    private TwoHosts(TestNamespace host, TestNamespace peer) {
        this.host = host;
        this.peer = peer;
    }

    static TwoHosts create() throws IOException {
        TestNamespace host = TestNamespace.create("mh");
        TestNamespace peer;
        try {
            peer = TestNamespace.create("mp");
        } catch (IOException | RuntimeException e) {
            host.close();
            throw e;
        }
        TwoHosts lab = new TwoHosts(host, peer);
        try {
            for (int link = 0; link < 2; link++) {
                lab.hostLinks[link] = TestNamespace.interfaceName("h" + link);
                lab.peerLinks[link] = TestNamespace.interfaceName("p" + link);
                host.exec("ip", "link", "add", lab.hostLinks[link], "type", "veth", "peer", "name",
                        lab.peerLinks[link], "netns", peer.name());
            }
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    NetNamespace hostNamespace() {
        return host.netNamespace();
    }

    NetNamespace peerNamespace() {
        return peer.netNamespace();
    }

    String inHost(String... command) throws IOException {
        return host.exec(command);
    }

    String inPeer(String... command) throws IOException {
        return peer.exec(command);
    }

    /** The source the host's kernel uses to reach {@code destination} ({@code ip route get}). */
    String hostSourceFor(String destination) throws IOException {
        Matcher matcher = SOURCE.matcher(inHost("ip", "route", "get", destination));
        return matcher.find() ? matcher.group(1) : "";
    }

    @Override
    public void close() throws IOException {
        try {
            host.close();
        } finally {
            peer.close();
        }
    }
}
