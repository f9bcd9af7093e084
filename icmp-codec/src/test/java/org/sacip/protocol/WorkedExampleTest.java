package org.sacip.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.codec.UdpDatagram;
import org.sacip.protocol.codec.UdpDecoder;
import org.sacip.protocol.codec.UdpEncoder;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.AuthenticatedMessage;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.tunnel.TunnelKeys;

/**
 * The worked example of docs/PROTOCOL.md: the code produces these octets (verifying every MAC on the way), and the
 * document shows exactly the same ones.
 */
class WorkedExampleTest {
    private static final Path DOCUMENT = Path.of("..", "docs", "PROTOCOL.md");

    private final WorkedExample example;
    private final UdpWorkedExample udp;
    private final TunnelWorkedExample tunnel;

    WorkedExampleTest() throws SacipProtocolException, SacipCodecException {
        example = new WorkedExample();
        udp = new UdpWorkedExample();
        tunnel = new TunnelWorkedExample();
    }

    @Test
    void firstKeysAreTheDocumentedOnes() {
        // Unchanged from version 1: the key schedule did not change, only the version octet of the messages.
        assertEquals("d761a0676f13dade76063e1c916ab197307facbe364331d44d4fb1572b70ce7f",
                example.initiatorKeys.initiatorToResponder().toHex());
        assertEquals("1196a440f4ab7d43a3ef5b7ae7e77117049bd39c46d96f7fd42f557403ba0564",
                example.initiatorKeys.responderToInitiator().toHex());
        assertEquals("a5197b14bfa90379", example.initiatorKeys.keyId().toHex());
        assertEquals("713bf7cbe6655399e4ff80b87f53cc5d0980dbb7910bb03c8cc059863513de73",
                example.initiatorKeys.renewalSecret().toHex());
        assertEquals(example.initiatorKeys, example.responderKeys, "both sides derive the same keys");
    }

    @Test
    void renewedKeysStayBoundToTheOriginalAddresses() {
        assertEquals(WorkedExample.A, example.renewedKeys.initiatorAddress());
        assertEquals(WorkedExample.B, example.renewedKeys.responderAddress());
        assertTrue(!example.renewedKeys.keyId().equals(example.initiatorKeys.keyId()), "a new key id");
    }

    @Test
    void everyMessageDecodesAtItsAddressesToTheSameOctets() throws SacipCodecException {
        for (WorkedExample.Step step : example.steps()) {
            SacipMessage decoded = SacipDecoder.decode(step.icmp(), step.source(), step.destination());
            assertArrayEquals(step.icmp(), SacipEncoder.encode(decoded, step.source(), step.destination()),
                    step.name());
        }
    }

    @Test
    void theUdpExampleDerivesTheKeysOfTheFirstHandshake() {
        assertEquals(example.initiatorKeys, udp.initiatorKeys, "IA and RA are the stated addresses, as in 11.1");
        assertEquals(udp.initiatorKeys, udp.responderKeys, "B derives from the INIT's stated endpoints");
    }

    @Test
    void everyUdpDatagramDecodesWhereItArrivesAndItsMacVerifies() throws SacipCodecException {
        for (UdpWorkedExample.Datagram d : udp.datagrams()) {
            UdpDatagram decoded = UdpDecoder.decode(d.payload(), d.observedSource().address(),
                    d.observedDestination().address());
            assertEquals(d.stated(), decoded.envelope(), d.name());
            assertArrayEquals(d.payload(), UdpEncoder.encode(decoded.message(), decoded.envelope()), d.name());
            if (decoded.message() instanceof AuthenticatedMessage m) {
                SessionKeys keys = d.stated().statedSource().equals(UdpWorkedExample.A) ? udp.responderKeys
                        : udp.initiatorKeys;
                Octets key = d.stated().statedSource().equals(UdpWorkedExample.A) ? keys.initiatorToResponder()
                        : keys.responderToInitiator();
                assertTrue(MessageAuthenticator.isValid(m, key, decoded.envelope()), d.name());
            }
        }
        UdpDatagram cookie = UdpDecoder.decode(udp.datagrams().get(1).payload(), WorkedExample.B,
                WorkedExample.A);
        assertTrue(cookie.envelope().destinationTranslated(UdpWorkedExample.A), "A learns it is behind a NAT");
        assertEquals(UdpWorkedExample.A_PUBLIC, cookie.envelope().statedDestination());
    }

