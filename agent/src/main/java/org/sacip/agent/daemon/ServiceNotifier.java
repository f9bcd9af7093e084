package org.sacip.agent.daemon;

import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent tells its service manager (sd_notify(3); systemd's {@code Type=notify} and
 * {@code Type=notify-reload}): READY=1 once it serves, STOPPING=1 when a stop begins, RELOADING=1 (with
 * MONOTONIC_USEC) and READY=1 around a reload, STATUS= with its counts. Without NOTIFY_SOCKET in the environment it
 * sends nothing. The agent never depends on being heard: a failed send is logged (the first at WARN, later ones at
 * DEBUG) and otherwise ignored.
 */
final class ServiceNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceNotifier.class);
    static final String ENVIRONMENT = "NOTIFY_SOCKET";

    private final Optional<NotifySocket> socket;
    private boolean failedBefore;

    private ServiceNotifier(Optional<NotifySocket> socket) {
        this.socket = socket;
    }

    /** Sends to NOTIFY_SOCKET when it is set (a bad value is logged once and then means "send nothing"). */
    static ServiceNotifier fromEnvironment(Map<String, String> environment) {
        String name = environment.get(ENVIRONMENT);
        if (name == null || name.isEmpty()) {
            return new ServiceNotifier(Optional.empty());
        }
        try {
            return new ServiceNotifier(Optional.of(NotifySocket.open(name)));
        } catch (NotifyException e) {
            LOG.warn("the service manager will not hear from the agent: {}", e.getMessage());
            return new ServiceNotifier(Optional.empty());
        }
    }

    /** Whether a service manager listens (NOTIFY_SOCKET is set and usable). */
    boolean active() {
        return socket.isPresent();
    }

    /** Start-up (or a reload) is complete and the control socket answers. */
    void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    void status(String status) {
        send("STATUS=" + status);
    }

    /** A reload begins; MONOTONIC_USEC is CLOCK_MONOTONIC, which System.nanoTime reads on Linux. */
    void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=reloading the config");
    }

    void stopping() {
        send("STOPPING=1\nSTATUS=stopping; remapped sessions keep working");
    }

    private synchronized void send(String message) {
        if (socket.isEmpty()) {
            return;
        }
        try {
            socket.get().send(message);
        } catch (NotifyException e) {
            if (failedBefore) {
                LOG.debug("service manager not notified: {}", e.getMessage());
            } else {
                failedBefore = true;
                LOG.warn("service manager not notified: {} (later failures are logged at debug level)",
                        e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        socket.ifPresent(NotifySocket::close);
    }
}
