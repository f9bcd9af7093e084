package org.sacip.netlink.nftables;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageParser;
import org.sacip.netlink.NetlinkParseException;

/** Byte fixtures captured from the real kernel by {@code fixtures/capture.sh} (strace of nft). */
final class Fixtures {
    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + name + " missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<NetlinkMessage> messages(String name) throws NetlinkParseException {
        return NetlinkMessageParser.parse(ByteBuffer.wrap(bytes(name)).order(ByteOrder.nativeOrder()));
    }
}
