package org.sacip.lab.handover;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;

/**
 * What the kernel says one TCP socket sent so far ({@code ss -ti}): payload octets and data segments (retransmitted
 * ones included; a GSO packet counts as the segments it is cut into), and its MSS now. Two readings tell the average
 * payload of the segments sent between them: whether a bulk transfer goes in full-size segments.
 */
record SentSegments(long octets, long segments, int mss) {
    private static final Pattern OCTETS = Pattern.compile("\\bbytes_sent:(\\d+)");
    private static final Pattern SEGMENTS = Pattern.compile("\\bdata_segs_out:(\\d+)");
    private static final Pattern MSS = Pattern.compile("\\bmss:(\\d+)");

    /** The established socket in {@code host} whose {@code side} ("sport" or "dport") is {@code port}. */
    static SentSegments of(Lab lab, String host, String side, int port) {
        String info = lab.run(host, "ss", "-Htin", "state", "established", side, "=", ":" + port);
        Matcher mss = MSS.matcher(info);
        if (!mss.find()) {
            throw new LabException("no TCP socket with " + side + " " + port + " in " + host + ": " + info);
        }
        return new SentSegments(count(OCTETS, info), count(SEGMENTS, info), Integer.parseInt(mss.group(1)));
    }

    private static long count(Pattern pattern, String info) {
        Matcher matcher = pattern.matcher(info);
        // ss leaves a counter out while it is 0.
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    /** Payload octets sent since {@code before}. */
    long octetsSince(SentSegments before) {
        return octets - before.octets;
    }

    /** The average payload of the data segments sent since {@code before}, in octets (0 if none was sent). */
    long averagePayloadSince(SentSegments before) {
        long sent = segments - before.segments;
        return sent == 0 ? 0 : octetsSince(before) / sent;
    }
}
