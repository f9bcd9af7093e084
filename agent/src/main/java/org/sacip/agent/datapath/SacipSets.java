package org.sacip.agent.datapath;

import java.util.List;
import org.sacip.netlink.nftables.ElementLayout;
import org.sacip.netlink.nftables.NftFamily;
import org.sacip.netlink.nftables.SetReference;

/** The maps and sets of the SACIP ruleset ({@code sacip.nft}), whose elements the agent changes. */
public final class SacipSets {
    public static final String TABLE = "sacip";

    /** Peer moved: restore its old source on inbound packets. */
    public static final SetReference IN4 = map4("in4");
    /** We moved: restore our old destination on inbound packets. */
    public static final SetReference INDST4 = map4("indst4");
    /** Peer moved: send to its new address. */
    public static final SetReference OUT4 = map4("out4");
    /** We moved: send from our new address. */
    public static final SetReference OUTSRC4 = map4("outsrc4");
    public static final SetReference IN6 = map6("in6");
    public static final SetReference INDST6 = map6("indst6");
    public static final SetReference OUT6 = map6("out6");
    public static final SetReference OUTSRC6 = map6("outsrc6");
    /** The peer's port was translated on the path our socket knows: restore it on inbound packets. */
    public static final SetReference INPORT4 = portMap4("inport4");
    /** The peer's port was translated on the path our socket knows: send to its port on the wire. */
    public static final SetReference OUTPORT4 = portMap4("outport4");
    public static final SetReference INPORT6 = portMap6("inport6");
    public static final SetReference OUTPORT6 = portMap6("outport6");
    /** Active ghosts: old local addresses kept on lo that serve only the sessions holding them. */
    public static final SetReference GHOSTS4 =
            new SetReference(NftFamily.INET, TABLE, "ghosts4", ElementLayout.ADDRESS_SET_IPV4);
    public static final SetReference GHOSTS6 =
            new SetReference(NftFamily.INET, TABLE, "ghosts6", ElementLayout.ADDRESS_SET_IPV6);
    /** The inbound tuples (as sockets see them) of the sessions holding active ghosts. */
    public static final SetReference GHOST_FLOWS4 = tuples4("ghostflows4");
    public static final SetReference GHOST_FLOWS6 = tuples6("ghostflows6");
    /** Pre-move wire tuples of sessions whose peer moved, dropped once the grace period is over. */
    public static final SetReference STALE4 = tuples4("stale4");
    public static final SetReference STALE6 = tuples6("stale6");
    /** Sessions carried through the tunnel, by the tuple this host's socket knows. */
    public static final SetReference CARRIED4 = tuples4("carried4");
    /** Ghost addresses ARP must not answer for. */
    public static final SetReference ARP_GHOSTS4 =
            new SetReference(NftFamily.ARP, TABLE, "ghosts4", ElementLayout.ADDRESS_SET_IPV4);

    private SacipSets() {
    }

    public static List<SetReference> all() {
        return List.of(IN4, INDST4, OUT4, OUTSRC4, IN6, INDST6, OUT6, OUTSRC6, INPORT4, OUTPORT4, INPORT6,
                OUTPORT6, GHOSTS4, GHOSTS6, GHOST_FLOWS4, GHOST_FLOWS6, STALE4, STALE6, CARRIED4, ARP_GHOSTS4);
    }

    private static SetReference map4(String name) {
        return new SetReference(NftFamily.INET, TABLE, name, ElementLayout.TUPLE_MAP_IPV4);
    }

    private static SetReference map6(String name) {
        return new SetReference(NftFamily.INET, TABLE, name, ElementLayout.TUPLE_MAP_IPV6);
    }

    private static SetReference portMap4(String name) {
        return new SetReference(NftFamily.INET, TABLE, name, ElementLayout.TUPLE_PORT_MAP_IPV4);
    }

    private static SetReference portMap6(String name) {
        return new SetReference(NftFamily.INET, TABLE, name, ElementLayout.TUPLE_PORT_MAP_IPV6);
    }

    private static SetReference tuples4(String name) {
        return new SetReference(NftFamily.INET, TABLE, name, ElementLayout.TUPLE_SET_IPV4);
    }

    private static SetReference tuples6(String name) {
        return new SetReference(NftFamily.INET, TABLE, name, ElementLayout.TUPLE_SET_IPV6);
    }
}
