package org.sacip.control;

/** The payload of {@code version}: the agent's version and the control protocol it speaks. */
public record VersionInfo(String version, int protocol) {
}
