package org.sacip.agent.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.sacip.netlink.AddressText;

/**
 * The HTTP endpoint that serves {@code /metrics} in the Prometheus text format (and the OpenMetrics format when
 * asked), on one daemon thread of its own: a scrape never runs on the agent's threads.
 */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;
    private final InetSocketAddress address;

    private MetricsServer(HTTPServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /** Listens at {@code listen} and serves the registry's metrics. */
    public static MetricsServer start(AgentMetrics metrics, InetSocketAddress listen) throws MetricsServerException {
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sacip-metrics");
            thread.setDaemon(true);
            return thread;
        });
        try {
            HTTPServer server = HTTPServer.builder().inetAddress(listen.getAddress()).port(listen.getPort())
                    .registry(metrics.registry()).executorService(executor).buildAndStart();
            return new MetricsServer(server, new InetSocketAddress(listen.getAddress(), server.getPort()));
        } catch (BindException e) {
            executor.shutdownNow();
            throw new MetricsServerException(MetricsServerException.Reason.CANNOT_BIND, "cannot listen at "
                    + text(listen) + ": " + e.getMessage() + " (metrics-listen in the config file)", e);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new MetricsServerException(MetricsServerException.Reason.FAILURE, "cannot listen at "
                    + text(listen) + ": " + e.getMessage(), e);
        }
    }

    /** Where it listens (the port the kernel chose when 0 was asked). */
    public InetSocketAddress address() {
        return address;
    }

    static String text(InetSocketAddress address) {
        String host = AddressText.of(address.getAddress());
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
