package org.sacip.agent.peer.transport;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.sacip.netlink.testing.TestNamespace;

/**
 * What one namespace test made (namespaces, transports, engines, loops), closed in reverse order of making when the
 * test ends, failed or not: every step runs even if one fails, and the first failure is thrown.
 */
public final class NamespaceLab implements AutoCloseable {
    private final Deque<AutoCloseable> made = new ArrayDeque<>();

    /** Closed with the lab, before anything made earlier. */
    public <T extends AutoCloseable> T add(T resource) {
        made.push(resource);
        return resource;
    }

    /** A throwaway namespace without IPv6 duplicate address detection, so addresses work at once. */
    public TestNamespace namespace(String label) throws IOException {
        TestNamespace namespace = add(TestNamespace.create(label));
        namespace.disableDad();
        return namespace;
    }

    /** A host transport started in the namespace with the tests' settings. */
    public HostTransport start(TestNamespace namespace, PeerMessageListener listener) throws Exception {
        return start(namespace, Transports.SETTINGS, listener);
    }

    public HostTransport start(TestNamespace namespace, TransportSettings settings, PeerMessageListener listener)
            throws Exception {
        return add(HostTransport.startIn(namespace, settings, listener));
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!made.isEmpty()) {
            try {
                made.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
