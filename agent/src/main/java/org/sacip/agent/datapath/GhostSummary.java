package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A ghost as readers on other threads see it: its address, whether it is active, and how many sessions hold it. Not
 * the holders themselves: a view published after every change would copy 100,000 of them each time.
 */
public record GhostSummary(InetAddress address, boolean active, int sessions) {
    public GhostSummary {
        Objects.requireNonNull(address, "address");
    }
}
