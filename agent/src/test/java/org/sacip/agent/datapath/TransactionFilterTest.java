package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.nftables.NfTablesEvent;
import org.sacip.netlink.nftables.NftFamily;

/** The guard restores after others' removals in our table, never after its own process's transactions. */
class TransactionFilterTest {
    private static final long OWN_PID = 4242;
    private static final NfTablesEvent OUR_TABLE_DELETED = new NfTablesEvent.TableChanged(NfTablesEvent.Change.DELETED,
            NftFamily.INET, "sacip");
    private static final NfTablesEvent OTHER_TABLE_DELETED = new NfTablesEvent.TableChanged(
            NfTablesEvent.Change.DELETED, NftFamily.INET, "firewall");

    private final DataPathGuard.TransactionFilter filter = new DataPathGuard.TransactionFilter(OWN_PID);

    @Test
    void aForeignRemovalNeedsARestore() {
        assertTrue(filter.needsRestore(List.of(OUR_TABLE_DELETED, new NfTablesEvent.Generation(7, 99, "nft"))));
    }

    @Test
    void ourOwnRemovalsDoNot() {
        assertFalse(filter.needsRestore(List.of(OUR_TABLE_DELETED, new NfTablesEvent.Generation(7, 4242, "java"))));
    }

    @Test
    void removalsOfOtherTablesDoNot() {
        assertFalse(filter.needsRestore(List.of(OTHER_TABLE_DELETED, new NfTablesEvent.Generation(7, 99, "nft"))));
    }

    @Test
    void aTransactionSplitAcrossPollsIsJudgedWhenItEnds() {
        assertFalse(filter.needsRestore(List.of(OUR_TABLE_DELETED)));
        assertTrue(filter.needsRestore(List.of(new NfTablesEvent.Generation(8, 99, "nft"))));
        assertFalse(filter.needsRestore(List.of(new NfTablesEvent.Generation(9, 99, "nft"))), "judged once");
    }
}
