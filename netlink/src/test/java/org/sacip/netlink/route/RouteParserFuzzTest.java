package org.sacip.netlink.route;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.fixtures.FuzzInput;

/**
 * Every rtnetlink parser (address, link, IPv4 devconf, route, neighbour, rule, and the link event tracker) is fed
 * every message, whatever its type: values or NetlinkParseException only. Seeds are captured kernel messages.
 */
class RouteParserFuzzTest {

    @FuzzTest(maxDuration = "120s")
    void rtnetlinkParsersFailOnlyWithTypedErrors(byte[] input) {
        LinkEventTracker tracker = new LinkEventTracker();
        for (NetlinkMessage message : FuzzInput.messages(input)) {
            attempt(() -> AddressMessageParser.parse(message));
            attempt(() -> tracker.onNewLink(LinkMessageParser.parse(message)));
            attempt(() -> RtnetlinkClient.Ipv4DeviceConfigParser.value(message, Ipv4DeviceSetting.ARP_ANNOUNCE));
            attempt(() -> RouteMessageParser.parse(message));
            attempt(() -> NeighbourMessageParser.parse(message).stateName());
            attempt(() -> RuleMessages.parse(message));
        }
    }

    private interface Parse {
        Object run() throws NetlinkException;
    }

    private static void attempt(Parse parse) {
        try {
            parse.run();
        } catch (NetlinkParseException expected) {
            // typed refusal
        } catch (NetlinkException other) {
            throw new AssertionError("parsers may only refuse with NetlinkParseException", other);
        }
    }
}
