package org.sacip.agent.daemon;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.sacip.agent.control.ControlServer;
import org.sacip.agent.control.ControlServerException;
import org.sacip.agent.control.EventFeed;
import org.sacip.agent.files.UntrustedDirectoryException;
import org.sacip.agent.metrics.MetricsServer;
import org.sacip.agent.metrics.MetricsServerException;
import org.sacip.agent.state.StateDirectory;
import org.sacip.control.AgentEvent;

/** The agent with its control socket: what {@code sacip-agent} runs. */
final class AgentDaemon implements AutoCloseable {
    private final Agent agent;
    private final ControlServer control;
    private final Optional<MetricsServer> metrics;

    private AgentDaemon(Agent agent, ControlServer control, Optional<MetricsServer> metrics) {
        this.agent = agent;
        this.control = control;
        this.metrics = metrics;
    }

    /**
     * Checks the state and socket directories (a directory others could write is a configuration error, found
     * before anything is set up), starts the agent, then its control socket. A stop requested meanwhile is honoured
     * between these steps: what was started is closed again (as in a normal stop) and the result is empty.
     * {@code onEvent} runs after each event the agent reports (on the reporting thread: it must not block).
     */
    static Optional<AgentDaemon> start(AgentConfig config, Path stateDirectory, Path controlSocket,
            BooleanSupplier stopRequested, Runnable onEvent, StartupSteps steps) throws AgentStartException {
        try {
            StateDirectory.check(stateDirectory);
            ControlServer.checkDirectory(controlSocket);
        } catch (UntrustedDirectoryException e) {
            throw new AgentStartException(AgentStartException.Reason.CONFIGURATION, e.getMessage(), e);
        }
        if (stopRequested.getAsBoolean()) {
            return Optional.empty();
        }
        EventFeed feed = new EventFeed();
        Agent agent = Agent.start(config, stateDirectory, (type, summary, fields) -> {
            feed.publish(new AgentEvent(Instant.now().toString(), type, summary, Map.copyOf(fields)));
            onEvent.run();
        }, steps);
        if (stopRequested.getAsBoolean()) {
            agent.close();
            return Optional.empty();
        }
        Optional<MetricsServer> metrics;
        try {
            metrics = agent.metrics().isPresent()
                    ? Optional.of(MetricsServer.start(agent.metrics().get(), config.metrics().listen()))
                    : Optional.empty();
        } catch (MetricsServerException e) {
            agent.close();
            throw new AgentStartException(e.reason() == MetricsServerException.Reason.CANNOT_BIND
                    ? AgentStartException.Reason.CONFIGURATION : AgentStartException.Reason.FAILURE,
                    "metrics: " + e.getMessage(), e);
        }
        try {
            ControlServer control = ControlServer.start(controlSocket, config.controlGroup(), AgentMain.VERSION,
                    new AgentControl(agent), feed);
            steps.done("control socket");
            return Optional.of(new AgentDaemon(agent, control, metrics));
        } catch (ControlServerException | RuntimeException e) {
            metrics.ifPresent(MetricsServer::close);
            agent.close();
            throw new AgentStartException("control socket: " + e.getMessage(), e);
        }
    }

    Agent agent() {
        return agent;
    }

    @Override
    public void close() {
        control.close();
        metrics.ifPresent(MetricsServer::close);
        agent.close();
    }
}
