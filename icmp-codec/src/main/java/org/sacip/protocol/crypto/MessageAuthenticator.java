package org.sacip.protocol.crypto;

import java.nio.ByteBuffer;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.SacipBodyWriter;
import org.sacip.protocol.message.AuthenticatedMessage;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * The SACIP MAC: HMAC-SHA256 under the sender's direction key over the outer source address, the outer
 * destination address (20-octet address format each) and the SACIP part of the message with the MAC field zeroed,
 * truncated to 16 octets. Binding the outer addresses means a message replayed from or to another address fails.
 */
public final class MessageAuthenticator {
    private MessageAuthenticator() {
    }

    public static Octets compute(AuthenticatedMessage message, Octets key, SacipAddress source,
            SacipAddress destination) {
        AuthenticatedMessage zeroed = message.withMac(Octets.zeros(FieldLengths.MAC));
        ByteBuffer covered = ByteBuffer.allocate(SacipBodyWriter.length(zeroed));
        SacipBodyWriter.write(zeroed, covered);
        return Octets.of(HmacSha256.truncatedMac(FieldLengths.MAC, key.toByteArray(),
                source.toWire(), destination.toWire(), covered.array()));
    }

    @SuppressWarnings("unchecked")
    public static <M extends AuthenticatedMessage> M sign(M message, Octets key, SacipAddress source,
            SacipAddress destination) {
        return (M) message.withMac(compute(message, key, source, destination));
    }

    public static boolean isValid(AuthenticatedMessage message, Octets key, SacipAddress source,
            SacipAddress destination) {
        return ConstantTime.equal(compute(message, key, source, destination).toByteArray(),
                message.mac().toByteArray());
    }

    public static void verify(AuthenticatedMessage message, Octets key, SacipAddress source,
            SacipAddress destination) throws SacipProtocolException {
        if (!isValid(message, key, source, destination)) {
            throw new SacipProtocolException(SacipProtocolException.Reason.BAD_MAC, message.kind() + " MAC does not verify");
        }
    }
}
