package org.sacip.agent.datapath;

/** A requested remapping cannot coexist with another: both would need the same map key. Nothing was changed. */
public final class RemapConflictException extends DataPathException {
    private static final long serialVersionUID = 1L;

    public RemapConflictException(String message) {
        super(message);
    }
}
