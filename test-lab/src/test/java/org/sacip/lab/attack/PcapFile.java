package org.sacip.lab.attack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the IPv4 packets of a classic pcap file written by tcpdump on an Ethernet interface. */
final class PcapFile {
    private static final int ETHERNET = 1;
    private static final int ETHERTYPE_IPV4 = 0x0800;

    private PcapFile() {
    }

    static List<byte[]> ipv4Packets(Path file) throws IOException {
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(file));
        if (data.remaining() < 24) {
            return List.of();
        }
        int magic = data.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            data.order(ByteOrder.BIG_ENDIAN);
        }
        int linkType = data.getInt(20);
        if (linkType != ETHERNET) {
            throw new IOException(file + ": link type " + linkType + ", expected Ethernet");
        }
        List<byte[]> packets = new ArrayList<>();
        int position = 24;
        while (position + 16 <= data.limit()) {
            int captured = data.getInt(position + 8);
            int start = position + 16;
            if (captured < 0 || start + captured > data.limit()) {
                break;
            }
            if (captured > 34 && (((data.get(start + 12) & 0xff) << 8) | (data.get(start + 13) & 0xff))
                    == ETHERTYPE_IPV4) {
                byte[] packet = new byte[captured - 14];
                data.get(start + 14, packet);
                packets.add(packet);
            }
            position = start + captured;
        }
        return packets;
    }
}
