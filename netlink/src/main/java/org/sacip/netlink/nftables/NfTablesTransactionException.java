package org.sacip.netlink.nftables;

import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;

/**
 * The kernel refused a transaction; none of its changes were applied. Names the change whose message was refused
 * when the kernel blamed one (it blames the batch itself when the commit as a whole failed).
 */
public final class NfTablesTransactionException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    private final transient ElementChange refusedChange;
    private final NetlinkErrorException kernelError;

    NfTablesTransactionException(ElementChange refusedChange, NetlinkErrorException kernelError) {
        super(describe(refusedChange, kernelError), kernelError);
        this.refusedChange = refusedChange;
        this.kernelError = kernelError;
    }

    private static String describe(ElementChange change, NetlinkErrorException error) {
        String what = change == null ? "nf_tables transaction"
                : change.operation().name().toLowerCase(java.util.Locale.ROOT) + " of " + change.elements().size()
                        + " element(s) of " + change.set();
        return what + " refused, nothing applied: " + error.getMessage();
    }

    /** The change whose message the kernel refused; null if it refused the transaction as a whole. */
    public ElementChange refusedChange() {
        return refusedChange;
    }

    /** Positive errno, e.g. 17 (EEXIST) for a key already mapped to another value. */
    public int errno() {
        return kernelError.errno();
    }

    public String errnoName() {
        return kernelError.errnoName();
    }
}
