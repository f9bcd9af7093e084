package org.sacip.agent.peer.transport;

/** A SACIP message could not be sent or the transport could not start: no route, no neighbour, pcap failed. */
public class PeerTransportException extends Exception {
    public PeerTransportException(String message) {
        super(message);
    }

    public PeerTransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
