package org.sacip.protocol.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

class SequenceAcceptorTest {
    private static final SacipAddress ORIGINAL = SacipAddress.parse("198.18.3.1");
    private static final SacipAddress FIRST_MOVE = SacipAddress.parse("198.18.3.2");
    private static final SacipAddress SECOND_MOVE = SacipAddress.parse("198.18.3.3");

    private static AddressUpdate update(long sequence, SacipAddress current) {
        return new AddressUpdate(Octets.zeros(8), sequence, ORIGINAL, current, Octets.zeros(16));
    }

    @Test
    void risingNumbersAreNewAndGapsAreAllowed() throws SacipProtocolException {
        SequenceAcceptor acceptor = new SequenceAcceptor();
        assertEquals(SequenceVerdict.NEW, acceptor.accept(update(1, FIRST_MOVE)));
        assertEquals(SequenceVerdict.NEW, acceptor.accept(update(5, SECOND_MOVE)));
        assertEquals(SequenceVerdict.NEW, acceptor.accept(update(6, ORIGINAL)));
    }

    @Test
    void duplicateOfLastIsAcknowledgedAgainAsOftenAsItComes() throws SacipProtocolException {
        SequenceAcceptor acceptor = new SequenceAcceptor();
        acceptor.accept(update(3, FIRST_MOVE));
        for (int i = 0; i < 3; i++) {
            assertEquals(SequenceVerdict.DUPLICATE_OF_LAST, acceptor.accept(update(3, FIRST_MOVE)));
        }
        assertEquals(3, acceptor.lastSequence());
    }

    @Test
    void sameNumberWithOtherAddressesIsRejected() throws SacipProtocolException {
        SequenceAcceptor acceptor = new SequenceAcceptor();
        acceptor.accept(update(3, FIRST_MOVE));
        SacipProtocolException e = assertThrows(SacipProtocolException.class,
                () -> acceptor.accept(update(3, SECOND_MOVE)));
        assertEquals(Reason.CONFLICTING_DUPLICATE, e.reason());
    }

    @Test
    void olderThanLastIsRejectedEvenIfItWasAcceptedOnce() throws SacipProtocolException {
        SequenceAcceptor acceptor = new SequenceAcceptor();
        acceptor.accept(update(1, FIRST_MOVE));
        acceptor.accept(update(2, SECOND_MOVE));
        SacipProtocolException e = assertThrows(SacipProtocolException.class,
                () -> acceptor.accept(update(1, FIRST_MOVE)));
        assertEquals(Reason.STALE_SEQUENCE, e.reason());
    }

    @Test
    void numbersAreUnsigned64Bit() throws SacipProtocolException {
        SequenceAcceptor acceptor = new SequenceAcceptor();
        acceptor.accept(update(Long.MAX_VALUE, FIRST_MOVE));
        assertEquals(SequenceVerdict.NEW, acceptor.accept(update(Long.MIN_VALUE, SECOND_MOVE)), "2^63 > 2^63 - 1");
        assertEquals(SequenceVerdict.NEW, acceptor.accept(update(-1L, FIRST_MOVE)), "2^64 - 1 is the largest");
        assertThrows(SacipProtocolException.class, () -> acceptor.accept(update(Long.MAX_VALUE, FIRST_MOVE)));
    }

    @Test
    void counterStartsAtOneAndStopsBeforeWrapping() {
        SequenceCounter counter = new SequenceCounter();
        assertEquals(1, counter.next());
        assertEquals(2, counter.next());
        SequenceCounter nearEnd = new SequenceCounter(-2L);
        assertEquals(-1L, nearEnd.next());
        assertThrows(IllegalStateException.class, nearEnd::next);
    }
}
