package org.sacip.netlink.diag;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An inet_diag bytecode program the kernel runs on every socket during a dump, so only matching sockets are
 * copied out. Built from conditions combined with {@link #and} and {@link #or}, the way iproute2's ss compiles
 * its filters: each op's "no" jump of {@code remaining + 4} means "reject"; AND re-points those rejects of its
 * first part past the second part; OR puts an always-taken jump between the parts.
 */
public final class SocketFilter {
    private static final int INET_DIAG_BC_JMP = 1;
    private static final int INET_DIAG_BC_S_COND = 7;
    private static final int INET_DIAG_BC_D_COND = 8;
    private static final int INET_DIAG_BC_S_EQ = 11;
    private static final int INET_DIAG_BC_D_EQ = 12;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    /** The kernel caps a nested attribute at 64 KiB; stay well below. */
    private static final int MAX_LENGTH = 60_000;

    private final byte[] code;

    private SocketFilter(byte[] code) {
        if (code.length > MAX_LENGTH) {
            throw new IllegalArgumentException("socket filter of " + code.length + " bytes is too long");
        }
        this.code = code;
    }

    /** Local address within {@code prefixLength} bits of {@code address} (IPv4 also matches v4-mapped IPv6). */
    public static SocketFilter localPrefix(InetAddress address, int prefixLength) {
        return hostCondition(INET_DIAG_BC_S_COND, address, prefixLength);
    }

    public static SocketFilter localAddress(InetAddress address) {
        return localPrefix(address, address.getAddress().length * 8);
    }

    public static SocketFilter remotePrefix(InetAddress address, int prefixLength) {
        return hostCondition(INET_DIAG_BC_D_COND, address, prefixLength);
    }

    public static SocketFilter remoteAddress(InetAddress address) {
        return remotePrefix(address, address.getAddress().length * 8);
    }

    public static SocketFilter localPort(int port) {
        return portEquals(INET_DIAG_BC_S_EQ, port);
    }

    public static SocketFilter remotePort(int port) {
        return portEquals(INET_DIAG_BC_D_EQ, port);
    }

    /** Both must match. */
    public SocketFilter and(SocketFilter second) {
        byte[] first = code.clone();
        relocateRejects(first, second.code.length);
        return new SocketFilter(concat(first, second.code));
    }

    /** Either may match. */
    public SocketFilter or(SocketFilter second) {
        byte[] jump = op(INET_DIAG_BC_JMP, 4, second.code.length + 4);
        return new SocketFilter(concat(concat(code, jump), second.code));
    }

    /** The program, for the INET_DIAG_REQ_BYTECODE attribute. */
    byte[] bytecode() {
        return code.clone();
    }

    private static SocketFilter hostCondition(int opCode, InetAddress address, int prefixLength) {
        byte[] raw = address.getAddress();
        if (prefixLength < 0 || prefixLength > raw.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " for " + address.getHostAddress());
        }
        int length = 4 + 8 + raw.length;
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        buffer.put(op(opCode, length, length + 4));
        // struct inet_diag_hostcond: family, prefix_len, int port (-1: any port), address
        buffer.put((byte) (raw.length == 4 ? AF_INET : AF_INET6)).put((byte) prefixLength).putShort((short) 0);
        buffer.putInt(-1).put(raw);
        return new SocketFilter(buffer.array());
    }

    private static SocketFilter portEquals(int opCode, int port) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port);
        }
        // The port travels in the "no" field of a second, otherwise unused op.
        return new SocketFilter(concat(op(opCode, 8, 8 + 4), op(0, 0, port)));
    }

    private static byte[] op(int opCode, int yes, int no) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder())
                .put((byte) opCode).put((byte) yes).putShort((short) no).array();
    }

    /** Walks the ops by their "yes" length and re-points each reject (no == remaining + 4) further by reloc. */
    private static void relocateRejects(byte[] program, int reloc) {
        ByteBuffer buffer = ByteBuffer.wrap(program).order(ByteOrder.nativeOrder());
        int position = 0;
        while (position < program.length) {
            int remaining = program.length - position;
            int yes = Byte.toUnsignedInt(buffer.get(position + 1));
            int no = Short.toUnsignedInt(buffer.getShort(position + 2));
            if (no == remaining + 4) {
                buffer.putShort(position + 2, (short) (no + reloc));
            }
            position += yes;
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
