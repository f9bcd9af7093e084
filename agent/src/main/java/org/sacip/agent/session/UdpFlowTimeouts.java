package org.sacip.agent.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.sacip.netlink.conntrack.ConntrackFlow;

/**
 * conntrack's UDP timeouts (nf_conntrack_udp_timeout for flows that never saw a reply, _stream for those that
 * did). conntrack resets a flow's timeout to the full value on every packet, so the full value minus what is left
 * is how long the flow has been idle.
 */
public record UdpFlowTimeouts(Duration unreplied, Duration stream) {
    /** The kernel's defaults, used when the sysctls cannot be read (conntrack not loaded yet). */
    public static final UdpFlowTimeouts KERNEL_DEFAULTS = new UdpFlowTimeouts(Duration.ofSeconds(30),
            Duration.ofSeconds(120));

    private static final Path SYSCTLS = Path.of("/proc/sys/net/netfilter");

    /**
     * Reads the timeouts of the calling thread's network namespace (/proc/sys/net follows the opener's namespace).
     */
    public static UdpFlowTimeouts ofCurrentNamespace() {
        try {
            return new UdpFlowTimeouts(read("nf_conntrack_udp_timeout"), read("nf_conntrack_udp_timeout_stream"));
        } catch (IOException | NumberFormatException e) {
            return KERNEL_DEFAULTS;
        }
    }

    private static Duration read(String name) throws IOException {
        // A /proc/sys file reports size 0; Files.readString trusts the size and returned a single byte ("3" of
        // "30"), so read the stream to its end instead.
        try (InputStream in = Files.newInputStream(SYSCTLS.resolve(name))) {
            return Duration.ofSeconds(Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim()));
        }
    }

    /** How long the flow has been idle, from its remaining timeout; never negative. */
    public Duration idle(ConntrackFlow flow) {
        Duration full = (flow.status() & ConntrackFlow.IPS_SEEN_REPLY) != 0 ? stream : unreplied;
        Duration idle = full.minusSeconds(flow.timeoutSeconds());
        return idle.isNegative() ? Duration.ZERO : idle;
    }
}
