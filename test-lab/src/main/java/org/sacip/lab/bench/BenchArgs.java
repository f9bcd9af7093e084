package org.sacip.lab.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** key=value arguments of a benchmark main; an unknown key or a bad number is an IllegalArgumentException. */
final class BenchArgs {
    private final Map<String, String> values = new LinkedHashMap<>();

    BenchArgs(String[] args, Set<String> known) {
        for (String arg : args) {
            if (arg.isBlank()) {
                continue;
            }
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "' (keys: " + known + ")");
            }
            String key = arg.substring(0, eq);
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown argument '" + key + "' (keys: " + known + ")");
            }
            values.put(key, arg.substring(eq + 1));
        }
    }

    String text(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /** A whole number within [min, max]. */
    long number(String key, long fallback, long min, long max) {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", got " + n);
        }
        return n;
    }
}
