package org.sacip.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sacip.protocol.message.Octets;

class OpeningProofTest {
    private static final Octets CLIENT_ISN = Octets.fromHex("fedcba98");
    private static final Octets SERVER_ISN = Octets.fromHex("00000001");
    private static final Octets QUESTION = Octets.fromHex("8000000000000001");
    private static final Octets ANSWER = Octets.fromHex("ffffffffffffffff");

    @Test
    void givesBackExactlyTheOctetsItWasGiven() {
        OpeningProof tcp = new OpeningProof(SessionProtocol.TCP, CLIENT_ISN, SERVER_ISN);
        assertEquals(CLIENT_ISN, tcp.ours());
        assertEquals(SERVER_ISN, tcp.theirs());
        OpeningProof udp = new OpeningProof(SessionProtocol.UDP, QUESTION, ANSWER);
        assertEquals(QUESTION, udp.ours());
        assertEquals(ANSWER, udp.theirs());
        assertEquals("OpeningProof[protocol=UDP, ours=" + QUESTION + ", theirs=" + ANSWER + "]", udp.toString());
    }

    @Test
    void matchesOnlyTheClaimWithTheSidesSwapped() {
        OpeningProof server = new OpeningProof(SessionProtocol.TCP, SERVER_ISN, CLIENT_ISN);
        assertTrue(server.matchesClaim(CLIENT_ISN, SERVER_ISN));
        assertFalse(server.matchesClaim(SERVER_ISN, CLIENT_ISN));
        assertFalse(server.matchesClaim(CLIENT_ISN, Octets.fromHex("00000002")));
    }

    @Test
    void equalityIsByProtocolAndBothParts() {
        OpeningProof one = new OpeningProof(SessionProtocol.TCP, CLIENT_ISN, SERVER_ISN);
        assertEquals(one, new OpeningProof(SessionProtocol.TCP, Octets.fromHex("fedcba98"), SERVER_ISN));
        assertEquals(one.hashCode(), new OpeningProof(SessionProtocol.TCP, CLIENT_ISN, SERVER_ISN).hashCode());
        assertNotEquals(one, new OpeningProof(SessionProtocol.TCP, SERVER_ISN, CLIENT_ISN));
        assertNotEquals(new OpeningProof(SessionProtocol.UDP, QUESTION, ANSWER),
                new OpeningProof(SessionProtocol.UDP, ANSWER, QUESTION));
    }

    @Test
    void refusesPartsOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> new OpeningProof(SessionProtocol.TCP, QUESTION, SERVER_ISN));
        assertThrows(IllegalArgumentException.class, () -> new OpeningProof(SessionProtocol.UDP, QUESTION, CLIENT_ISN));
    }
}
