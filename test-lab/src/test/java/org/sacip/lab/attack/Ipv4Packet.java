package org.sacip.lab.attack;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

/** IPv4 packets carrying ICMP, built and taken apart by hand: the attacker controls every field. */
final class Ipv4Packet {
    private static final int HEADER = 20;
    private static final int ICMP = 1;

    private Ipv4Packet() {
    }

    /** An IPv4 packet with the given ICMP message, whose checksum is recomputed for this packet. */
    static byte[] icmp(Inet4Address source, Inet4Address destination, byte[] icmp) {
        byte[] message = icmp.clone();
        message[2] = 0;
        message[3] = 0;
        int checksum = checksum(message, 0, message.length);
        message[2] = (byte) (checksum >> 8);
        message[3] = (byte) checksum;
        ByteBuffer packet = ByteBuffer.allocate(HEADER + message.length);
        packet.put((byte) 0x45).put((byte) 0).putShort((short) (HEADER + message.length)).putShort((short) 0)
                .putShort((short) 0x4000).put((byte) 64).put((byte) ICMP).putShort((short) 0)
                .put(source.getAddress()).put(destination.getAddress()).put(message);
        byte[] bytes = packet.array();
        int headerChecksum = checksum(bytes, 0, HEADER);
        bytes[10] = (byte) (headerChecksum >> 8);
        bytes[11] = (byte) headerChecksum;
        return bytes;
    }

    /** The ICMP message of an IPv4 packet (from its header length on). */
    static byte[] payload(byte[] packet) {
        int headerLength = (packet[0] & 0x0f) * 4;
        int total = ((packet[2] & 0xff) << 8) | (packet[3] & 0xff);
        byte[] payload = new byte[Math.min(total, packet.length) - headerLength];
        System.arraycopy(packet, headerLength, payload, 0, payload.length);
        return payload;
    }

    static Inet4Address source(byte[] packet) {
        try {
            return (Inet4Address) java.net.InetAddress.getByAddress(java.util.Arrays.copyOfRange(packet, 12, 16));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static int checksum(byte[] data, int offset, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((data[offset + i] & 0xff) << 8) | (data[offset + i + 1] & 0xff);
        }
        if (length % 2 == 1) {
            sum += (data[offset + length - 1] & 0xff) << 8;
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
