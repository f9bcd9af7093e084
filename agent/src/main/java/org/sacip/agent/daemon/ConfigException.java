package org.sacip.agent.daemon;

/** The config file or a command-line value is not usable; the message says where and why. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
