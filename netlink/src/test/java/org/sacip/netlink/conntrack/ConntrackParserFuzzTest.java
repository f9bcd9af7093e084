package org.sacip.netlink.conntrack;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.fixtures.FuzzInput;

/** The ctnetlink flow, entry and event parsers on any bytes: values or NetlinkParseException only. */
class ConntrackParserFuzzTest {
    static final List<String> EVENT_FIXTURES = List.of("ctnetlink-event-new-tcp",
            "ctnetlink-event-update-tcp-established", "ctnetlink-event-destroy-tcp-counters",
            "ctnetlink-get-udp-ipv6-counters-mark");

    @FuzzTest(maxDuration = "120s")
    void flowParserFailsOnlyWithTypedErrors(byte[] input) {
        for (NetlinkMessage message : FuzzInput.messages(input)) {
            try {
                ConntrackMessageParser.parse(message);
            } catch (NetlinkParseException expected) {
                // typed refusal
            }
        }
    }

    @FuzzTest(maxDuration = "120s")
    void eventParserFailsOnlyWithTypedErrors(byte[] input) {
        for (NetlinkMessage message : FuzzInput.messages(input)) {
            try {
                ConntrackEntryParser.event(message);
            } catch (NetlinkParseException expected) {
                // typed refusal
            }
        }
    }
}
