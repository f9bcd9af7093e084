package org.sacip.agent.peer.transport;

import java.time.Duration;

/**
 * Tuning of the transport.
 *
 * @param interfaces       where to capture
 * @param linkPollInterval how often the interface list is re-read (besides {@link PeerTransport#refreshInterfaces})
 * @param queueCapacity    captured messages waiting for the listener; more are dropped and counted
 * @param readTimeout      pcap's read timeout, and how often the delivery thread checks for shutdown
 */
public record TransportSettings(InterfaceSelection interfaces, Duration linkPollInterval,
        int queueCapacity, Duration readTimeout) {

    public TransportSettings {
        if (linkPollInterval.isNegative() || linkPollInterval.isZero()) {
            throw new IllegalArgumentException("link poll interval must be positive");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1");
        }
        if (readTimeout.toMillis() < 1 || readTimeout.toMillis() > 10_000) {
            throw new IllegalArgumentException("read timeout must be between 1 ms and 10 s");
        }
    }

    public static TransportSettings defaults() {
        return new TransportSettings(InterfaceSelection.all(), Duration.ofSeconds(1), 4096,
                Duration.ofMillis(100));
    }

    public TransportSettings withInterfaces(InterfaceSelection selection) {
        return new TransportSettings(selection, linkPollInterval, queueCapacity, readTimeout);
    }
}
