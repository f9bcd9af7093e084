package org.sacip.netlink.nftables;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.sacip.netlink.NetlinkParseException;

/**
 * How the elements of one kind of set sit in the kernel's key and data registers. nf_tables stores each part of a
 * concatenated key in its own 32-bit register words, so {@code meta l4proto} (1 byte) and the ports (2 bytes,
 * network order) are each followed by zero padding up to 4 bytes; addresses are in network order. A map's value is
 * an address or, for a port map, 2 bytes of port in network order (the data attribute is padded to 4 bytes like
 * any netlink attribute, its stated length is 2).
 */
public enum ElementLayout {
    /** {@code ip saddr . ip daddr . meta l4proto . th sport . th dport : ipv4_addr}. */
    TUPLE_MAP_IPV4(4, Value.ADDRESS, true),
    /** {@code ip6 saddr . ip6 daddr . meta l4proto . th sport . th dport : ipv6_addr}. */
    TUPLE_MAP_IPV6(16, Value.ADDRESS, true),
    /** {@code ip saddr . ip daddr . meta l4proto . th sport . th dport : inet_service} (a 2-byte port value). */
    TUPLE_PORT_MAP_IPV4(4, Value.PORT, true),
    /** {@code ip6 saddr . ip6 daddr . meta l4proto . th sport . th dport : inet_service}. */
    TUPLE_PORT_MAP_IPV6(16, Value.PORT, true),
    /** {@code ip saddr . ip daddr . meta l4proto . th sport . th dport} (a set, no values). */
    TUPLE_SET_IPV4(4, Value.NONE, true),
    /** {@code ip6 saddr . ip6 daddr . meta l4proto . th sport . th dport} (a set, no values). */
    TUPLE_SET_IPV6(16, Value.NONE, true),
    /** {@code type ipv4_addr}. */
    ADDRESS_SET_IPV4(4, Value.NONE, false),
    /** {@code type ipv6_addr}. */
    ADDRESS_SET_IPV6(16, Value.NONE, false);

    private static final int REGISTER = 4;
    /** An {@code inet_service} value: the kernel keeps the set's data length, 2 bytes, in network order. */
    private static final int PORT_LENGTH = 2;

    /** What a map element maps to. */
    private enum Value { NONE, ADDRESS, PORT }

    private final int addressLength;
    private final Value value;
    private final boolean map;
    private final boolean tupleKey;

    ElementLayout(int addressLength, Value value, boolean tupleKey) {
        this.addressLength = addressLength;
        this.value = value;
        this.map = value != Value.NONE;
        this.tupleKey = tupleKey;
    }

    public boolean isMap() {
        return map;
    }

    /** Whether the values of this map are ports ({@link PortMapElement}) rather than addresses. */
    public boolean mapsToPorts() {
        return value == Value.PORT;
    }

    /** Bytes of the key: two addresses and three padded registers for a tuple, one address for an address set. */
    public int keyLength() {
        return tupleKey ? 2 * addressLength + 3 * REGISTER : addressLength;
    }

    /** Bytes of the mapped value, 0 for a plain set. */
    public int dataLength() {
        return switch (value) {
            case NONE -> 0;
            case ADDRESS -> addressLength;
            case PORT -> PORT_LENGTH;
        };
    }

    /** Throws a clear error if this element cannot be stored in a set of this layout. */
    public void check(Element element) {
        if (element instanceof MapElement mapElement) {
            if (value != Value.ADDRESS || !isOwnVersion(mapElement.key().source())) {
                throw new IllegalArgumentException("map element " + element + " does not fit a set of " + this);
            }
        } else if (element instanceof PortMapElement portElement) {
            if (value != Value.PORT || !isOwnVersion(portElement.key().source())) {
                throw new IllegalArgumentException("port map element " + element + " does not fit a set of "
                        + this);
            }
        } else if (element instanceof TupleElement tuple) {
            if (map || !tupleKey || !isOwnVersion(tuple.key().source())) {
                throw new IllegalArgumentException("tuple " + element + " does not fit a set of " + this);
            }
        } else if (element instanceof AddressElement address) {
            if (map || tupleKey || !isOwnVersion(address.address())) {
                throw new IllegalArgumentException("address " + element + " does not fit a set of " + this);
            }
        }
    }

