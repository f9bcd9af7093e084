package org.sacip.agent.datapath;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.TupleKey;

/**
 * The path MTU error parser on any bytes: an error or a PathMtuErrorException; any other exception, hang or huge
 * allocation is a finding. Whatever it reads, the relay's copy of it for another socket with the quoted ports must
 * read back as the same error quoting that socket's tuple (so the copy is as whole and valid as what came in). Seeds
 * are the errors a real router sent (the fixtures of {@link PathMtuErrorTest}).
 */
class PathMtuErrorFuzzTest {
    private static final InetAddress LOCAL4 = Addresses.parse("198.18.1.99");
    private static final InetAddress REMOTE4 = Addresses.parse("198.18.2.99");
    private static final InetAddress LOCAL6 = Addresses.parse("2001:db8:1::99");
    private static final InetAddress REMOTE6 = Addresses.parse("2001:db8:2::99");

    @FuzzTest(maxDuration = "120s")
    void parserFailsOnlyWithTypedErrors(byte[] input) {
        PathMtuError error;
        try {
            error = PathMtuError.parse(input);
        } catch (PathMtuErrorException expected) {
            return;
        }
        TupleKey quoted = error.quoted();
        InetAddress local = quoted.isIpv4() ? LOCAL4 : LOCAL6;
        InetAddress remote = quoted.isIpv4() ? REMOTE4 : REMOTE6;
        SessionTuple socket = new SessionTuple(quoted.protocol() == TupleKey.TCP ? SessionProtocol.TCP
                : SessionProtocol.UDP, new Endpoint(local, quoted.sourcePort()),
                new Endpoint(remote, quoted.destinationPort()));
        PathMtuError copy;
        try {
            copy = PathMtuError.parse(error.towards(socket));
        } catch (PathMtuErrorException e) {
            throw new AssertionError("the relayed copy of " + error + " is refused: " + e.getMessage(), e);
        }
        TupleKey expected = new TupleKey(local, remote, quoted.protocol(), quoted.sourcePort(),
                quoted.destinationPort());
        if (!copy.quoted().equals(expected) || !copy.destination().equals(local) || copy.mtu() != error.mtu()
                || !copy.reporter().equals(error.reporter())) {
            throw new AssertionError("the relayed copy of " + error + " reads as " + copy);
        }
    }
}
