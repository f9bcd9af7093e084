package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** The outer addresses and ICMP bytes of a captured SACIP frame. */
record IpPacket(InetAddress source, InetAddress destination, byte[] icmp) {

    static InetAddress address(byte[] frame, int offset, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(frame, offset, offset + length));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of length " + length, e);
        }
    }
}
