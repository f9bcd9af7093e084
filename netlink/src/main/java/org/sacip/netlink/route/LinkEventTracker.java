package org.sacip.netlink.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns RTM_NEWLINK/RTM_DELLINK notifications into what changed. The kernel sends the same RTM_NEWLINK for
 * "created", "went up" and "lost carrier", so the previous state of each interface is remembered.
 */
public final class LinkEventTracker {
    private final Map<Integer, LinkInfo> known = new HashMap<>();

    /** Records the current links without producing events (the state from a dump). */
    public void seed(List<LinkInfo> links) {
        for (LinkInfo link : links) {
            known.put(link.index(), link);
        }
    }

    public List<LinkEvent> onNewLink(LinkInfo current) {
        LinkInfo previous = known.put(current.index(), current);
        List<LinkEvent> events = new ArrayList<>(2);
        if (previous == null) {
            events.add(new LinkEvent(LinkEvent.Kind.ADDED, current));
            return events;
        }
        if (previous.up() != current.up()) {
            events.add(new LinkEvent(current.up() ? LinkEvent.Kind.UP : LinkEvent.Kind.DOWN, current));
        }
        if (previous.carrier() != current.carrier()) {
            events.add(new LinkEvent(current.carrier() ? LinkEvent.Kind.CARRIER_UP : LinkEvent.Kind.CARRIER_DOWN,
                    current));
        }
        if (events.isEmpty()) {
            events.add(new LinkEvent(LinkEvent.Kind.CHANGED, current));
        }
        return events;
    }

    public LinkEvent onDeletedLink(LinkInfo removed) {
        known.remove(removed.index());
        return new LinkEvent(LinkEvent.Kind.REMOVED, removed);
    }
}
