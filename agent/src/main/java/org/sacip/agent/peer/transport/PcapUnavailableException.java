package org.sacip.agent.peer.transport;

/** libpcap is not installed or cannot be loaded; the message says what to install or set. */
public final class PcapUnavailableException extends PeerTransportException {
    public PcapUnavailableException(String message) {
        super(message);
    }

    public PcapUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