    @Test
    void bothEncodingsOfAZeroChecksumAreAccepted() throws SacipCodecException {
        assertEquals(0, example.zeroChecksumHello[2] | example.zeroChecksumHello[3], "senders write 0x0000");
        SacipMessage zero = SacipDecoder.decode(example.zeroChecksumHello, WorkedExample.A, WorkedExample.B);
        SacipMessage ones = SacipDecoder.decode(example.onesChecksumHello, WorkedExample.A, WorkedExample.B);
        assertEquals(zero, ones);
        assertArrayEquals(example.zeroChecksumHello, SacipEncoder.encode(ones, WorkedExample.A, WorkedExample.B));
    }

    @Test
    void documentShowsTheSameOctets() throws IOException {
        String document = Files.readString(DOCUMENT);
        List<String> missing = new ArrayList<>();
        for (WorkedExample.Step step : example.steps()) {
            if (!document.contains(WorkedExample.dump(step.icmp()))) {
                missing.add(step.name() + "\n" + WorkedExample.dump(step.icmp()));
            }
        }
        for (UdpWorkedExample.Datagram d : udp.datagrams()) {
            if (!document.contains(WorkedExample.dump(d.payload()))) {
                missing.add(d.name() + "\n" + WorkedExample.dump(d.payload()));
            }
        }
        for (byte[] hello : new byte[][] {example.zeroChecksumHello, example.onesChecksumHello}) {
            if (!document.contains(WorkedExample.dump(hello))) {
                missing.add("checksum pair\n" + WorkedExample.dump(hello));
            }
        }
        List<String> values = new ArrayList<>(List.of(example.cookie.toHex(), example.ipv6Cookie.toHex(),
                example.tcpProof.toHex(), example.udpDigestA.toHex(), example.udpDigestB.toHex(),
                example.zeroChecksumNonce.toHex(), udp.cookie.toHex()));
        for (SessionKeys keys : List.of(example.initiatorKeys, example.renewedKeys, example.ipv6Keys)) {
            values.addAll(List.of(keys.initiatorToResponder().toHex(), keys.responderToInitiator().toHex(),
                    keys.keyId().toHex(), keys.renewalSecret().toHex()));
        }
        for (String value : values) {
            if (!document.contains(value)) {
                missing.add(value);
            }
        }
        assertEquals(List.of(), missing, "PROTOCOL.md lacks these values of the worked example");
    }

    @Test
    void theTunnelExampleDerivesItsKeysFromTheFirstKeysRenewalSecret() {
        assertEquals(TunnelKeys.derive(example.initiatorKeys.renewalSecret(),
                example.initiatorKeys.keyId(), TunnelWorkedExample.OPENER_NONCE, TunnelWorkedExample.ACCEPTER_NONCE),
                tunnel.keys);
        assertEquals(116, tunnel.open.length);
        assertEquals(tunnel.open.length, tunnel.accept.length, "an accept never amplifies");
        assertEquals(80, tunnel.first.length);
        assertEquals(40, tunnel.firstBack.length);
    }

    /** Section 15.9, and only it, shows the tunnel's values and datagrams. */
    @Test
    void section15ShowsTheTunnelsValuesAndOctets() throws IOException {
        String document = Files.readString(DOCUMENT);
        int start = document.indexOf("\n## 15. Carrying sessions through a NAT\n");
        assertTrue(start > 0, "PROTOCOL.md has no section 15");
        int end = document.indexOf("\n## ", start + 1);
        String section = document.substring(start, end < 0 ? document.length() : end);
        String example15 = section.substring(section.indexOf("### 15.9"));
        List<String> missing = new ArrayList<>();
        for (TunnelWorkedExample.Datagram d : tunnel.datagrams()) {
            if (!example15.contains(WorkedExample.dump(d.payload()))) {
                missing.add(d.name() + "\n" + WorkedExample.dump(d.payload()));
            }
        }
        List<String> values = List.of(tunnel.keys.tunnelIdHex(), tunnel.keys.openerToAccepter().toHex(),
                tunnel.keys.accepterToOpener().toHex(), TunnelWorkedExample.OPENER_NONCE.toHex(),
                TunnelWorkedExample.ACCEPTER_NONCE.toHex(), Octets.of(TunnelWorkedExample.INNER_PACKET).toHex(),
                example.initiatorKeys.keyId().toHex(), example.initiatorKeys.renewalSecret().toHex(),
                Octets.of("SACIP v2 tunnel".getBytes(StandardCharsets.US_ASCII)).toHex()
                        + example.initiatorKeys.keyId().toHex());
        for (String value : values) {
            if (!example15.contains("`" + value + "`")) {
                missing.add(value);
            }
        }
        assertEquals(List.of(), missing, "PROTOCOL.md section 15.9 lacks these values of the tunnel example");
    }
}
