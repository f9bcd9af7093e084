package org.sacip.lab.cli;

/** A command line that parses but asks for something that does not exist (no lab up, unknown host): exit 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
