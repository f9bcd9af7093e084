package org.sacip.lab.bench.report;

import java.util.Locale;

/** The unit of a figure's values, and how the report prints one. */
public enum Unit {
    /** Microseconds, printed as ms with one decimal. */
    MICROS("ms"),
    /** Milliseconds. */
    MILLIS("ms"),
    /** 1 = survived, 0 = not: printed as "n of N". */
    SURVIVED(""),
    /** A count (elements, packets, ...). */
    COUNT(""),
    /** Kibibytes, printed as MiB with one decimal. */
    KIB("MiB"),
    /** Parts per million, printed as % with three decimals (CPU of one core, a throughput ratio). */
    PPM("%"),
    /** Bits per second, printed as Gbit/s with two decimals. */
    BITS_PER_SECOND("Gbit/s"),
    /** Packets per second. */
    PER_SECOND("/s");

    private final String shown;

    Unit(String shown) {
        this.shown = shown;
    }

    /** The unit as the report prints it. */
    public String shown() {
        return shown;
    }

    /** One value as the report prints it; "-" for none. */
    public String format(Long value) {
        if (value == null) {
            return "-";
        }
        return switch (this) {
            case MICROS -> String.format(Locale.ROOT, "%.1f", value / 1000.0);
            case KIB -> String.format(Locale.ROOT, "%.1f", value / 1024.0);
            case PPM -> String.format(Locale.ROOT, "%.3f", value / 10_000.0);
            case BITS_PER_SECOND -> String.format(Locale.ROOT, "%.2f", value / 1e9);
            default -> Long.toString(value);
        };
    }

    /** The value as a plain number in the printed unit (for plots). */
    public double scaled(long value) {
        return switch (this) {
            case MICROS -> value / 1000.0;
            case KIB -> value / 1024.0;
            case PPM -> value / 10_000.0;
            case BITS_PER_SECOND -> value / 1e9;
            default -> value;
        };
    }
}
