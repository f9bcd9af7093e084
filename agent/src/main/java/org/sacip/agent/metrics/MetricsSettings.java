package org.sacip.agent.metrics;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the agent serves Prometheus metrics, and where ({@code metrics} and {@code metrics-listen} in the config
 * file, docs/METRICS.md). Off by default; when on, it listens on the loopback address unless configured otherwise.
 *
 * @param enabled whether the endpoint runs at all (off: no server, no registry)
 * @param listen  the address and TCP port of the endpoint, an address literal (no name is looked up)
 */
public record MetricsSettings(boolean enabled, InetSocketAddress listen) {
    public static final int DEFAULT_PORT = 9464;
    public static final InetSocketAddress DEFAULT_LISTEN = new InetSocketAddress(
            InetAddress.getLoopbackAddress(), DEFAULT_PORT);
    public static final MetricsSettings OFF = new MetricsSettings(false, DEFAULT_LISTEN);

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})");
    // Its first character a hex digit or a colon: the JDK then parses it as a literal and never looks a name up.
    private static final Pattern IPV6 = Pattern.compile("\\[([0-9a-fA-F:][0-9a-fA-F:.]{1,44})\\]:(\\d{1,5})");

    public MetricsSettings {
        Objects.requireNonNull(listen, "listen");
        if (listen.isUnresolved()) {
            throw new IllegalArgumentException("the metrics address must be an address literal: " + listen);
        }
    }

    /**
     * Reads {@code ADDRESS:PORT}: {@code 127.0.0.1:9464}, {@code [::1]:9464}, {@code 0.0.0.0:9464} (every address).
     *
     * @throws IllegalArgumentException with a message saying what is wrong and what is expected
     */
    public static InetSocketAddress parseListen(String value) {
        Matcher matcher = IPV4.matcher(value);
        boolean v4 = matcher.matches();
        if (!v4) {
            matcher = IPV6.matcher(value);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("not an address and port like 127.0.0.1:9464 or [::1]:9464");
            }
        }
        String host = matcher.group(1);
        int port = Integer.parseInt(matcher.group(2));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        if (v4) {
            for (String part : host.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException("not an IPv4 address: " + host);
                }
            }
        } else if (!host.contains(":")) {
            throw new IllegalArgumentException("not an IPv6 address: " + host);
        }
        try {
            // Only literals reach here (checked above), so nothing is looked up.
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + host);
        }
    }

    public MetricsSettings withEnabled(boolean on) {
        return new MetricsSettings(on, listen);
    }

    public MetricsSettings withListen(InetSocketAddress address) {
        return new MetricsSettings(enabled, address);
    }
}
