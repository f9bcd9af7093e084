package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.sacip.agent.peer.protocol.Outbound;
import org.sacip.agent.peer.protocol.Outbox;
import org.sacip.agent.thread.EventThreads;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.NetlinkException;
import org.sacip.protocol.message.SacipAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the engine's messages on a thread of its own, so nothing on the engine thread ever waits for the network. A
 * message whose next hop is not resolved waits here (the kernel is asked to resolve it) while later messages go on;
 * so does one of our own requests with no route yet: an address that comes back (a return home) is usable before
 * its routes are back, and the move's first update would otherwise be lost until its retransmission (measured in the
 * lab's break-before-make moves: converged after 240-290 ms instead of 15-25). An answer to an unauthenticated
 * message never waits for a route and is sent only over a next hop already known (it never triggers ARP or
 * neighbour discovery); a message to an address that has not proved it receives there waits until the peer has sent
 * us at least as many octets (anti-amplification). Nothing is ever sent from an address we do not hold.
 */
public final class Sender implements Outbox, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    /** How long a message may wait for a route, for its next hop to resolve, or for its amplification budget. */
    static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(3);
    static final Duration BUDGET_TIMEOUT = Duration.ofSeconds(3);
    /** A next hop whose resolution failed is not asked again for this long (the messages for it are dropped). */
    static final Duration NEGATIVE_CACHE = Duration.ofSeconds(3);
    /**
     * A message whose next hop is being resolved is looked at again after 1 ms, then twice as long each time up to
     * 5 ms (a message waiting for its route too, see below). Neighbour and route events are not followed here (see
     * {@link NextHopResolver}), so the wait is all the time between the kernel's answer and the send. A return home
     * in the lab's break-before-make moves waits for its route, then for ARP of the gateway: its first update went
     * out after 5 + 5 ms with 5 ms steps, after 1 + 2 + 4 ms now; the moves' gaps home went from a median 139.9 to
     * 137.2 ms (HandoverGapBenchmark, 15 moves each, 0.1 ms RTT).
     */
    private static final long FIRST_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * A request waiting for a route is looked at again after 1 ms, then twice as long each time up to 200 ms: a route
     * being set up comes within milliseconds, while a host without any route (offline, its peers' messages still
     * retransmitted) must not look up every waiting message's route 200 times a second.
     */
    private static final long ROUTE_RECHECK_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int QUEUE = 4096;
    private static final int PARKED = 4096;

    /** Why a message was not sent; counted per reason. */
    public enum Unsent {
        /** The queue to the sender was full. */
        QUEUE_FULL,
        /** Its source is not an address this host holds (on an interface or as a ghost). */
        NOT_OUR_SOURCE,
        /** No unicast route (a request waits for one first), or an interface that cannot carry it. */
        UNROUTABLE,
        /** An answer to an unauthenticated message whose next hop is not known: never resolved for it. */
        UNRESOLVED_ANSWER,
        /** The next hop did not resolve in time, or failed lately. */
        UNRESOLVED,
        /** The peer address had not sent us enough octets in time for it to be sent (anti-amplification). */
        AMPLIFICATION_BUDGET,
        /** Too many messages waiting for next hops or budgets. */
        TOO_MANY_WAITING,
        /** pcap refused the frame, or the kernel the UDP datagram (or SACIP over UDP is off). */
        INJECTION_FAILED
    }

    /** A message waiting until {@code deadline}; looked at again at {@code retryAt}, {@code waited} after the last. */
    private record Parked(Outbound message, long deadline, long retryAt, long waited) {
    }

    private final PeerTransport transport;
    private final Optional<UdpPeerTransport> udp;
    private final LocalAddresses addresses;
    private final AmplificationLedger ledger;
    private final ReceivedOctets kernelOctets;
    private final BlockingQueue<Outbound> queue = new ArrayBlockingQueue<>(QUEUE);
    private final List<Parked> parked = new ArrayList<>();
    private final Map<InetAddress, Long> solicited = new HashMap<>();
    private final Map<InetAddress, Long> failedHops = new HashMap<>();
    private final Map<Unsent, LongAdder> unsent = new EnumMap<>(Unsent.class);
    private final LongAdder sent = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;
    private NextHopResolver resolver;

    /** @param udp the agent port's sockets, for messages over UDP; empty when SACIP over UDP is off */
    public Sender(PeerTransport transport, Optional<UdpPeerTransport> udp, LocalAddresses addresses,
            AmplificationLedger ledger, ReceivedOctets kernelOctets) {
        this.transport = transport;
        this.udp = udp;
        this.addresses = addresses;
        this.ledger = ledger;
        this.kernelOctets = kernelOctets;
        for (Unsent reason : Unsent.values()) {
            unsent.put(reason, new LongAdder());
        }
        this.thread = EventThreads.create(this::run, "sacip-sender");
        this.thread.setDaemon(true);
    }

    /** Starts sending (the transport must be started: its netlink socket and captures are used). */
    public void start() {
        resolver = transport.resolver();
        thread.start();
    }

    @Override
    public void send(Outbound message) {
        if (!queue.offer(message)) {
            unsent.get(Unsent.QUEUE_FULL).increment();
        }
    }

    private void run() {
        while (running) {
            try {
                // Nothing parked: wait without a timeout (close() interrupts); else come back when one is due.
                Outbound next = parked.isEmpty() ? queue.take()
                        : queue.poll(untilNextParkedIsDue(), TimeUnit.NANOSECONDS);
                if (next != null) {
                    long deadline = System.nanoTime() + RESOLVE_TIMEOUT.toNanos();
                    if (waitsBehindAParkedOne(next)) {
                        // Due at once, but tried only after the earlier message between the same addresses.
                        park(next, deadline, 0);
                    } else {
                        attempt(next, deadline, 0);
                    }
                }
                retryParked();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("sender: unexpected {}", e.toString(), e);
            }
        }
    }

    /**
     * Tries to send; a message that must wait is parked until {@code deadline}. {@code waited}: how long it was parked
     * last time (0 on the first attempt), which spaces out the looks at a missing route.
     */
    private void attempt(Outbound message, long deadline, long waited) {
        InetAddress from = message.from().toInetAddress();
        InetAddress to = message.to().toInetAddress();
        if (!addresses.holds(from)) {
            count(Unsent.NOT_OUR_SOURCE, message, "source not ours");
            return;
        }
        NextHopResolver.Lookup lookup = resolver.lookup(from, to);
        if (lookup instanceof NextHopResolver.Lookup.Unroutable unroutable) {
            if (message.answer() || !unroutable.noRouteYet()) {
                count(Unsent.UNROUTABLE, message, unroutable.why());
            } else {
                park(message, deadline, nextWait(waited, ROUTE_RECHECK_MAX_NANOS));
            }
            return;
        }
        if (lookup instanceof NextHopResolver.Lookup.Unresolved unresolved && message.answer()) {
            // Never resolve for an answer: a spoofed source would plant neighbour entries and draw our answer.
            count(Unsent.UNRESOLVED_ANSWER, message, "next hop " + AddressText.of(unresolved.nextHop())
                    + " not known");
            return;
        }
        if (lookup instanceof NextHopResolver.Lookup.Unresolved unresolved) {
            long now = System.nanoTime();
            Long failedAt = failedHops.get(unresolved.nextHop());
            if (failedAt != null && now - failedAt < NEGATIVE_CACHE.toNanos()) {
                count(Unsent.UNRESOLVED, message, "next hop " + AddressText.of(unresolved.nextHop())
                        + " failed to resolve lately");
                return;
            }
            // Also for a message that waited for its route first; solicit() asks at most every 500 ms per next hop.
            solicit(unresolved, from, now);
            park(message, deadline, nextWait(waited, RECHECK_NANOS));
            return;
        }
        NextHop hop = ((NextHopResolver.Lookup.Ready) lookup).hop();
        int octets = message.ipOctets();
        if (message.unproven()) {
            long received = message.evidence().isEmpty() ? 0 : kernelOctets.from(to, message.evidence());
            if (!ledger.charge(to, octets, received)) {
                if (message.answer()) {
                    count(Unsent.AMPLIFICATION_BUDGET, message, "more than the peer sent");
                } else {
                    park(message, Math.min(deadline, System.nanoTime() + BUDGET_TIMEOUT.toNanos()), RECHECK_NANOS);
                }
                return;
            }
        }
        try {
            if (message.overUdp()) {
                udp.orElseThrow(() -> new PeerTransportException("SACIP over UDP is off"))
                        .send(from, to, message.udpPort(), message.octets());
            } else {
                transport.inject(hop, from, to, message.octets());
            }
            sent.increment();
        } catch (PeerTransportException | IllegalArgumentException e) {
            count(Unsent.INJECTION_FAILED, message, e.getMessage());
        }
    }

    /**
     * The kernel is asked to resolve the next hop (so it keeps the entry and takes the answer), and a solicitation
     * naming our sending address goes out too: the kernel's own names another address of ours, and the peer must
     * learn the one it will answer (it answers unauthenticated messages only over next hops it knows).
     */
    private void solicit(NextHopResolver.Lookup.Unresolved unresolved, InetAddress from, long now) {
        Long last = solicited.get(unresolved.nextHop());
        if (last != null && now - last < 500_000_000L) {
            return;
        }
        solicited.put(unresolved.nextHop(), now);
        try {
            resolver.solicit(unresolved.interfaceIndex(), unresolved.nextHop());
            transport.solicit(unresolved.interfaceIndex(), unresolved.interfaceMac(), from, unresolved.nextHop());
        } catch (NetlinkException | PeerTransportException | IllegalArgumentException e) {
            LOG.debug("cannot resolve {} on {}: {}", AddressText.of(unresolved.nextHop()), unresolved.interfaceName(),
                    e.getMessage());
        }
    }

    /** The wait before the next look: {@link #FIRST_RECHECK_NANOS}, then twice the last one, up to {@code most}. */
    private static long nextWait(long waited, long most) {
        return waited == 0 ? FIRST_RECHECK_NANOS : Math.min(2 * waited, most);
    }

    private void park(Outbound message, long deadline, long wait) {
        if (parked.size() >= PARKED) {
            count(Unsent.TOO_MANY_WAITING, message, "too many messages waiting");
            return;
        }
        parked.add(new Parked(message, deadline, System.nanoTime() + wait, wait));
    }

    private boolean waitsBehindAParkedOne(Outbound message) {
        List<SacipAddress> pair = pair(message);
        for (Parked p : parked) {
            if (pair(p.message()).equals(pair)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Nanoseconds until a parked message is to be looked at again or given up (0 if one is already). Only the first
     * message between two addresses counts for looking again: those behind it wait for it, not for their own time.
     */
    private long untilNextParkedIsDue() {
        long now = System.nanoTime();
        long soonest = Long.MAX_VALUE;
        Set<List<SacipAddress>> first = new HashSet<>();
        for (Parked p : parked) {
            long due = p.deadline() - now;
            if (first.add(pair(p.message()))) {
                due = Math.min(due, p.retryAt() - now);
            }
            soonest = Math.min(soonest, Math.max(0, due));
        }
        return soonest;
    }

    private static List<SacipAddress> pair(Outbound message) {
        return List.of(message.from(), message.to());
    }

    private void retryParked() {
        if (parked.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<Parked> due = new ArrayList<>(parked);
        parked.clear();
        // A message never overtakes an earlier one between the same two addresses that still waits.
        Set<List<SacipAddress>> waiting = new HashSet<>();
        for (Iterator<Parked> it = due.iterator(); it.hasNext();) {
            Parked p = it.next();
            List<SacipAddress> pair = pair(p.message());
            if (now - p.deadline() >= 0) {
                NextHopResolver.Lookup lookup = resolver.lookup(p.message().from().toInetAddress(),
                        p.message().to().toInetAddress());
                if (lookup instanceof NextHopResolver.Lookup.Unresolved unresolved) {
                    failedHops.put(unresolved.nextHop(), now);
                    count(Unsent.UNRESOLVED, p.message(), "next hop " + AddressText.of(unresolved.nextHop())
                            + " not resolved within " + RESOLVE_TIMEOUT.toMillis() + " ms");
                } else if (lookup instanceof NextHopResolver.Lookup.Unroutable unroutable) {
                    count(Unsent.UNROUTABLE, p.message(), unroutable.why() + " for " + RESOLVE_TIMEOUT.toMillis()
                            + " ms");
                } else {
                    count(Unsent.AMPLIFICATION_BUDGET, p.message(), "the peer sent too little within "
                            + BUDGET_TIMEOUT.toMillis() + " ms");
                }
                continue;
            }
            if (now - p.retryAt() < 0 || waiting.contains(pair)) {
                parked.add(p);
                waiting.add(pair);
                continue;
            }
            int before = parked.size();
            attempt(p.message(), p.deadline(), p.waited());
            if (parked.size() > before) {
                waiting.add(pair);
            }
        }
        if (solicited.size() > 4096) {
            solicited.clear();
        }
        failedHops.values().removeIf(at -> now - at > NEGATIVE_CACHE.toNanos());
    }

    private void count(Unsent reason, Outbound message, String why) {
        unsent.get(reason).increment();
        LOG.debug("{} {} -> {} not sent ({}): {}", message.kind(), message.from(), message.to(), reason, why);
    }

    public long sent() {
        return sent.sum();
    }

    public Map<Unsent, Long> unsent() {
        Map<Unsent, Long> counts = new EnumMap<>(Unsent.class);
        unsent.forEach((reason, count) -> counts.put(reason, count.sum()));
        return counts;
    }

    public int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
