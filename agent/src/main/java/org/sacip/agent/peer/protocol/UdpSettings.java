package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.util.Objects;
import org.sacip.protocol.codec.UdpFraming;

/**
 * SACIP over UDP (PROTOCOL.md section 13) as configured.
 *
 * @param port              the agent port, 1 to 65535; 0 when SACIP over UDP is off
 * @param keepaliveInterval how often a host behind a NAT refreshes its mapping with a keepalive (13.8), 1 s to 10 min
 */
public record UdpSettings(int port, Duration keepaliveInterval) {
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(25);
    public static final Duration MIN_KEEPALIVE = Duration.ofSeconds(1);
    public static final Duration MAX_KEEPALIVE = Duration.ofMinutes(10);
    /** Off: no agent port, no keepalives. */
    public static final UdpSettings OFF = new UdpSettings(0, DEFAULT_KEEPALIVE);

    public UdpSettings {
        Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("UDP port " + port + " is outside 0..65535");
        }
        if (keepaliveInterval.compareTo(MIN_KEEPALIVE) < 0 || keepaliveInterval.compareTo(MAX_KEEPALIVE) > 0) {
            throw new IllegalArgumentException("keepalive interval " + keepaliveInterval + " is outside 1s..10m");
        }
    }

    /** The agent port 4253, keepalives every 25 s. */
    public static UdpSettings defaults() {
        return new UdpSettings(UdpFraming.DEFAULT_PORT, DEFAULT_KEEPALIVE);
    }

    public boolean on() {
        return port != 0;
    }
}
