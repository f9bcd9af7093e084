package org.sacip.lab.move;

import java.util.List;
import org.sacip.lab.topology.Uplink;

/**
 * What a host's network manager does the moment an address appears on an uplink or goes (e.g. an MPTCP endpoint
 * and a source routing rule per address): the Mover runs these commands in the host right after its own, and logs
 * them with the move.
 */
public interface AddressHooks {
    AddressHooks NONE = new AddressHooks() {
        @Override
        public List<List<String>> added(Uplink uplink) {
            return List.of();
        }

        @Override
        public List<List<String>> deleted(Uplink uplink) {
            return List.of();
        }
    };

    /** Commands to run once the uplink's address is configured (and the link is up). */
    List<List<String>> added(Uplink uplink);

    /** Commands to run once the uplink's address is deleted. */
    List<List<String>> deleted(Uplink uplink);
}
