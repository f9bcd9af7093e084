package org.sacip.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import org.sacip.netlink.fixtures.KernelFixtures;
import org.sacip.netlink.fixtures.TruncationCheck;

/** NLMSG_ERROR as the kernel sent it (fixture captured by CaptureKernelFixtures, NETLINK_EXT_ACK and CAP_ACK on). */
class NetlinkErrorFixtureTest {

    @Test
    void extendedAckMessageAndErrnoNameAreDecoded() throws Exception {
        NetlinkMessage message = KernelFixtures.message("error-extack-unknown-kind");
        assertEquals(NetlinkConstants.NLMSG_ERROR, message.type());
        NetlinkErrorMessage error = NetlinkErrorMessage.parse(message);
        assertFalse(error.isAck());
        NetlinkErrorException exception = error.toException();
        assertEquals("EOPNOTSUPP", exception.errnoName());
        assertEquals("Unknown device type", exception.extendedAckMessage().orElseThrow());
        assertEquals(message.sequence(), exception.sequence());
    }

    @Test
    void everyTruncationIsATypedError() {
        TruncationCheck.everyTruncation(KernelFixtures.bytes("error-extack-unknown-kind"),
                NetlinkErrorMessage::parse);
    }
}
