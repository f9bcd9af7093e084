package org.sacip.protocol.message;

import java.util.Objects;

/**
 * The answer to one claim entry: the verdict, the entry's protocol and ports copied from the claim, and the holder
 * port as the replying host's session knows it (equal to the holder port when nothing translates ports).
 */
public record ClaimReplyEntry(ClaimVerdict verdict, ClaimProtocol protocol, int holderPort, int peerPort,
        int seenHolderPort) {
    public ClaimReplyEntry {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(protocol, "protocol");
        ClaimFieldRules.checkPort(holderPort, "holder port");
        ClaimFieldRules.checkPort(peerPort, "peer port");
        ClaimFieldRules.checkPort(seenHolderPort, "seen holder port");
    }

    /** The answer to {@code entry}, whose holder port the replying host sees as {@code seenHolderPort}. */
    public static ClaimReplyEntry answering(ClaimEntry entry, ClaimVerdict verdict, int seenHolderPort) {
        return new ClaimReplyEntry(verdict, entry.protocol(), entry.holderPort(), entry.peerPort(), seenHolderPort);
    }

    /** The answer to {@code entry} when no port is translated between the two hosts. */
    public static ClaimReplyEntry answering(ClaimEntry entry, ClaimVerdict verdict) {
        return answering(entry, verdict, entry.holderPort());
    }

    /** True when protocol and ports are those of {@code entry}, as a reply must copy them. */
    public boolean answers(ClaimEntry entry) {
        return protocol == entry.protocol() && holderPort == entry.holderPort() && peerPort == entry.peerPort();
    }
}
