package org.sacip.agent.peer.transport;

import java.util.Objects;

/**
 * Tuning of the transport. Nothing in it is a polling interval: captures block until a frame comes, and the interface
 * list is re-read on link events (and {@link PeerTransport#refreshInterfaces}).
 *
 * @param interfaces where to capture
 */
public record TransportSettings(InterfaceSelection interfaces) {

    public TransportSettings {
        Objects.requireNonNull(interfaces, "interfaces");
    }

    public static TransportSettings defaults() {
        return new TransportSettings(InterfaceSelection.all());
    }

    public TransportSettings withInterfaces(InterfaceSelection selection) {
        return new TransportSettings(selection);
    }
}
