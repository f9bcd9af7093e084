package org.sacip.agent.peer.transport;

/** Where an interface's capture thread puts what it reads. */
interface CaptureSink {
    void accept(ReceivedMessage message);

    void reject(FrameRejection reason);

    /** The capture stopped by itself (interface gone or down, pcap error); the transport may open it again. */
    void ended(InterfaceCapture capture, String reason);
}