    /** Writes the key bytes of a checked element. */
    void writeKey(Element element, ByteBuffer out) {
        if (element instanceof MapElement mapElement) {
            writeTuple(mapElement.key(), out);
        } else if (element instanceof PortMapElement portElement) {
            writeTuple(portElement.key(), out);
        } else if (element instanceof TupleElement tuple) {
            writeTuple(tuple.key(), out);
        } else if (element instanceof AddressElement address) {
            out.put(address.address().getAddress());
        }
    }

    private static void writeTuple(TupleKey key, ByteBuffer out) {
        out.put(key.source().getAddress());
        out.put(key.destination().getAddress());
        out.put((byte) key.protocol()).put((byte) 0).put((byte) 0).put((byte) 0);
        putPort(key.sourcePort(), out);
        putPort(key.destinationPort(), out);
    }

    private static void putPort(int port, ByteBuffer out) {
        out.put((byte) (port >>> 8)).put((byte) port).put((byte) 0).put((byte) 0);
    }

    /** Writes the mapped value of a checked map element; nothing for a set element. */
    void writeData(Element element, ByteBuffer out) {
        if (element instanceof MapElement mapElement) {
            out.put(mapElement.address().getAddress());
        } else if (element instanceof PortMapElement portElement) {
            out.put((byte) (portElement.port() >>> 8)).put((byte) portElement.port());
        }
    }

    /**
     * The element whose key and data registers the kernel sent. Strict: wrong lengths, non-zero padding or a
     * missing or unexpected value are errors, so a set of another type is never misread as ours.
     */
    Element decode(byte[] key, byte[] data) throws NetlinkParseException {
        if (key.length != keyLength()) {
            throw bad("key of " + key.length + " bytes, " + this + " needs " + keyLength());
        }
        if (!map) {
            if (data != null) {
                throw bad("a set of " + this + " has no values, got " + data.length + " bytes");
            }
            return tupleKey ? new TupleElement(tuple(key)) : new AddressElement(address(key, 0));
        }
        if (data == null || data.length != dataLength()) {
            throw bad("value of " + (data == null ? "no" : String.valueOf(data.length)) + " bytes, " + this
                    + " needs " + dataLength());
        }
        if (value == Value.PORT) {
            return new PortMapElement(tuple(key), ((data[0] & 0xff) << 8) | (data[1] & 0xff));
        }
        return new MapElement(tuple(key), address(data, 0));
    }

    private TupleKey tuple(byte[] key) throws NetlinkParseException {
        ByteBuffer registers = ByteBuffer.wrap(key, 2 * addressLength, 3 * REGISTER);
        int protocolWord = registers.getInt();
        int sourcePortWord = registers.getInt();
        int destinationPortWord = registers.getInt();
        if ((protocolWord & 0x00ffffff) != 0 || (sourcePortWord & 0xffff) != 0
                || (destinationPortWord & 0xffff) != 0) {
            throw bad("padding bytes of the key are not zero");
        }
        return new TupleKey(address(key, 0), address(key, addressLength), protocolWord >>> 24,
                sourcePortWord >>> 16, destinationPortWord >>> 16);
    }

    private boolean isOwnVersion(InetAddress address) {
        return addressLength == 4 ? address instanceof Inet4Address : address instanceof Inet6Address;
    }

    private InetAddress address(byte[] bytes, int offset) throws NetlinkParseException {
        byte[] raw = new byte[addressLength];
        System.arraycopy(bytes, offset, raw, 0, addressLength);
        try {
            InetAddress address = InetAddress.getByAddress(raw);
            if (!isOwnVersion(address)) {
                // getByAddress turns an IPv4-mapped IPv6 address into an IPv4 one; keep the 16 bytes.
                return Inet6Address.getByAddress(null, raw, null);
            }
            return address;
        } catch (UnknownHostException e) {
            throw bad("address of " + raw.length + " bytes");
        }
    }

    private static NetlinkParseException bad(String message) {
        return new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE, message);
    }
}
