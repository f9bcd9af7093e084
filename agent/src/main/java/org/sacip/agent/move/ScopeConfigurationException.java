package org.sacip.agent.move;

/** A managed-scope setting (interface name or prefix) could not be understood. */
public final class ScopeConfigurationException extends Exception {
    public ScopeConfigurationException(String message) {
        super(message);
    }
}
