package org.sacip.protocol.claim;

/** Which end of a TCP connection a host is: the one that sent the SYN, or the one that answered with the SYN-ACK. */
public enum TcpSide {
    /** Sent the SYN; its ISN is the SYN-ACK's acknowledgement number minus 1. */
    CLIENT,
    /** Sent the SYN-ACK; its ISN is the SYN-ACK's sequence number. */
    SERVER
}
