package org.sacip.agent.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Label values of the agent's metrics. Every one comes from an enum of our code (never from a message, an address, a
 * port or a key id), so the number of series stays fixed whatever remote hosts send.
 */
public final class MetricLabels {
    private MetricLabels() {
    }

    /** {@code MAKE_BEFORE_BREAK} becomes {@code make_before_break}. */
    public static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** Every value a label of this enum can take. */
    public static List<String> all(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(MetricLabels::of).toList();
    }
}
