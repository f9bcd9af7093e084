package org.sacip.agent.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.move.KernelFacts.LO;
import static org.sacip.agent.move.KernelFacts.added;
import static org.sacip.agent.move.KernelFacts.carrier;
import static org.sacip.agent.move.KernelFacts.address;
import static org.sacip.agent.move.KernelFacts.down;
import static org.sacip.agent.move.KernelFacts.ghost;
import static org.sacip.agent.move.KernelFacts.ip;
import static org.sacip.agent.move.KernelFacts.link;
import static org.sacip.agent.move.KernelFacts.removed;
import static org.sacip.agent.move.KernelFacts.up;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.route.AddressFlag;
import org.sacip.netlink.route.LinkEvent;
import org.sacip.netlink.route.LinkInfo;

class AddressTableTest {
    private static final LinkInfo ETH0 = link(2, "eth0", true);
    private static final LinkInfo ETH1 = link(3, "eth1", true);

    private static AddressTable tableWith(ManagedScope scope) {
        AddressTable table = new AddressTable(scope);
        List<AddressChange> initial = table.reset(List.of(LO, ETH0, ETH1),
                List.of(address(1, "127.0.0.1"), address(2, "198.18.0.1"), address(2, "2001:db8::1")));
        assertEquals(List.of(new AddressChange.Usable(ip("198.18.0.1"), 2),
                new AddressChange.Usable(ip("2001:db8::1"), 2)), initial, "loopback addresses are never usable");
        return table;
    }

    @Test
    void deletedAddressIsLostAsRemoved() {
        AddressTable table = tableWith(ManagedScope.everything());
        assertEquals(List.of(new AddressChange.Lost(ip("198.18.0.1"), 2, LossCause.REMOVED)),
                table.apply(removed(address(2, "198.18.0.1"))));
        assertFalse(table.isUsable(ip("198.18.0.1")));
    }

    @Test
    void linkDownLosesEveryAddressLeftOnItAndUpBringsThemBack() {
        AddressTable table = tableWith(ManagedScope.everything());
        assertEquals(List.of(new AddressChange.Lost(ip("198.18.0.1"), 2, LossCause.LINK_DOWN),
                new AddressChange.Lost(ip("2001:db8::1"), 2, LossCause.LINK_DOWN)), table.apply(down(ETH0)));
        assertTrue(table.isConfigured(ip("198.18.0.1")), "the address is still configured");
        assertEquals(List.of(new AddressChange.Usable(ip("198.18.0.1"), 2),
                new AddressChange.Usable(ip("2001:db8::1"), 2)), table.apply(up(ETH0)));
    }

    @Test
    void aLostCarrierLosesTheAddressesOfAnInterfaceThatStaysUpAndItsReturnBringsThemBack() {
        AddressTable table = tableWith(ManagedScope.everything());
        assertEquals(List.of(new AddressChange.Lost(ip("198.18.0.1"), 2, LossCause.CARRIER_LOST),
                new AddressChange.Lost(ip("2001:db8::1"), 2, LossCause.CARRIER_LOST)),
                table.apply(carrier(ETH0, false)));
        assertEquals(List.of(), table.apply(carrier(ETH0, false)), "no second loss for the same carrier");
        assertEquals(List.of(new AddressChange.Usable(ip("198.18.0.1"), 2),
                new AddressChange.Usable(ip("2001:db8::1"), 2)), table.apply(carrier(ETH0, true)));
    }

    @Test
    void anInterfaceThatNeverHadACarrierKeepsItsAddressesUsable() {
        AddressTable table = new AddressTable(ManagedScope.everything());
        LinkInfo bridge = new LinkInfo(4, "pool0", new byte[6], KernelFacts.ARPHRD_ETHER, true, false, 1500,
                "bridge");
        assertEquals(List.of(new AddressChange.Usable(ip("2001:db8:30::1"), 4)),
                table.reset(List.of(LO, bridge), List.of(address(4, "2001:db8:30::1"))));
        assertEquals(List.of(), table.apply(carrier(bridge, false)), "a port-less bridge: nothing was lost");
        assertTrue(table.isUsable(ip("2001:db8:30::1")));
    }

    @Test
    void tentativeAddressBecomesUsableOnlyWhenDadClears() {
        AddressTable table = tableWith(ManagedScope.everything());
        assertEquals(List.of(), table.apply(added(address(3, "2001:db8:1::2", AddressFlag.TENTATIVE))));
        assertFalse(table.isUsable(ip("2001:db8:1::2")));
        assertTrue(table.isConfigured(ip("2001:db8:1::2")));
        assertEquals(List.of(new AddressChange.Usable(ip("2001:db8:1::2"), 3)),
                table.apply(added(address(3, "2001:db8:1::2"))));
    }

