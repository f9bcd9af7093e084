package org.sacip.netlink.diag;

/** Extra information a dump or lookup can ask the kernel to add to each socket. */
public enum SocketDetail {
    /** INET_DIAG_INFO: {@link TcpInfo} for TCP sockets (not for TIME_WAIT and SYN_RECV mini sockets, nor UDP). */
    TCP_INFO(SockDiag.EXT_INFO);

    private final int extensionBit;

    SocketDetail(int extensionBit) {
        this.extensionBit = extensionBit;
    }

    /** The idiag_ext bits of a request for these details. */
    static int extensionBits(java.util.Set<SocketDetail> details) {
        int bits = 0;
        for (SocketDetail detail : details) {
            bits |= detail.extensionBit;
        }
        return bits;
    }
}
