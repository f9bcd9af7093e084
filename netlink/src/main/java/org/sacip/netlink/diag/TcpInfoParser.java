package org.sacip.netlink.diag;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.sacip.netlink.NetlinkParseException;

/**
 * Reads struct tcp_info (host byte order) as long as the kernel sent it. The struct only ever grew at its end, so
 * the offsets below hold for every kernel; a field beyond the sent length is reported absent, and bytes beyond the
 * last field read here (newer kernels' additions) are ignored.
 */
final class TcpInfoParser {
    /** Through tcpi_total_retrans: the struct as Linux 2.6 already sent it. */
    static final int MINIMUM_LENGTH = 104;
    /** tcpi_retransmits, a byte after tcpi_state and tcpi_ca_state. */
    private static final int RETRANSMITS = 2;
    /** tcpi_backoff, a byte after tcpi_retransmits and tcpi_probes. */
    private static final int BACKOFF = 4;
    private static final int BYTES_ACKED = 120;
    private static final int BYTES_RECEIVED = 128;
    private static final int SEGS_OUT = 136;
    private static final int SEGS_IN = 140;
    private static final int MIN_RTT = 148;
    private static final int DATA_SEGS_IN = 152;
    private static final int DATA_SEGS_OUT = 156;
    /** tcp_min_rtt() before any sample: ~0U. */
    private static final long NO_SAMPLE = 0xffffffffL;

    private TcpInfoParser() {
    }

    static TcpInfo parse(ByteBuffer value) throws NetlinkParseException {
        ByteBuffer info = value.duplicate().order(ByteOrder.nativeOrder());
        int length = info.remaining();
        if (length < MINIMUM_LENGTH) {
            throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_LENGTH,
                    "tcp_info of " + length + " bytes, at least " + MINIMUM_LENGTH + " expected");
        }
        int base = info.position();
        TcpState state;
        try {
            state = TcpState.of(Byte.toUnsignedInt(info.get(base)));
        } catch (IllegalArgumentException e) {
            throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE, "tcp_info " + e.getMessage());
        }
        Fields fields = new Fields(info, base, length);
        long minRtt = fields.u32(MIN_RTT).orElse(NO_SAMPLE);
        return new TcpInfo(length, state, micros(fields.u32At(8)), micros(fields.u32At(68)), fields.u32At(24),
                fields.u32At(32), fields.u32At(36), fields.u32At(100), fields.u64(BYTES_ACKED),
                fields.u64(BYTES_RECEIVED), fields.u32(SEGS_OUT), fields.u32(SEGS_IN),
                minRtt == NO_SAMPLE ? Optional.empty() : Optional.of(micros(minRtt)), fields.u32(DATA_SEGS_IN),
                fields.u32(DATA_SEGS_OUT), fields.u8At(BACKOFF), fields.u8At(RETRANSMITS));
    }

    private static Duration micros(long value) {
        return Duration.ofNanos(value * 1000);
    }

    /** Unsigned fields at struct offsets, absent when the struct ends before them. */
    private record Fields(ByteBuffer info, int base, int length) {
        int u8At(int offset) {
            return Byte.toUnsignedInt(info.get(base + offset));
        }

        long u32At(int offset) {
            return Integer.toUnsignedLong(info.getInt(base + offset));
        }

        OptionalLong u32(int offset) {
            return offset + 4 <= length ? OptionalLong.of(u32At(offset)) : OptionalLong.empty();
        }

        /** 64-bit counters; the kernel's values stay far below 2^63. */
        OptionalLong u64(int offset) throws NetlinkParseException {
            if (offset + 8 > length) {
                return OptionalLong.empty();
            }
            long value = info.getLong(base + offset);
            if (value < 0) {
                throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE,
                        "tcp_info counter at offset " + offset + " exceeds 2^63");
            }
            return OptionalLong.of(value);
        }
    }
}
