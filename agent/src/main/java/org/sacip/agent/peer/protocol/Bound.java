package org.sacip.agent.peer.protocol;

/** A named size with its limit, as the control socket's status reports it (docs/CONTROL.md "bounds"). */
public record Bound(String name, long size, long limit) {
}
