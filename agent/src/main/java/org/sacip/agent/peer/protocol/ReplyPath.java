package org.sacip.agent.peer.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Where a received message came from on the link: its interface and the link-layer source address of its frame.
 * An answer to an unauthenticated message goes back the same way when the kernel has no neighbour entry for the
 * sender (an IPv6 initiator's neighbour solicitation names its link-local address, never the global one it sends
 * from), so the answer never makes the kernel resolve anything and never goes anywhere the request did not come from.
 */
public record ReplyPath(int interfaceIndex, byte[] linkSource) {
    public ReplyPath {
        linkSource = linkSource.clone();
    }

    @Override
    public byte[] linkSource() {
        return linkSource.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReplyPath that && interfaceIndex == that.interfaceIndex
                && Arrays.equals(linkSource, that.linkSource);
    }

    @Override
    public int hashCode() {
        return 31 * interfaceIndex + Arrays.hashCode(linkSource);
    }

    @Override
    public String toString() {
        return "ReplyPath[" + interfaceIndex + " " + HexFormat.ofDelimiter(":").formatHex(linkSource) + "]";
    }
}
