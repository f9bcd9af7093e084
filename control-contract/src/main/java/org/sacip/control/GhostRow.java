package org.sacip.control;

/** A ghost address on lo (an entry of {@code ghosts}) and how many sessions hold it. */
public record GhostRow(String address, GhostState state, int sessions) {
}
