package org.sacip.agent.metrics;

import org.sacip.agent.handover.HandoverView;
import org.sacip.agent.peer.protocol.DropCounters;
import org.sacip.agent.peer.protocol.EngineView;
import org.sacip.agent.peer.protocol.MessageCounters;

/**
 * What a scrape reads: the views the handover and the engine publish for the control socket, and the engine's
 * lock-free counters. Every method returns at once from any thread; none waits for the engine or the handover.
 */
public interface MetricSources {
    HandoverView handover();

    EngineView engine();

    DropCounters drops();

    MessageCounters messages();
}
