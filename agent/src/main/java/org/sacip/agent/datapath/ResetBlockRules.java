package org.sacip.agent.datapath;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.route.BlackholeRule;
import org.sacip.netlink.route.RtnetlinkClient;

/**
 * Adds, deletes and lists the {@link ResetBlock} routing rules of one namespace over rtnetlink, up to a hundred per
 * system call, on a netlink socket of their own (thread-safe: the data path syncs them outside its lock).
 */
final class ResetBlockRules implements AutoCloseable {
    private static final int TCP = 6;

    private final RtnetlinkClient routes;

    ResetBlockRules(RtnetlinkClient routes) {
        this.routes = routes;
    }

    synchronized void add(Collection<ResetBlock> blocks) throws DataPathException {
        if (blocks.isEmpty()) {
            return;
        }
        try {
            routes.addBlackholeRules(rules(blocks));
        } catch (NetlinkException e) {
            throw new DataPathException("cannot add " + blocks.size() + " reset block rule(s)", e);
        }
    }

    synchronized void delete(Collection<ResetBlock> blocks) throws DataPathException {
        if (blocks.isEmpty()) {
            return;
        }
        try {
            routes.deleteBlackholeRules(rules(blocks));
        } catch (NetlinkException e) {
            throw new DataPathException("cannot delete " + blocks.size() + " reset block rule(s)", e);
        }
    }

    /** Every block rule the namespace has now, of both IP versions. */
    synchronized Set<ResetBlock> list() throws DataPathException {
        try {
            Set<ResetBlock> blocks = new HashSet<>();
            for (BlackholeRule rule : routes.blackholeRules(ResetBlock.PRIORITY)) {
                if (rule.ipProtocol() == TCP && rule.fwmark() == 0 && rule.fwmask() == ResetBlock.MARK) {
                    blocks.add(new ResetBlock(rule.source(), rule.sourcePort(), rule.destination(),
                            rule.destinationPort()));
                }
            }
            return blocks;
        } catch (NetlinkException e) {
            throw new DataPathException("cannot list the reset block rules", e);
        }
    }

    @Override
    public synchronized void close() {
        routes.close();
    }

    private static List<BlackholeRule> rules(Collection<ResetBlock> blocks) {
        return blocks.stream().map(block -> new BlackholeRule(ResetBlock.PRIORITY, block.activeLocal(),
                block.activeRemote(), TCP, block.localPort(), block.remotePort(), 0, ResetBlock.MARK)).toList();
    }
}
