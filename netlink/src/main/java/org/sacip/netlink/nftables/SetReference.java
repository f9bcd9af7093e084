package org.sacip.netlink.nftables;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Names one set or map of one table, with the layout of its elements. */
public record SetReference(NftFamily family, String table, String name, ElementLayout layout) {
    public SetReference {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(layout, "layout");
        requireName("table", table);
        requireName("set", name);
    }

    private static void requireName(String what, String value) {
        Objects.requireNonNull(value, what);
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        if (length == 0 || length > NfTablesConstants.NAME_MAX_LENGTH || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " name \"" + value + "\" must be 1.."
                    + NfTablesConstants.NAME_MAX_LENGTH + " bytes without NUL");
        }
    }

    @Override
    public String toString() {
        return family.name().toLowerCase(java.util.Locale.ROOT) + " " + table + " " + name;
    }
}
