package org.sacip.agent.tunnel;

import java.security.SecureRandom;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.tunnel.DataDatagram;
import org.sacip.protocol.tunnel.TunnelKeys;
import org.sacip.protocol.tunnel.TunnelOpener;
import org.sacip.protocol.tunnel.TunnelRole;
import org.sacip.protocol.tunnel.TunnelSealer;

/**
 * Seals and opens tunnel datagrams in memory under throwaway keys, so that the JIT has compiled the tunnel's AES-GCM
 * before the first move behind a NAT sends a burst (a TCP window, both ways) through it: the JDK runs it in the
 * interpreter until then. Sealing and opening 1,400-octet packets in a fresh JVM with the launcher's thresholds took
 * 80 ms for the first 1,000 and 150 ms for 3,000, against about 4 us each once compiled. In the NAT lab
 * (make-before-break move of a bulk transfer both ways, an SSH session, a counter stream and UDP requests, agents up
 * for 5 s before the move) the UDP requests' longest silence was 110-160 ms without a rehearsal and 16-34 ms with it
 * (5 moves each). Nothing here touches the kernel or the network.
 */
final class TunnelRehearsal {
    /** Datagrams rehearsed. */
    static final int DATAGRAMS = 3000;
    /** A full-size carried segment with its headers. */
    static final int PACKET = 1400;

    private TunnelRehearsal() {
    }

    /** Seals {@code count} {@value #PACKET}-octet packets and opens each as the peer would; how many opened whole. */
    static int run(int count, SecureRandom random) {
        byte[] opener = new byte[TunnelKeys.KEY_LENGTH];
        byte[] accepter = new byte[TunnelKeys.KEY_LENGTH];
        random.nextBytes(opener);
        random.nextBytes(accepter);
        TunnelKeys keys = new TunnelKeys(random.nextLong(), Octets.of(opener), Octets.of(accepter));
        TunnelSealer sealer = new TunnelSealer(keys, TunnelRole.OPENER);
        TunnelOpener openerAtAccepter = new TunnelOpener(keys, TunnelRole.ACCEPTER);
        byte[] inner = new byte[PACKET];
        byte[] datagram = new byte[DataDatagram.length(inner.length)];
        byte[] opened = new byte[inner.length];
        int done = 0;
        for (int i = 0; i < count; i++) {
            int length = sealer.seal(inner, 0, inner.length, datagram, 0);
            if (openerAtAccepter.open(datagram, 0, length, opened, 0) == inner.length) {
                done++;
            }
        }
        return done;
    }
}
