package org.sacip.netlink.nftables;

/** The SACIP ruleset could not be loaded: the file is missing from the build or {@code nft} refused it. */
public final class RulesetLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    public RulesetLoadException(String message) {
        super(message);
    }

    public RulesetLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
