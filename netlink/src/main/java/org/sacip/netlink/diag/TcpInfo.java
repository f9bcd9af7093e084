package org.sacip.netlink.diag;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel's view of one TCP connection (struct tcp_info from INET_DIAG_INFO, linux/tcp.h): state, retransmission
 * timeout, smoothed and minimum round-trip time, segments not yet acknowledged, presumed lost and in retransmission
 * now, retransmissions over the connection's life, and the byte and segment totals ({@code bytesAcked} counts the
 * client's own SYN as one byte; {@code bytesReceived} counts data only). {@code length} is how many bytes
 * of the struct the kernel sent; fields a shorter (older) struct lacks are empty: bytes acked and received need
 * Linux 4.1 (136 bytes), segments in and out 4.2 (144), minimum RTT and data segments 4.6 (160). {@code backoff} is
 * how often the retransmission timer has backed off since the last acknowledgement (tcpi_backoff): the timeout now
 * runs {@code 2^backoff} times the base one. {@code retransmits} counts the timeouts of the segment now at the head of
 * the retransmission queue (tcpi_retransmits, zeroed whenever an acknowledgement advances it; the backoff is not).
 */
public record TcpInfo(int length, TcpState state, Duration rto, Duration rtt, long unacked, long lost, long retrans,
        long totalRetrans, OptionalLong bytesAcked, OptionalLong bytesReceived, OptionalLong segsOut,
        OptionalLong segsIn, Optional<Duration> minRtt, OptionalLong dataSegsIn, OptionalLong dataSegsOut,
        int backoff, int retransmits) {
}
