package org.sacip.tools.filter;

import java.net.InetAddress;
import java.util.Optional;

/** An "addr:port" or "[v6]:port" endpoint as the agent reports it. */
public record Endpoint(InetAddress address, int port) {

    /** The endpoint, or empty when the agent's text is not one (such a session matches no address filter). */
    public static Optional<Endpoint> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            EndpointPattern pattern = EndpointPattern.parse(text);
            return pattern.port().isPresent()
                    ? Optional.of(new Endpoint(pattern.address(), pattern.port().getAsInt()))
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
