package org.sacip.protocol.crypto;

import java.nio.ByteBuffer;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.SacipBodyWriter;
import org.sacip.protocol.message.AuthenticatedMessage;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * The SACIP MAC: HMAC-SHA256 under the sender's direction key over the message's envelope and its SACIP part with
 * the MAC field zeroed, truncated to 16 octets. Over ICMP the envelope is the outer source and destination address
 * (20-octet format each), so a message replayed from or to another address fails; over UDP it is the framing header
 * and the stated endpoints, which a NAT does not rewrite (docs/PROTOCOL.md sections 5.3 and 13.3).
 */
public final class MessageAuthenticator {
    private MessageAuthenticator() {
    }

    public static Octets compute(AuthenticatedMessage message, Octets key, Envelope envelope) {
        AuthenticatedMessage zeroed = message.withMac(Octets.zeros(FieldLengths.MAC));
        ByteBuffer covered = ByteBuffer.allocate(SacipBodyWriter.length(zeroed));
        SacipBodyWriter.write(zeroed, covered);
        return Octets.of(HmacSha256.truncatedMac(FieldLengths.MAC, key.toByteArray(), envelope.macPrefix(),
                covered.array()));
    }

    /** The MAC of a message sent over ICMP from {@code source} to {@code destination}. */
    public static Octets compute(AuthenticatedMessage message, Octets key, SacipAddress source,
            SacipAddress destination) {
        return compute(message, key, new Envelope.Icmp(source, destination));
    }

    @SuppressWarnings("unchecked")
    public static <M extends AuthenticatedMessage> M sign(M message, Octets key, Envelope envelope) {
        return (M) message.withMac(compute(message, key, envelope));
    }

    public static <M extends AuthenticatedMessage> M sign(M message, Octets key, SacipAddress source,
            SacipAddress destination) {
        return sign(message, key, new Envelope.Icmp(source, destination));
    }

    public static boolean isValid(AuthenticatedMessage message, Octets key, Envelope envelope) {
        return ConstantTime.equal(compute(message, key, envelope).toByteArray(), message.mac().toByteArray());
    }

    public static boolean isValid(AuthenticatedMessage message, Octets key, SacipAddress source,
            SacipAddress destination) {
        return isValid(message, key, new Envelope.Icmp(source, destination));
    }

    public static void verify(AuthenticatedMessage message, Octets key, Envelope envelope)
            throws SacipProtocolException {
        if (!isValid(message, key, envelope)) {
            throw new SacipProtocolException(SacipProtocolException.Reason.BAD_MAC, message.kind() + " MAC does not verify");
        }
    }

    public static void verify(AuthenticatedMessage message, Octets key, SacipAddress source,
            SacipAddress destination) throws SacipProtocolException {
        verify(message, key, new Envelope.Icmp(source, destination));
    }
}
