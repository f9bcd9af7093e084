package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.sacip.netlink.AddressText;

/**
 * The addresses of the data path's kernel tests, of one IP version: host A starts on X and moves to Y (same
 * prefix), host B stays on B, host C (when a test has it) takes X over after A left it.
 */
record Addresses(boolean ipv6, InetAddress x, InetAddress y, InetAddress b, int prefix, int hostPrefix) {

    static Addresses of(boolean ipv6) {
        return ipv6 ? new Addresses(true, parse("2001:db8::1"), parse("2001:db8::11"), parse("2001:db8::2"), 64, 128)
                : new Addresses(false, parse("198.18.1.1"), parse("198.18.1.11"), parse("198.18.0.2"), 16, 32);
    }

    /** {@code ip addr add} of {@code address} in the shared prefix (IPv6 without duplicate address detection). */
    String[] addCommand(InetAddress address, String device) {
        return command("add", text(address) + "/" + prefix, device);
    }

    String[] deleteCommand(InetAddress address, String device) {
        return command("del", text(address) + "/" + prefix, device);
    }

    /** {@code ip addr add} of {@code address} alone (a host address). */
    String[] addHostCommand(InetAddress address, String device) {
        return command("add", text(address) + "/" + hostPrefix, device);
    }

    private String[] command(String verb, String address, String device) {
        List<String> command = new ArrayList<>(List.of("ip", "addr", verb, address, "dev", device));
        if (ipv6 && verb.equals("add")) {
            command.add("nodad");
        }
        return command.toArray(String[]::new);
    }

    /** The nft expression of this IP version's addresses ({@code ip} or {@code ip6}). */
    String nftFamily() {
        return ipv6 ? "ip6" : "ip";
    }

    static String text(InetAddress address) {
        return AddressText.of(address);
    }

    static InetAddress parse(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
