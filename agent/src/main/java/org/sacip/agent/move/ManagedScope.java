package org.sacip.agent.move;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * Which interfaces and local address prefixes the agent manages. An empty set or list means "all"; the loopback
 * interface is never managed because the ghosts live there.
 */
public record ManagedScope(Set<String> interfaces, List<AddressPrefix> prefixes) {
    private static final int MAX_INTERFACE_NAME = 15;

    public ManagedScope {
        interfaces = Set.copyOf(interfaces);
        prefixes = List.copyOf(prefixes);
    }

    public static ManagedScope everything() {
        return new ManagedScope(Set.of(), List.of());
    }

    /**
     * A scope from interface names and prefix texts as a config file gives them.
     *
     * @throws ScopeConfigurationException if a name is not a valid interface name or a prefix cannot be parsed
     */
    public static ManagedScope of(List<String> interfaceNames, List<String> prefixTexts)
            throws ScopeConfigurationException {
        for (String name : interfaceNames) {
            if (name.isEmpty() || name.length() > MAX_INTERFACE_NAME || name.equals(".") || name.equals("..")
                    || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21)) {
                throw new ScopeConfigurationException("not an interface name: '" + name + "'");
            }
        }
        List<AddressPrefix> prefixes = new java.util.ArrayList<>();
        for (String text : prefixTexts) {
            prefixes.add(AddressPrefix.parse(text.trim()));
        }
        return new ManagedScope(Set.copyOf(interfaceNames), prefixes);
    }

    public boolean managesInterface(String name) {
        return !name.equals("lo") && (interfaces.isEmpty() || interfaces.contains(name));
    }

    public boolean managesAddress(InetAddress address) {
        return prefixes.isEmpty() || prefixes.stream().anyMatch(prefix -> prefix.contains(address));
    }
}
