package org.sacip.protocol.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.crypto.ConstantTime;
import org.sacip.protocol.crypto.HmacSha256;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * Responder cookies that need no per-initiator state: cookie = first 16 octets of
 * HMAC-SHA256(secret, "SACIP v1 cookie" | slot | initiator address | responder address | Ni), slot = Unix time / 60 s
 * as 8 octets. A cookie verifies in its own slot and the next one, under the current or the previous secret, so a
 * cookie lives 60 to 120 s and survives one secret rotation. Immutable: {@link #rotate} returns a new instance.
 */
public final class StatelessCookies {
    public static final long SLOT_SECONDS = 60;
    private static final byte[] LABEL = "SACIP v1 cookie".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UDP_LABEL = "SACIP v2 udp cookie".getBytes(StandardCharsets.US_ASCII);

    private final Octets currentSecret;
    private final Optional<Octets> previousSecret;

    private StatelessCookies(Octets currentSecret, Optional<Octets> previousSecret) {
        this.currentSecret = currentSecret.requireLength(32, "cookie secret");
        this.previousSecret = previousSecret;
    }

    public static StatelessCookies withSecret(Octets secret) {
        return new StatelessCookies(secret, Optional.empty());
    }

    /** The next generation: {@code newSecret} mints, the current secret still verifies. */
    public StatelessCookies rotate(Octets newSecret) {
        return new StatelessCookies(newSecret, Optional.of(currentSecret));
    }

    public static long slotOf(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), SLOT_SECONDS);
    }

    public Octets mint(Instant now, SacipAddress initiator, SacipAddress responder, Octets initiatorNonce) {
        return cookie(currentSecret, slotOf(now), LABEL, parties(initiator, responder), initiatorNonce);
    }

    public boolean verify(Octets cookie, Instant now, SacipAddress initiator, SacipAddress responder,
            Octets initiatorNonce) {
        return verify(cookie, now, LABEL, parties(initiator, responder), initiatorNonce);
    }

    /**
     * A cookie for a HELLO that arrived over UDP (docs/PROTOCOL.md section 13.6): it binds the endpoint the HELLO
     * came from as observed (after any NAT, port included, so two hosts behind one NAT get different cookies) and
     * the local endpoint it arrived at, under its own label, so a cookie of one transport never verifies on the
     * other.
     */
    public Octets mint(Instant now, UdpEndpoint initiator, UdpEndpoint responder, Octets initiatorNonce) {
        return cookie(currentSecret, slotOf(now), UDP_LABEL, parties(initiator, responder), initiatorNonce);
    }

    public boolean verify(Octets cookie, Instant now, UdpEndpoint initiator, UdpEndpoint responder,
            Octets initiatorNonce) {
        return verify(cookie, now, UDP_LABEL, parties(initiator, responder), initiatorNonce);
    }

    /**
     * The cookie for a HELLO that arrived as {@code arrival} says: over ICMP bound to its outer addresses, over UDP
     * to the endpoint it was observed from and the local endpoint it arrived at.
     */
    public Octets mint(Instant now, Arrival arrival, Octets initiatorNonce) {
        if (arrival instanceof Arrival.Udp udp) {
            return mint(now, udp.observedSource(), udp.local(), initiatorNonce);
        }
        return mint(now, arrival.source(), arrival.localAddress(), initiatorNonce);
    }

    /** Whether {@code cookie} was minted lately for an INIT that arrived as {@code arrival} says. */
    public boolean verify(Octets cookie, Instant now, Arrival arrival, Octets initiatorNonce) {
        if (arrival instanceof Arrival.Udp udp) {
            return verify(cookie, now, udp.observedSource(), udp.local(), initiatorNonce);
        }
        return verify(cookie, now, arrival.source(), arrival.localAddress(), initiatorNonce);
    }

    private boolean verify(Octets cookie, Instant now, byte[] label, byte[] parties, Octets nonce) {
        long slot = slotOf(now);
        boolean valid = false;
        for (long candidate = slot - 1; candidate <= slot; candidate++) {
            valid |= matches(cookie, currentSecret, candidate, label, parties, nonce);
            if (previousSecret.isPresent()) {
                valid |= matches(cookie, previousSecret.get(), candidate, label, parties, nonce);
            }
        }
        return valid;
    }

    private static byte[] parties(SacipAddress initiator, SacipAddress responder) {
        return ByteBuffer.allocate(2 * SacipAddress.WIRE_LENGTH).put(initiator.toWire()).put(responder.toWire())
                .array();
    }

    private static byte[] parties(UdpEndpoint initiator, UdpEndpoint responder) {
        return ByteBuffer.allocate(2 * SacipAddress.WIRE_LENGTH + 4).put(initiator.address().toWire())
                .putShort((short) initiator.port()).put(responder.address().toWire())
                .putShort((short) responder.port()).array();
    }

    private static boolean matches(Octets cookie, Octets secret, long slot, byte[] label, byte[] parties,
            Octets nonce) {
        return ConstantTime.equal(cookie.toByteArray(), cookie(secret, slot, label, parties, nonce).toByteArray());
    }

    private static Octets cookie(Octets secret, long slot, byte[] label, byte[] parties, Octets nonce) {
        byte[] slotOctets = ByteBuffer.allocate(8).putLong(slot).array();
        return Octets.of(HmacSha256.truncatedMac(FieldLengths.COOKIE, secret.toByteArray(), label, slotOctets,
                parties, nonce.toByteArray()));
    }

    @Override
    public String toString() {
        return "StatelessCookies[rotated=" + previousSecret.isPresent() + "]";
    }
}
