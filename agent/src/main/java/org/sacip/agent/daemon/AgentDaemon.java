package org.sacip.agent.daemon;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.sacip.agent.control.AgentEvent;
import org.sacip.agent.control.ControlServer;
import org.sacip.agent.control.ControlServerException;
import org.sacip.agent.control.EventFeed;

/** The agent with its control socket: what {@code sacip-agent} runs. */
final class AgentDaemon implements AutoCloseable {
    private final Agent agent;
    private final ControlServer control;

    private AgentDaemon(Agent agent, ControlServer control) {
        this.agent = agent;
        this.control = control;
    }

    static AgentDaemon start(AgentConfig config, Path stateDirectory, Path controlSocket)
            throws AgentStartException {
        EventFeed feed = new EventFeed();
        Agent agent = Agent.start(config, stateDirectory, (type, summary, fields) -> feed.publish(
                new AgentEvent(Instant.now().toString(), type, summary, Map.copyOf(fields))));
        try {
            ControlServer control = ControlServer.start(controlSocket, config.controlGroup(), AgentMain.VERSION,
                    new AgentControl(agent), feed);
            return new AgentDaemon(agent, control);
        } catch (ControlServerException | RuntimeException e) {
            agent.close();
            throw new AgentStartException("control socket: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        control.close();
        agent.close();
    }
}
