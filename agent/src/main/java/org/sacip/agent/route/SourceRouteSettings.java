package org.sacip.agent.route;

/**
 * Where the agent's source routes live (docs/DATAPATH.md, "Source routes"): the routing tables it may use, one per
 * local address that carries sessions, and the first of its two rule priorities: {@code priority} holds the rule
 * {@code lookup main suppress_prefixlength 0}, {@code priority + 1} the rules {@code from X lookup TABLE}. Both
 * must come before the main table's rule (32766). Every rule and route the agent makes carries {@link #PROTOCOL}.
 *
 * @param firstTable the lowest table number the agent may use
 * @param lastTable  the highest (inclusive)
 * @param priority   the suppress rule's priority; the source rules take the next one
 */
public record SourceRouteSettings(long firstTable, long lastTable, long priority) {
    /** The protocol tag (FRA_PROTOCOL, rtm_protocol) of the agent's rules and routes: unassigned in rt_protos. */
    public static final int PROTOCOL = 93;
    public static final long DEFAULT_FIRST_TABLE = 9_361_000L;
    public static final long DEFAULT_LAST_TABLE = 9_361_255L;
    public static final long DEFAULT_PRIORITY = 32_700L;
    /** The priority of the kernel's rule that looks up the main table. */
    public static final long MAIN_RULE_PRIORITY = 32_766L;
    private static final long TABLE_DEFAULT = 253;
    private static final long TABLE_LOCAL = 255;

    public SourceRouteSettings {
        if (firstTable < 1 || lastTable > 0xffff_ffffL || firstTable > lastTable) {
            throw new IllegalArgumentException("table range " + firstTable + "-" + lastTable
                    + " is not a range within 1-4294967295");
        }
        if (firstTable <= TABLE_LOCAL && lastTable >= TABLE_DEFAULT) {
            throw new IllegalArgumentException("table range " + firstTable + "-" + lastTable
                    + " includes the kernel's tables default (253), main (254) or local (255)");
        }
        if (priority < 1 || priority + 1 >= MAIN_RULE_PRIORITY) {
            throw new IllegalArgumentException("rule priority " + priority + " must be 1.." + (MAIN_RULE_PRIORITY - 2)
                    + ": the agent's two rules must come before the main table's (" + MAIN_RULE_PRIORITY + ")");
        }
    }

    public static SourceRouteSettings defaults() {
        return new SourceRouteSettings(DEFAULT_FIRST_TABLE, DEFAULT_LAST_TABLE, DEFAULT_PRIORITY);
    }

    /** The priority of {@code lookup main suppress_prefixlength 0}. */
    public long suppressPriority() {
        return priority;
    }

    /** The priority of the rules {@code from X lookup TABLE}. */
    public long sourcePriority() {
        return priority + 1;
    }

    public boolean ownsTable(long table) {
        return table >= firstTable && table <= lastTable;
    }

    /** How many addresses can have a source route at once. */
    public long tables() {
        return lastTable - firstTable + 1;
    }
}
