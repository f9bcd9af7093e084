package org.sacip.agent.datapath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.NfTablesConnection;
import org.sacip.netlink.nftables.SetReference;

/**
 * The element changes that turn one set of kernel elements into another. A key whose value changes is deleted and
 * added again (the kernel refuses to add a key that exists with another value); all deletions come before all
 * additions in the transaction.
 */
public record ElementDiff(Map<SetReference, List<Element>> deletions, Map<SetReference, List<Element>> additions) {
    public ElementDiff {
        deletions = Map.copyOf(deletions);
        additions = Map.copyOf(additions);
    }

    public static ElementDiff between(KernelElements current, KernelElements desired) {
        Map<SetReference, List<Element>> deletions = new java.util.LinkedHashMap<>();
        Map<SetReference, List<Element>> additions = new java.util.LinkedHashMap<>();
        for (SetReference set : SacipSets.all()) {
            Map<Object, Element> now = current.of(set);
            Map<Object, Element> wanted = desired.of(set);
            List<Element> delete = new ArrayList<>();
            List<Element> add = new ArrayList<>();
            now.forEach((key, element) -> {
                if (!element.equals(wanted.get(key))) {
                    delete.add(element);
                }
            });
            wanted.forEach((key, element) -> {
                if (!element.equals(now.get(key))) {
                    add.add(element);
                }
            });
            if (!delete.isEmpty()) {
                deletions.put(set, List.copyOf(delete));
            }
            if (!add.isEmpty()) {
                additions.put(set, List.copyOf(add));
            }
        }
        return new ElementDiff(deletions, additions);
    }

    public boolean isEmpty() {
        return deletions.isEmpty() && additions.isEmpty();
    }

    public int size() {
        return deletions.values().stream().mapToInt(List::size).sum()
                + additions.values().stream().mapToInt(List::size).sum();
    }

    /** Queues the changes on the connection; its next flush sends them as one transaction. */
    public void queueOn(NfTablesConnection connection) {
        for (SetReference set : SacipSets.all()) {
            List<Element> delete = deletions.get(set);
            if (delete != null) {
                connection.deleteElements(set, delete);
            }
        }
        for (SetReference set : SacipSets.all()) {
            List<Element> add = additions.get(set);
            if (add != null) {
                connection.addElements(set, add);
            }
        }
    }
}
