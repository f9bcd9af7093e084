package org.sacip.control;

/** The constants of control protocol version 1 (docs/CONTROL.md, sections 2 and 6). */
public final class ControlProtocol {
    /** The value of "v" in every request and reply. */
    public static final int VERSION = 1;
    /** A request line may be at most this long, its newline included. */
    public static final int MAX_REQUEST_BYTES = 4096;

    private ControlProtocol() {
    }
}
