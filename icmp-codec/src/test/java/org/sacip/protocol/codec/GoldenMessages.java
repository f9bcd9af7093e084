package org.sacip.protocol.codec;

import java.util.List;
import java.util.stream.Stream;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimProtocol;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.TunnelAccept;
import org.sacip.protocol.message.TunnelOpen;
import org.sacip.protocol.message.UpdateAck;

/**
 * One message per kind and family with recognisable field values, and the outer addresses it travels between
 * (always {@link #source} to {@link #destination}). MACs are dummies (0xaa octets), computed under no key.
 */
public final class GoldenMessages {
    private GoldenMessages() {
    }

    public static SacipAddress source(AddressFamily family) {
        return family == AddressFamily.IPV4 ? SacipAddress.parse("198.18.0.1") : SacipAddress.parse("2001:db8::1");
    }

    public static SacipAddress destination(AddressFamily family) {
        return family == AddressFamily.IPV4 ? SacipAddress.parse("198.18.0.2") : SacipAddress.parse("2001:db8::2");
    }

    /** The kinds an ICMP message may carry (all but the tunnel's, which travel only over UDP). */
    public static Stream<MessageKind> icmpKinds() {
        return Stream.of(MessageKind.values()).filter(kind -> !kind.udpOnly());
    }

    /** Field value {@code length} octets long, each octet {@code value}. */
    static Octets fill(int value, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) value);
        return Octets.of(b);
    }

    /** The address a moved host had before: the original address of updates, the holder address of claims. */
    public static SacipAddress original(AddressFamily family) {
        return family == AddressFamily.IPV4 ? SacipAddress.parse("198.18.0.9") : SacipAddress.parse("2001:db8::9");
    }

    /** Three entries: a TCP and a UDP session with proofs, and a TCP session without record. */
    public static List<ClaimEntry> claimEntries() {
        return List.of(
                ClaimEntry.tcp(50000, 443, Octets.fromHex("11111111222222220000000000000000")),
                ClaimEntry.udp(50001, 53, Octets.fromHex("33333333333333334444444444444444")),
                ClaimEntry.withoutRecord(ClaimProtocol.TCP, 50002, 22));
    }

    public static SacipMessage of(MessageKind kind, AddressFamily family) {
        SacipAddress original = original(family);
        SacipAddress current = source(family);
        switch (kind) {
            case HELLO:
                return new Hello(fill(0x11, 16));
            case COOKIE:
                return new CookieReply(fill(0x11, 16), fill(0xc0, 16));
            case INIT:
                return new Init(fill(0x11, 16), fill(0xc0, 16), fill(0x5a, 32));
            case INIT_REPLY:
                return new InitReply(fill(0x11, 16), fill(0x22, 16), fill(0x5b, 32), fill(0xaa, 16));
            case INIT_CONFIRM:
                return new InitConfirm(fill(0x11, 16), fill(0x22, 16), fill(0xaa, 16));
            case REKEY:
                return new Rekey(fill(0x4b, 8), fill(0x11, 16), fill(0x5a, 32), fill(0xaa, 16));
            case ADDRESS_UPDATE:
                return new AddressUpdate(fill(0x4b, 8), 0x0102030405060708L, original, current, fill(0xaa, 16));
            case UPDATE_ACK:
                // Acknowledgements go from the peer to the moving host's current address.
                return new UpdateAck(fill(0x4b, 8), 0x0102030405060708L, original, destination(family),
                        fill(0xaa, 16));
            case PATH_CHALLENGE:
                return new PathChallenge(fill(0x4b, 8), fill(0xcc, 16), fill(0xaa, 16));
            case PATH_RESPONSE:
                return new PathResponse(fill(0x4b, 8), fill(0xcc, 16), fill(0xaa, 16));
            case REFUSAL:
                return new Refusal(RefusalReason.UNKNOWN_KEY, fill(0x11, 16));
            case CLAIM:
                // The sender moved from the original address to the source; its sessions still know the original.
                return new Claim(fill(0x4b, 8), 0x0102030405060708L, original, destination(family), claimEntries(),
                        fill(0xaa, 16));
            case CLAIM_REPLY: {
                List<ClaimEntry> claimed = claimEntries();
                // The replying host sees the holder at the original address, and the third holder port translated.
                return new ClaimReply(fill(0x4b, 8), 0x0102030405060708L, original, List.of(
                        ClaimReplyEntry.answering(claimed.get(0), ClaimVerdict.BOUND),
                        ClaimReplyEntry.answering(claimed.get(1), ClaimVerdict.PROOF_MISMATCH),
                        ClaimReplyEntry.answering(claimed.get(2), ClaimVerdict.NOT_ELIGIBLE, 60002)), fill(0xaa, 16));
            }
            case TUNNEL_OPEN:
                return new TunnelOpen(fill(0x4b, 8), fill(0x0e, 16), fill(0xaa, 16));
            case TUNNEL_ACCEPT:
                return new TunnelAccept(fill(0x4b, 8), fill(0x0e, 16), fill(0xac, 16), fill(0xaa, 16));
            default:
                throw new IllegalArgumentException(kind.toString());
        }
    }

    /** Resource name of the golden vector of a kind and family. */
    public static String resource(MessageKind kind, AddressFamily family) {
        return "/org/sacip/protocol/codec/golden/" + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                + "-" + family.name().toLowerCase(java.util.Locale.ROOT) + ".hex";
    }
}
