package org.sacip.control;

/** The payload of {@code events}: {"following":true}; the event lines come after it. */
public record Following(boolean following) {
}
