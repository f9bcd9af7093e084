package org.sacip.agent.peer.transport;

/**
 * Tuning of the transport. Nothing in it is a polling interval: captures block until a frame comes, and the interface
 * list is re-read on link events (and {@link PeerTransport#refreshInterfaces}).
 *
 * @param interfaces    where to capture
 * @param queueCapacity captured messages waiting for the listener; more are dropped and counted
 */
public record TransportSettings(InterfaceSelection interfaces, int queueCapacity) {

    public TransportSettings {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1");
        }
    }

    public static TransportSettings defaults() {
        return new TransportSettings(InterfaceSelection.all(), 4096);
    }

    public TransportSettings withInterfaces(InterfaceSelection selection) {
        return new TransportSettings(selection, queueCapacity);
    }
}
