package org.sacip.control;

/** Receives the event lines of a followed stream. */
@FunctionalInterface
public interface EventSink {
    /** Handles one event line; returns false to stop following (e.g. our output was closed). */
    boolean accept(String eventLine) throws ControlFailure;
}