    @Test
    void optimisticAddressIsUsableWhileTentative() {
        AddressTable table = tableWith(ManagedScope.everything());
        assertEquals(List.of(new AddressChange.Usable(ip("2001:db8:1::3"), 3)),
                table.apply(added(address(3, "2001:db8:1::3", AddressFlag.TENTATIVE, AddressFlag.OPTIMISTIC))));
    }

    @Test
    void dadFailureIsNeverUsableAndLosesAnOptimisticAddress() {
        AddressTable table = tableWith(ManagedScope.everything());
        assertEquals(List.of(), table.apply(added(address(3, "2001:db8:1::2", AddressFlag.TENTATIVE))));
        assertEquals(List.of(), table.apply(added(address(3, "2001:db8:1::2", AddressFlag.DADFAILED,
                AddressFlag.TENTATIVE))));
        assertFalse(table.isUsable(ip("2001:db8:1::2")));
        table.apply(added(address(3, "2001:db8:1::3", AddressFlag.TENTATIVE, AddressFlag.OPTIMISTIC)));
        assertEquals(List.of(new AddressChange.Lost(ip("2001:db8:1::3"), 3, LossCause.DAD_FAILED)),
                table.apply(added(address(3, "2001:db8:1::3", AddressFlag.DADFAILED, AddressFlag.TENTATIVE))));
    }

    @Test
    void ghostOnLoopbackDoesNotKeepAnAddressUsable() {
        AddressTable table = tableWith(ManagedScope.everything());
        assertEquals(List.of(), table.apply(added(ghost("198.18.0.1"))));
        assertEquals(List.of(new AddressChange.Lost(ip("198.18.0.1"), 2, LossCause.REMOVED)),
                table.apply(removed(address(2, "198.18.0.1"))));
        assertTrue(table.isConfigured(ip("198.18.0.1")), "the ghost stays configured on lo");
        assertFalse(table.isUsable(ip("198.18.0.1")));
    }

    @Test
    void sameAddressOnTwoInterfacesIsLostOnlyWhenItLeavesBoth() {
        AddressTable table = tableWith(ManagedScope.everything());
        assertEquals(List.of(), table.apply(added(address(3, "198.18.0.1"))));
        assertEquals(List.of(), table.apply(removed(address(2, "198.18.0.1"))));
        assertEquals(List.of(new AddressChange.Lost(ip("198.18.0.1"), 3, LossCause.REMOVED)),
                table.apply(removed(address(3, "198.18.0.1"))));
    }

    @Test
    void removedInterfaceTakesItsAddresses() {
        AddressTable table = tableWith(ManagedScope.everything());
        assertEquals(List.of(new AddressChange.Lost(ip("198.18.0.1"), 2, LossCause.REMOVED),
                new AddressChange.Lost(ip("2001:db8::1"), 2, LossCause.REMOVED)),
                table.apply(new LinkEvent(LinkEvent.Kind.REMOVED, ETH0)));
        assertFalse(table.isConfigured(ip("198.18.0.1")));
    }

    @Test
    void unmanagedInterfacesAndPrefixesAreIgnored() throws Exception {
        AddressTable table = new AddressTable(ManagedScope.of(List.of("eth1"), List.of("198.18.0.0/15")));
        assertEquals(List.of(), table.reset(List.of(LO, ETH0, ETH1),
                List.of(address(2, "198.18.0.1"), address(3, "2001:db8:1::1"))));
        assertEquals(List.of(new AddressChange.Usable(ip("198.18.1.1"), 3)),
                table.apply(added(address(3, "198.18.1.1"))));
        assertEquals(List.of(), table.apply(removed(address(2, "198.18.0.1"))));
    }

    @Test
    void redumpReportsWhatChangedWhileEventsWereLost() {
        AddressTable table = tableWith(ManagedScope.everything());
        List<AddressChange> changes = table.reset(List.of(LO, ETH0, ETH1),
                List.of(address(2, "2001:db8::1"), address(3, "198.18.1.1")));
        assertEquals(List.of(new AddressChange.Lost(ip("198.18.0.1"), 2, LossCause.REMOVED),
                new AddressChange.Usable(ip("198.18.1.1"), 3)), changes);
    }
}
