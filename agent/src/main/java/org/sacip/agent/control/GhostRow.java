package org.sacip.agent.control;

/** A ghost address on lo: "standby" (its address is still on an interface) or "active", and how many sessions hold it. */
public record GhostRow(String address, String state, int sessions) {
}
