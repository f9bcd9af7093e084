package org.sacip.agent.daemon;

/** A part of the agent could not start; the message says which and why. */
public final class AgentStartException extends Exception {
    private static final long serialVersionUID = 1L;

    public AgentStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
