package org.sacip.protocol.move;

/** Outcome of an authenticated address update that was not rejected. */
public enum SequenceVerdict {
    /** Higher than every accepted one: apply it, then acknowledge. */
    NEW,
    /** The last accepted update again (its acknowledgement was lost): acknowledge again, change nothing. */
    DUPLICATE_OF_LAST
}
