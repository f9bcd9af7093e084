package org.sacip.protocol.message;

/** A message whose body ends with a truncated HMAC-SHA256 ({@link FieldLengths#MAC} octets). */
public sealed interface AuthenticatedMessage extends SacipMessage
        permits InitReply, InitConfirm, Rekey, AddressUpdate, UpdateAck, PathChallenge, PathResponse, Claim,
        ClaimReply, TunnelOpen, TunnelAccept {
    Octets mac();

    /** The same message with another MAC value (all zeros while the MAC is computed). */
    AuthenticatedMessage withMac(Octets mac);
}
