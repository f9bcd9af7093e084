package org.sacip.lab.traffic;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** key=value arguments of an endpoint process; IPv6 addresses go in brackets: [2001:db8::1]:5001. */
public record EndpointOptions(Map<String, String> values) {
    public static EndpointOptions parse(String[] args, int from) {
        Map<String, String> map = new HashMap<>();
        for (int i = from; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + args[i] + "'");
            }
            map.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        return new EndpointOptions(Map.copyOf(map));
    }

    public String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing option " + key + "=");
        }
        return value;
    }

    public long getLong(String key, long fallback) {
        String value = values.get(key);
        return value == null ? fallback : Long.parseLong(value);
    }

    public InetSocketAddress socket(String key) {
        return socket(key, get(key));
    }

    private static InetSocketAddress socket(String key, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(key + " needs address:port, got '" + value + "'");
        }
        String host = value.substring(0, colon).replace("[", "").replace("]", "");
        return new InetSocketAddress(literal(host), Integer.parseInt(value.substring(colon + 1)));
    }

    /** One or more address:port, comma-separated. */
    public List<InetSocketAddress> sockets(String key) {
        List<InetSocketAddress> list = new ArrayList<>();
        for (String one : get(key).split(",")) {
            list.add(socket(key, one.strip()));
        }
        return list;
    }

    public InetAddress address(String key) {
        return literal(get(key));
    }

    /** Only literal addresses: an endpoint never resolves names. */
    private static InetAddress literal(String text) {
        if (!text.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP address literal: " + text);
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: " + text, e);
        }
    }
}
