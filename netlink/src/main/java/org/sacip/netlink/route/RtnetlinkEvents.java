package org.sacip.netlink.route;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.NetlinkSocket;

/**
 * A subscription to address, link and route notifications, decoded into typed events. Link events are
 * classified against the state dumped when the subscription opened. Call {@link #take} in a loop (it waits
 * without a time limit; {@link #wakeup()}, from any thread, ends the wait so the loop can stop) or {@link #poll},
 * which returns empty on timeout. On {@link NetlinkOverrunException} events were lost: re-dump the state
 * (and call {@link #resynchronizeLinks()}).
 */
public final class RtnetlinkEvents implements AutoCloseable {
    private static final int RECEIVE_BUFFER = 4 << 20;

    private final NetlinkSocket socket;
    private final NetNamespace namespace;
    private final LinkEventTracker links = new LinkEventTracker();

    private RtnetlinkEvents(NetlinkSocket socket, NetNamespace namespace) {
        this.socket = socket;
        this.namespace = namespace;
    }

    /** Subscribes in the caller's namespace. */
    public static RtnetlinkEvents open(Set<RtnetlinkGroup> groups) throws NetlinkException {
        return subscribe(NetlinkSocket.open(NetlinkFamily.ROUTE), null, groups);
    }

    public static RtnetlinkEvents open(NetNamespace namespace, Set<RtnetlinkGroup> groups) throws NetlinkException {
        return subscribe(NetlinkSocket.open(NetlinkFamily.ROUTE, namespace), namespace, groups);
    }

    private static RtnetlinkEvents subscribe(NetlinkSocket socket, NetNamespace namespace, Set<RtnetlinkGroup> groups)
            throws NetlinkException {
        RtnetlinkEvents events = new RtnetlinkEvents(socket, namespace);
        try {
            socket.setReceiveBufferSize(RECEIVE_BUFFER);
            for (RtnetlinkGroup group : groups) {
                socket.joinGroup(group.number());
            }
            // Joined first, dumped second: a change between the two shows up as an event, not as a gap.
            events.resynchronizeLinks();
        } catch (NetlinkException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return events;
    }

    /** Re-reads the current links so that later link events are classified against fresh state. */
    public void resynchronizeLinks() throws NetlinkException {
        try (RtnetlinkClient client = namespace == null ? RtnetlinkClient.open() : RtnetlinkClient.open(namespace)) {
            links.seed(client.links());
        }
    }

    /** Waits up to {@code timeout} for notifications; empty if none came. */
    public List<RtnetlinkEvent> poll(Duration timeout) throws NetlinkException {
        return decode(socket.receive(timeout));
    }

    /** Waits without a time limit for notifications; empty only after {@link #wakeup()} (or a signal). */
    public List<RtnetlinkEvent> take() throws NetlinkException {
        return decode(socket.receive());
    }

    /** Ends the current or next wait of {@link #take} or {@link #poll} from any thread: it returns empty. */
    public void wakeup() {
        socket.wakeup();
    }

    private List<RtnetlinkEvent> decode(List<NetlinkMessage> messages) throws NetlinkException {
        List<RtnetlinkEvent> events = new ArrayList<>();
        for (NetlinkMessage message : messages) {
            decode(message, events);
        }
        return events;
    }

    private void decode(NetlinkMessage message, List<RtnetlinkEvent> events) throws NetlinkException {
        switch (message.type()) {
            case Rtnl.RTM_NEWADDR ->
                    events.add(new AddressEvent(AddressEvent.Kind.ADDED, AddressMessageParser.parse(message)));
            case Rtnl.RTM_DELADDR ->
                    events.add(new AddressEvent(AddressEvent.Kind.REMOVED, AddressMessageParser.parse(message)));
            case Rtnl.RTM_NEWLINK -> events.addAll(links.onNewLink(LinkMessageParser.parse(message)));
            case Rtnl.RTM_DELLINK -> events.add(links.onDeletedLink(LinkMessageParser.parse(message)));
            case Rtnl.RTM_NEWROUTE ->
                    events.add(new RouteEvent(RouteEvent.Kind.ADDED, RouteMessageParser.parse(message)));
            case Rtnl.RTM_DELROUTE ->
                    events.add(new RouteEvent(RouteEvent.Kind.REMOVED, RouteMessageParser.parse(message)));
            case Rtnl.RTM_NEWRULE -> RuleMessages.parse(message)
                    .ifPresent(rule -> events.add(new RuleEvent(RuleEvent.Kind.ADDED, rule)));
            case Rtnl.RTM_DELRULE -> RuleMessages.parse(message)
                    .ifPresent(rule -> events.add(new RuleEvent(RuleEvent.Kind.REMOVED, rule)));
            default -> {
                // Neighbour and other notifications are not decoded here.
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
