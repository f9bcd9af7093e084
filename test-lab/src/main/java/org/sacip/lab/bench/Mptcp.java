package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.move.AddressHooks;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.Uplink;

/**
 * MPTCP set up in the lab as a laptop's network manager sets it up, for the comparison with SACIP: the in-kernel
 * path manager with {@code ip mptcp limits set subflows 8 add_addr_accepted 8} on both ends,
 * {@code net.mptcp.stale_loss_cnt} as asked, and on the moving host A, for each of its addresses, the moment it
 * appears: an MPTCP endpoint ({@code ip mptcp endpoint add ADDR id K dev IF subflow}) and a source routing rule
 * ({@code ip rule add from ADDR lookup T}, with the uplink's default route in table T); both go the moment the address
 * goes. The traffic endpoints run under {@code mptcpize run}, whose LD_PRELOAD library turns the JVM's TCP sockets
 * into MPTCP ones (checked: {@code ss -M} lists the connection as mptcp).
 */
final class Mptcp implements AddressHooks {
    /** The wrapper the traffic endpoints start behind. */
    static final List<String> WRAPPER = List.of("mptcpize", "run");
    private static final int FIRST_TABLE = 101;

    private final Topology topology;
    private final int staleLossCount;

    Mptcp(Topology topology, int staleLossCount) {
        this.topology = topology;
        this.staleLossCount = staleLossCount;
    }

    /** Configures both ends and A's first address; returns the commands as "host: command" lines. */
    List<String> setUp() {
        List<String> done = new ArrayList<>();
        for (String host : List.of("a", "b")) {
            run(done, host, List.of("ip", "mptcp", "limits", "set", "subflows", "8", "add_addr_accepted", "8"));
            run(done, host, List.of("sysctl", "-q", "-w", "net.mptcp.stale_loss_cnt=" + staleLossCount));
        }
        Uplink first = topology.uplink("a", 0);
        for (List<String> command : added(first)) {
            run(done, "a", command);
        }
        return done;
    }

    @Override
    public List<List<String>> added(Uplink uplink) {
        if (!uplink.host().equals("a")) {
            return List.of();
        }
        String id = Integer.toString(index(uplink) + 1);
        List<List<String>> commands = new ArrayList<>();
        if (uplink.gateway() != null) {
            String table = table(uplink);
            String flag = topology.family().ipFlag();
            commands.add(List.of("ip", flag, "route", "replace", "default", "via", uplink.gateway(), "dev",
                    uplink.ifName(), "table", table));
            commands.add(List.of("ip", flag, "rule", "add", "from", uplink.address(), "lookup", table));
        }
        commands.add(List.of("ip", "mptcp", "endpoint", "add", uplink.address(), "id", id, "dev", uplink.ifName(),
                "subflow"));
        return commands;
    }

    @Override
    public List<List<String>> deleted(Uplink uplink) {
        if (!uplink.host().equals("a")) {
            return List.of();
        }
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of("ip", "mptcp", "endpoint", "delete", "id", Integer.toString(index(uplink) + 1)));
        if (uplink.gateway() != null) {
            String table = table(uplink);
            String flag = topology.family().ipFlag();
            commands.add(List.of("ip", flag, "rule", "del", "from", uplink.address(), "lookup", table));
            commands.add(List.of("ip", flag, "route", "flush", "table", table));
        }
        return commands;
    }

    /** The same-link case's second address is not an uplink of the topology: its endpoint id is the next free. */
    AddressHooks forAddresses(List<String> addresses, String ifName) {
        return new AddressHooks() {
            @Override
            public List<List<String>> added(Uplink uplink) {
                return List.of(List.of("ip", "mptcp", "endpoint", "add", uplink.address(), "id",
                        Integer.toString(addresses.indexOf(uplink.address()) + 1), "dev", ifName, "subflow"));
            }

            @Override
            public List<List<String>> deleted(Uplink uplink) {
                return List.of(List.of("ip", "mptcp", "endpoint", "delete", "id",
                        Integer.toString(addresses.indexOf(uplink.address()) + 1)));
            }
        };
    }

    private int index(Uplink uplink) {
        for (int i = 0; i < topology.uplinkCount(uplink.host()); i++) {
            if (topology.uplink(uplink.host(), i).ifName().equals(uplink.ifName())) {
                return i;
            }
        }
        throw new IllegalStateException("not an uplink of " + uplink.host() + ": " + uplink);
    }

    private String table(Uplink uplink) {
        return Integer.toString(FIRST_TABLE + index(uplink));
    }

    private void run(List<String> done, String host, List<String> command) {
        done.add(host + ": " + String.join(" ", command));
        topology.lab().run(host, command.toArray(String[]::new));
    }
}
