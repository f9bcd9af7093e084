package org.sacip.lab;

/** A value an action records during a scenario run, for the test to assert on once the run's figures are in. */
final class Observed<T> {
    private volatile T value;

    void set(T seen) {
        value = seen;
    }

    T get() {
        if (value == null) {
            throw new AssertionError("the scenario ended before this was observed");
        }
        return value;
    }
}
