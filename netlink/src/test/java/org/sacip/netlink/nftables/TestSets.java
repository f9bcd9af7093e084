package org.sacip.netlink.nftables;

import java.util.List;

/** The maps and sets of the test ruleset ({@code test-ruleset.nft}), a copy of the agent's. */
public final class TestSets {
    private TestSets() {
    }

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
    /** Peer's port translated on the wire: restore its source port inbound, set its destination port outbound. */
    public static final SetReference INPORT4 = portMap("inport4", ElementLayout.TUPLE_PORT_MAP_IPV4);
    public static final SetReference OUTPORT4 = portMap("outport4", ElementLayout.TUPLE_PORT_MAP_IPV4);
    public static final SetReference INPORT6 = portMap("inport6", ElementLayout.TUPLE_PORT_MAP_IPV6);
    public static final SetReference OUTPORT6 = portMap("outport6", ElementLayout.TUPLE_PORT_MAP_IPV6);
    /** Old local addresses kept on lo; new inbound TCP connections to them are refused. */
    public static final SetReference GHOSTS4 =
            new SetReference(NftFamily.INET, TABLE, "ghosts4", ElementLayout.ADDRESS_SET_IPV4);
    public static final SetReference GHOSTS6 =
            new SetReference(NftFamily.INET, TABLE, "ghosts6", ElementLayout.ADDRESS_SET_IPV6);
    /** Ghost addresses ARP must not answer for. */
    public static final SetReference ARP_GHOSTS4 =
            new SetReference(NftFamily.ARP, TABLE, "ghosts4", ElementLayout.ADDRESS_SET_IPV4);

    public static List<SetReference> all() {
        return List.of(IN4, INDST4, OUT4, OUTSRC4, IN6, INDST6, OUT6, OUTSRC6, INPORT4, OUTPORT4, INPORT6,
                OUTPORT6, GHOSTS4, GHOSTS6, ARP_GHOSTS4);
    }

    private static SetReference portMap(String name, ElementLayout layout) {
        return new SetReference(NftFamily.INET, TABLE, name, layout);
    }

    private static SetReference map4(String name) {
        return new SetReference(NftFamily.INET, TABLE, name, ElementLayout.TUPLE_MAP_IPV4);
    }

    private static SetReference map6(String name) {
        return new SetReference(NftFamily.INET, TABLE, name, ElementLayout.TUPLE_MAP_IPV6);
    }
}
