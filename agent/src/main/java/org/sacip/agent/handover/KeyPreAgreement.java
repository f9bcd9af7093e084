package org.sacip.agent.handover;

import org.sacip.netlink.AddressText;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.sacip.agent.datapath.DataPathException;
import org.sacip.agent.datapath.SessionTuple;
import org.sacip.agent.session.RecentUdpFlows;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionDiscovery;
import org.sacip.agent.session.SessionKey;
import org.sacip.netlink.NetlinkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets ready for moves before they happen (PROTOCOL.md 6): once a second it lists the sessions of every usable
 * local address, agrees keys with the peer of each session that has lived {@code minimumAge} or more (so even a
 * break-before-make move is authenticated from the new address), and keeps a standby ghost for every session whose
 * peer has an agent. Peers whose handshake timed out are tried again after {@code retryNoAgent}. Runs on the
 * maintenance thread only.
 */
public final class KeyPreAgreement {
    private static final Logger LOG = LoggerFactory.getLogger(KeyPreAgreement.class);

    /** Starts key agreement on one path (the peer protocol's {@code ensureKey}). */
    @FunctionalInterface
    public interface KeyAgreement {
        CompletableFuture<Void> ensureKey(PeerPath path);
    }

    private final SessionDiscovery discovery;
    private final RecentUdpFlows recentFlows;
    private final Supplier<Set<InetAddress>> usableAddresses;
    private final Predicate<InetAddress> managedPeer;
    private final PeerDirectory peers;
    private final Handover handover;
    private final KeyAgreement keys;
    private final Clock clock;
    private final Duration minimumAge;
    private final Duration retryNoAgent;
    private Map<SessionKey, Instant> firstSeen = new HashMap<>();

    public KeyPreAgreement(SessionDiscovery discovery, RecentUdpFlows recentFlows,
            Supplier<Set<InetAddress>> usableAddresses,
            Predicate<InetAddress> managedPeer, PeerDirectory peers, Handover handover, KeyAgreement keys,
            Clock clock, Duration minimumAge, Duration retryNoAgent) {
        this.discovery = discovery;
        this.recentFlows = recentFlows;
        this.usableAddresses = usableAddresses;
        this.managedPeer = managedPeer;
        this.peers = peers;
        this.handover = handover;
        this.keys = keys;
        this.clock = clock;
        this.minimumAge = minimumAge;
        this.retryNoAgent = retryNoAgent;
    }

    /** One pass: list sessions, start the key agreements due, update the standby ghosts. */
    public void scan() throws NetlinkException, DataPathException {
        Instant now = clock.instant();
        peers.expireNoAgent(now.minus(retryNoAgent));
        Map<SessionKey, Instant> seen = new HashMap<>();
        Map<SessionKey, Session> sessions = new LinkedHashMap<>();
        for (InetAddress local : usableAddresses.get()) {
            if (isLinkLocal(local)) {
                continue;
            }
            List<Session> found = discovery.withLocalAddress(local).sessions();
            recentFlows.update(local, found);
            for (Session session : found) {
                if (managedPeer.test(session.peer()) && !isLinkLocal(session.peer())
                        && session.peer().getClass() == local.getClass()) {
                    sessions.put(session.key(), session);
                    seen.put(session.key(), firstSeen.getOrDefault(session.key(), now));
                }
            }
        }
        firstSeen = seen;
        Set<PeerPath> due = new LinkedHashSet<>();
        Set<SessionTuple> standby = new HashSet<>();
        for (Session session : sessions.values()) {
            PeerPath path = new PeerPath(session.local().getAddress(), session.peer());
            if (!seen.get(session.key()).plus(minimumAge).isAfter(now)) {
                due.add(path);
            }
            if (peers.capability(path) == PeerCapability.AGENT) {
                standby.add(SessionTuples.of(session));
            }
        }
        for (PeerPath path : due) {
            if (peers.startProbe(path, now)) {
                LOG.debug("agreeing keys with {}", path);
                keys.ensureKey(path).whenComplete((done, failure) -> {
                    if (failure == null) {
                        peers.keyAgreed(path, clock.instant());
                    } else {
                        LOG.info("no SACIP agent answers at {} (from {}): {}; its sessions keep their address "
                                + "through a ghost if ours moves", AddressText.of(path.peer()),
                                AddressText.of(path.local()), rootMessage(failure));
                        peers.noAgent(path, clock.instant());
                    }
                });
            }
        }
        handover.keepStandby(standby);
    }

    private static boolean isLinkLocal(InetAddress address) {
        return address instanceof Inet6Address && address.isLinkLocalAddress();
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
