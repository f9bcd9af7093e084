package org.sacip.netlink.nftables;

/**
 * A change the kernel announced on the nf_tables multicast group. Every transaction ends with a
 * {@link Generation} event. Deleting a table announces its rules, sets and chains first, then the table.
 */
public sealed interface NfTablesEvent {
    enum Change { ADDED, DELETED }

    record TableChanged(Change change, NftFamily family, String table) implements NfTablesEvent {
    }

    record ChainChanged(Change change, NftFamily family, String table, String chain) implements NfTablesEvent {
    }

    record RuleChanged(Change change, NftFamily family, String table, String chain, long handle)
            implements NfTablesEvent {
    }

    record SetChanged(Change change, NftFamily family, String table, String set) implements NfTablesEvent {
    }

    /** Elements added to or deleted from a set or map ({@code nft flush map} deletes each element). */
    record ElementsChanged(Change change, ElementList elements) implements NfTablesEvent {
    }

    /** The end of one committed transaction; {@code processName} and {@code processId} say who made it. */
    record Generation(long id, int processId, String processName) implements NfTablesEvent {
    }

    /** True when this event removes the given table: the agent must reload its ruleset and re-add its elements. */
    default boolean deletesTable(NftFamily family, String table) {
        return this instanceof TableChanged changed && changed.change() == Change.DELETED
                && changed.family() == family && changed.table().equals(table);
    }
}
