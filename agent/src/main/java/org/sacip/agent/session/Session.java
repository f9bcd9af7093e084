package org.sacip.agent.session;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.sacip.netlink.diag.TransportProtocol;

/**
 * One live session with its original tuple as the local socket sees it. {@code kernelId} is the socket cookie
 * (sock_diag) or the conntrack flow id, whichever {@code origin} says.
 */
public record Session(TransportProtocol protocol, InetSocketAddress local, InetSocketAddress remote,
        SessionOrigin origin, long kernelId) {

    public InetAddress peer() {
        return remote.getAddress();
    }

    public SessionKey key() {
        return new SessionKey(protocol, local, remote);
    }

    @Override
    public String toString() {
        return protocol + " " + AddressText.of(local.getAddress()) + ":" + local.getPort() + " > "
                + AddressText.of(remote.getAddress()) + ":" + remote.getPort() + " (" + origin + ")";
    }
}
