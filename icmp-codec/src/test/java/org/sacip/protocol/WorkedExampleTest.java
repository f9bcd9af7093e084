package org.sacip.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The worked example of docs/PROTOCOL.md: the code produces these octets, and the document shows the same. */
class WorkedExampleTest {
    private static final Path DOCUMENT = Path.of("..", "docs", "PROTOCOL.md");

    private final WorkedExample example;

    WorkedExampleTest() throws SacipProtocolException {
        example = new WorkedExample();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void derivedKeysAreTheDocumentedOnes() {
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
    void messagesAreTheDocumentedOctets() {
        assertEquals("fd0033335341434901010000000102030405060708090a0b0c0d0e0f00000000000000000000000000000000",
                hex(example.hello));
        assertEquals("fd005fbc5341434901020000000102030405060708090a0b0c0d0e0f74dd612110b6488ea433cd84aa098870",
                hex(example.cookie));
        assertEquals("fd0004d85341434901030000000102030405060708090a0b0c0d0e0f74dd612110b6488ea433cd84aa098870"
                + "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a00000000000000000000000000000000",
                hex(example.init));
        assertEquals("fd0008035341434901040000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                + "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4fda9967731ac56e9c80348456666ae084",
                hex(example.initReply));
        assertEquals("fd0080385341434901050000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                + "d449d331ebe2adcef8dd692b5719ffe5", hex(example.initConfirm));
        assertEquals("fd00fb665341434901070000a5197b14bfa90379000000000000000104000000c6120001000000000000000000000000"
                + "04000000c6130001000000000000000000000000e354ec57a85bc02ee9de4b35e609a536", hex(example.update));
        assertEquals("fd00e3725341434901090000a5197b14bfa90379a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
                + "98b1934c4847e754aed53499ecf03b68", hex(example.challenge));
        assertEquals("fd00e03d53414349010a0000a5197b14bfa90379a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
                + "a4918d5ff5a50441b867eb4c024e98bb", hex(example.response));
        assertEquals("fd002a225341434901080000a5197b14bfa90379000000000000000104000000c6120001000000000000000000000000"
                + "04000000c613000100000000000000000000000039f03713a128087713ca3450e30e8403", hex(example.ack));
    }

    @Test
    void documentShowsTheSameOctets() throws IOException {
        String document = Files.readString(DOCUMENT);
        byte[][] messages = {example.hello, example.cookie, example.init, example.initReply, example.initConfirm,
                example.update, example.challenge, example.response, example.ack};
        for (byte[] message : messages) {
            assertTrue(document.contains(WorkedExample.dump(message)),
                    "PROTOCOL.md lacks the dump\n" + WorkedExample.dump(message));
        }
        for (String value : new String[] {example.initiatorKeys.initiatorToResponder().toHex(),
                example.initiatorKeys.responderToInitiator().toHex(), example.initiatorKeys.keyId().toHex(),
                example.initiatorKeys.renewalSecret().toHex()}) {
            assertTrue(document.contains(value), "PROTOCOL.md lacks " + value);
        }
    }
}
