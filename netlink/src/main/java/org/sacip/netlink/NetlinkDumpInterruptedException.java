package org.sacip.netlink;

/**
 * The kernel flagged a dump with NLM_F_DUMP_INTR: the table changed while it was being dumped, so the
 * result may be inconsistent and the caller should dump again.
 */
public class NetlinkDumpInterruptedException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    public NetlinkDumpInterruptedException(int sequence) {
        super("dump with sequence " + sequence + " was interrupted by a concurrent change; dump again");
    }
}
