package org.sacip.agent.peer.transport;

import java.io.EOFException;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.sacip.agent.thread.EventThreads;
import org.sacip.protocol.codec.WireFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One interface's pcap handle and its capture thread. The handle is opened on the calling thread, which must be in
 * the interface's network namespace (the packet socket is made there); the capture thread is started from it too
 * and so inherits that namespace. The same handle injects frames: pcap_sendpacket is a plain send() on the socket,
 * and the kernel never shows a packet socket the frames it sent itself. Frames other local sockets send (a second
 * agent, tcpdump -w replays) are kept out by the inbound direction filter.
 */
final class InterfaceCapture {
    private static final Logger LOG = LoggerFactory.getLogger(InterfaceCapture.class);
    /**
     * The largest SACIP message (a CLAIM of 40 entries) behind the largest IPv4 header (60 octets, more than IPv6's
     * 40), Ethernet and one VLAN tag: a shorter capture would cut claims and the parser would reject them.
     */
    static final int SNAPLEN = WireFormat.MAX_MESSAGE_LENGTH + 60 + 14 + 4;
    private static final int BUFFER_BYTES = 1 << 20;
    /** pcap_set_timeout(0): a read waits until a frame comes (or pcap_breakloop). */
    private static final int NO_TIMEOUT = 0;
    private static final int DLT_EN10MB = 1;
    private static final int DLT_RAW = 12;
    private static final int DLT_RAW_OPENBSD = 14;
    private static final int LINKTYPE_RAW = 101;

    private final int interfaceIndex;
    private final String interfaceName;
    private final PcapHandle handle;
    private final LinkFraming framing;
    /** Non-null only when the kernel cannot filter by direction: frames from this MAC are our own. */
    private final byte[] ownMacFilter;
    private final CaptureSink sink;
    private final Thread thread;
    private volatile boolean stopping;

    private InterfaceCapture(int interfaceIndex, String interfaceName, PcapHandle handle, LinkFraming framing,
            byte[] ownMacFilter, CaptureSink sink) {
        this.interfaceIndex = interfaceIndex;
        this.interfaceName = interfaceName;
        this.handle = handle;
        this.framing = framing;
        this.ownMacFilter = ownMacFilter;
        this.sink = sink;
        this.thread = EventThreads.create(this::run, "sacip-capture-" + interfaceName);
        this.thread.setDaemon(true);
    }

    /**
     * Opens the interface with immediate mode, the SACIP filter and inbound direction, and starts capturing. No read
     * timeout: in immediate mode (TPACKET_V2) libpcap then waits in poll() until a frame comes or
     * {@link #close()} breaks the loop, so an idle capture thread never wakes.
     */
    static InterfaceCapture open(int interfaceIndex, String interfaceName, byte[] mac, CaptureSink sink)
            throws PeerTransportException {
        PcapLibrary.ensureConfigured();
        PcapHandle handle;
        try {
            handle = new PcapHandle.Builder(interfaceName).snaplen(SNAPLEN)
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(NO_TIMEOUT).bufferSize(BUFFER_BYTES).immediateMode(true).build();
        } catch (PcapNativeException e) {
            throw new PeerTransportException("cannot capture on " + interfaceName + ": " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new PcapUnavailableException("libpcap could not be loaded (" + System.getProperty(PcapLibrary.PROPERTY)
                    + "): " + e.getMessage(), e);
        }
        try {
            LinkFraming framing = framingOf(handle.getDlt().value(), interfaceName);
            handle.setFilter(SacipCaptureFilter.EXPRESSION, BpfProgram.BpfCompileMode.OPTIMIZE);
            byte[] ownMacFilter = null;
            try {
                handle.setDirection(PcapHandle.PcapDirection.IN);
            } catch (PcapNativeException e) {
                LOG.debug("{}: no direction filter ({}); dropping frames from our own MAC instead", interfaceName,
                        e.getMessage());
                ownMacFilter = mac.clone();
            }
            InterfaceCapture capture = new InterfaceCapture(interfaceIndex, interfaceName, handle, framing,
                    ownMacFilter, sink);
            capture.thread.start();
            return capture;
        } catch (PcapNativeException | NotOpenException | PeerTransportException e) {
            handle.close();
            throw e instanceof PeerTransportException transport ? transport
                    : new PeerTransportException("cannot set up capture on " + interfaceName + ": " + e.getMessage(),
                            e);
        }
    }

    private static LinkFraming framingOf(int dlt, String interfaceName) throws PeerTransportException {
        return switch (dlt) {
            case DLT_EN10MB -> LinkFraming.ETHERNET;
            case DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW -> LinkFraming.RAW_IP;
            default -> throw new PeerTransportException("interface " + interfaceName + " has data link type " + dlt
                    + "; only Ethernet and raw IP are supported");
        };
    }

    int interfaceIndex() {
        return interfaceIndex;
    }

    String interfaceName() {
        return interfaceName;
    }

    LinkFraming framing() {
        return framing;
    }

    boolean isRunning() {
        return thread.isAlive() && !stopping;
    }

    void send(byte[] frame) throws PeerTransportException {
        try {
            handle.sendPacket(frame);
        } catch (PcapNativeException | NotOpenException e) {
            throw new PeerTransportException("sending on " + interfaceName + " failed: " + e.getMessage(), e);
        }
    }

    private void run() {
        String endReason = null;
        while (!stopping) {
            byte[] frame;
            try {
                frame = handle.getNextRawPacketEx();
            } catch (TimeoutException e) {
                continue;
            } catch (PcapNativeException | EOFException | NotOpenException e) {
                endReason = e.getMessage();
                break;
            }
            deliver(frame);
        }
        if (!stopping) {
            stopping = true;
            handle.close();
            sink.ended(this, endReason);
        }
    }

    private void deliver(byte[] frame) {
        if (ownMacFilter != null && framing == LinkFraming.ETHERNET && frame.length >= 12
                && Arrays.equals(frame, 6, 12, ownMacFilter, 0, 6)) {
            return;
        }
        FrameParser.Result result = FrameParser.parse(frame, framing);
        if (result instanceof FrameParser.Accepted accepted) {
            IpPacket packet = accepted.packet();
            sink.accept(new ReceivedMessage(interfaceName, interfaceIndex, packet.source(), packet.destination(),
                    packet.icmp()));
        } else if (result instanceof FrameParser.Rejected rejected) {
            sink.reject(rejected.reason());
        }
    }

    /**
     * Stops the capture thread and closes the handle. The read blocks in poll() without a timeout, so it is woken by
     * pcap_breakloop (an eventfd in that poll set since libpcap 1.10). It must come before close(): pcap4j's
     * fair lock would queue it behind close()'s write lock, which waits for the blocked reader.
     */
    void close() {
        stopping = true;
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            LOG.trace("{}: handle already closed", interfaceName);
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // Closing now would wait forever for the reader's lock; leaving one handle open is the lesser harm.
            LOG.warn("capture thread on {} did not stop; its pcap handle stays open", interfaceName);
            return;
        }
        handle.close();
    }
}
