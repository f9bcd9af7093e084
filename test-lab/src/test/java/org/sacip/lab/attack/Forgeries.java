package org.sacip.lab.attack;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.codec.WireFormat;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.move.MoveMessages;
import org.sacip.protocol.tunnel.DataDatagram;

/**
 * What an attacker without the keys can send: the unauthenticated messages (HELLO, INIT with a cookie it never got,
 * COOKIE, REFUSAL) from any source, well-formed updates under keys it made up, real captured messages mutated (a
 * flipped MAC bit, its own address written in), truncated copies and random bytes; and a tunnel's data datagrams
 * with random contents, or captured ones with a bit flipped or a field replaced. Offsets follow
 * docs/PROTOCOL.md section 4 (body from octet 12 of the ICMP message).
 */
final class Forgeries {
    static final int ICMPV4_TYPE = 253;
    static final int KIND_OFFSET = 9;
    static final int KIND_ADDRESS_UPDATE = 7;
    private static final int CURRENT_ADDRESS = 12 + 36;

    private final SecureRandom random = new SecureRandom();

    /** A HELLO with a fresh random nonce. */
    Hello hello() {
        return new Hello(octets(FieldLengths.NONCE));
    }

    /** An INIT whose cookie and share are random: the responder never minted that cookie. */
    Init initWithJunkCookie() {
        return new Init(octets(FieldLengths.NONCE), octets(FieldLengths.COOKIE), octets(FieldLengths.KEY_SHARE));
    }

    /** A COOKIE echoing a nonce the attacker saw, with a cookie nobody minted. */
    CookieReply junkCookie(Octets echoedNonce) {
        return new CookieReply(echoedNonce, octets(FieldLengths.COOKIE));
    }

    static Refusal refusal(RefusalReason reason, Octets echo) {
        return new Refusal(reason, echo);
    }

    /**
     * The message as a whole IP packet from {@code source} to {@code destination}, ready for a raw socket. An
     * attacker may address a multicast group, which the codec refuses to encode for: an unauthenticated message
     * does not depend on its outer addresses beyond the checksum, so it is encoded for the source itself and the
     * checksum made for the real destination.
     */
    static byte[] packet(SacipMessage message, InetAddress source, InetAddress destination) {
        boolean unicast = !destination.isMulticastAddress();
        if (!unicast && message.kind().authenticated()) {
            throw new IllegalArgumentException(message.kind() + " is signed over its outer addresses");
        }
        return IpPackets.icmp(source, destination, SacipEncoder.encode(message, SacipAddress.of(source),
                SacipAddress.of(unicast ? destination : source)));
    }

    /** A well-formed, correctly MACed update under a key the attacker invented: "session original is now at current". */
    byte[] updateUnderInventedKey(Inet4Address original, Inet4Address current, Inet4Address peer, long sequence) {
        SessionKeys keys = inventedKeys(original, peer);
        Envelope envelope = new Envelope.Icmp(SacipAddress.of(current), SacipAddress.of(peer));
        return envelope.encode(new MoveMessages(keys, Role.INITIATOR).update(sequence, envelope));
    }

    /** Keys nobody agreed, bound to {@code local} and {@code peer}: whatever they sign verifies nowhere. */
    SessionKeys inventedKeys(InetAddress local, InetAddress peer) {
        return new SessionKeys(octets(8), octets(32), octets(32), octets(32), SacipAddress.of(local),
                SacipAddress.of(peer));
    }

    /** The captured message with one bit of its MAC flipped. */
    static byte[] flippedMac(byte[] icmp) {
        byte[] copy = icmp.clone();
        copy[copy.length - 1] ^= 0x01;
        return copy;
    }

    /** A captured ADDRESS_UPDATE claiming the attacker's address as the session's new place. */
    static byte[] namingAddress(byte[] update, Inet4Address attacker) {
        byte[] copy = update.clone();
        byte[] address = SacipAddress.of(attacker).toWire();
        System.arraycopy(address, 0, copy, CURRENT_ADDRESS, address.length);
        return copy;
    }

    static byte[] truncated(byte[] icmp, int length) {
        return Arrays.copyOf(icmp, length);
    }

    /** Random octets that still look like SACIP at first sight (type 253, magic, the codec's version). */
    byte[] garbage(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        bytes[0] = (byte) ICMPV4_TYPE;
        bytes[1] = 0;
        bytes[4] = 'S';
        bytes[5] = 'A';
        bytes[6] = 'C';
        bytes[7] = 'I';
        bytes[8] = (byte) WireFormat.VERSION;
        return bytes;
    }

    /** A copy of a captured datagram with one bit flipped at {@code offset}. */
    static byte[] flipped(byte[] datagram, int offset) {
        byte[] copy = datagram.clone();
        copy[offset] ^= 0x01;
        return copy;
    }

    /** A copy of a captured datagram with the 64-bit field at {@code offset} (a tunnel id, a counter) replaced. */
    static byte[] withLong(byte[] datagram, int offset, long value) {
        byte[] copy = datagram.clone();
        ByteBuffer.wrap(copy).putLong(offset, value);
        return copy;
    }

    /**
     * A tunnel's data datagram (docs/PROTOCOL.md 15.4) with a well-formed header, the given tunnel id and counter,
     * and {@code sealedLength} random octets where the ciphertext and tag go: what an attacker without the tunnel's
     * keys can make.
     */
    byte[] dataDatagram(long tunnelId, long counter, int sealedLength) {
        ByteBuffer datagram = ByteBuffer.allocate(DataDatagram.HEADER_LENGTH + sealedLength);
        datagram.put(new byte[] {'S', 'A', 'C', 'U', 1, 2, 0, 0}).putLong(tunnelId).putLong(counter);
        datagram.put(octets(sealedLength).toByteArray());
        return datagram.array();
    }

    static boolean isAddressUpdate(byte[] icmp) {
        return icmp.length > KIND_OFFSET && (icmp[0] & 0xff) == ICMPV4_TYPE && icmp[KIND_OFFSET] == KIND_ADDRESS_UPDATE;
    }

    Octets octets(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return Octets.of(bytes);
    }
}
