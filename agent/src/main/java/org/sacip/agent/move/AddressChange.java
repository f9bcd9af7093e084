package org.sacip.agent.move;

import java.net.InetAddress;

/** A change in the set of usable local addresses, as the {@link AddressTable} derives it from kernel events. */
public sealed interface AddressChange {
    InetAddress address();

    /** The interface the address was (or is) on. */
    int interfaceIndex();

    /** The address can no longer be used as a source. */
    record Lost(InetAddress address, int interfaceIndex, LossCause cause) implements AddressChange {
    }

    /** The address became usable: newly added and past DAD, or its interface came up again. */
    record Usable(InetAddress address, int interfaceIndex) implements AddressChange {
    }
}
