package org.sacip.protocol.message;

import java.util.Optional;

/** The two address families SACIP carries, with their wire code and the ICMP type used over them. */
public enum AddressFamily {
    IPV4(4, 4, 253),
    IPV6(6, 16, 200);

    private final int code;
    private final int addressLength;
    private final int icmpType;

    AddressFamily(int code, int addressLength, int icmpType) {
        this.code = code;
        this.addressLength = addressLength;
        this.icmpType = icmpType;
    }

    /** Value of the family octet in the address format. */
    public int code() {
        return code;
    }

    /** Significant octets of an address of this family. */
    public int addressLength() {
        return addressLength;
    }

    /** Experimental ICMP type that carries SACIP over this family (RFC 4727 for IPv4, RFC 4443 for IPv6). */
    public int icmpType() {
        return icmpType;
    }

    public static Optional<AddressFamily> fromCode(int code) {
        for (AddressFamily family : values()) {
            if (family.code == code) {
                return Optional.of(family);
            }
        }
        return Optional.empty();
    }
}
