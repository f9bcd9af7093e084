package org.sacip.agent.route;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.sacip.netlink.route.RouteRequest;
import org.sacip.netlink.route.RoutingRule;

/**
 * What to change so the kernel holds exactly the source routes wanted: routes to add or replace (before the rules
 * that use them), rules to add, rules to delete, then routes to delete (after the rules that used them). Also what
 * the planner remembers for next time: the table of each address and the last default route seen for its uplink.
 *
 * @param withoutTable addresses that want a source route but find no free table in the configured range
 */
public record SourceRoutePlan(List<RouteRequest> replaceRoutes, List<RoutingRule> addRules,
        List<RoutingRule> deleteRules, List<RouteRequest> deleteRoutes, Map<InetAddress, Long> tables,
        Map<InetAddress, UplinkDefault> remembered, List<InetAddress> withoutTable) {

    public SourceRoutePlan {
        replaceRoutes = List.copyOf(replaceRoutes);
        addRules = List.copyOf(addRules);
        deleteRules = List.copyOf(deleteRules);
        deleteRoutes = List.copyOf(deleteRoutes);
        tables = Map.copyOf(tables);
        remembered = Map.copyOf(remembered);
        withoutTable = List.copyOf(withoutTable);
    }

    public boolean changesNothing() {
        return replaceRoutes.isEmpty() && addRules.isEmpty() && deleteRules.isEmpty() && deleteRoutes.isEmpty();
    }
}
