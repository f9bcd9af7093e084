package org.sacip.agent.move;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 prefix such as {@code 198.18.0.0/15}; the address bits past the length are cleared. */
public record AddressPrefix(InetAddress network, int length) {

    public AddressPrefix {
        int bits = network.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " out of 0.." + bits);
        }
        network = masked(network, length);
    }

    /**
     * Parses {@code ADDRESS/LENGTH} (numeric addresses only, never a host name).
     *
     * @throws ScopeConfigurationException if the text is not such a prefix
     */
    public static AddressPrefix parse(String text) throws ScopeConfigurationException {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new ScopeConfigurationException("not a prefix (ADDRESS/LENGTH): '" + text + "'");
        }
        InetAddress address = parseNumericAddress(text.substring(0, slash), text);
        int length;
        try {
            length = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new ScopeConfigurationException("prefix length is not a number in '" + text + "'");
        }
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new ScopeConfigurationException("prefix length " + length + " out of 0.." + bits + " in '" + text
                    + "'");
        }
        return new AddressPrefix(address, length);
    }

    private static InetAddress parseNumericAddress(String address, String whole) throws ScopeConfigurationException {
        // InetAddress.getByName would resolve names; accept only literals made of address characters.
        if (address.isEmpty() || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new ScopeConfigurationException("not a numeric address in '" + whole + "'");
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new ScopeConfigurationException("not a numeric address in '" + whole + "'");
        }
    }

    public boolean contains(InetAddress address) {
        byte[] raw = address.getAddress();
        return raw.length == network.getAddress().length
                && Arrays.equals(masked(address, length).getAddress(), network.getAddress());
    }

    private static InetAddress masked(InetAddress address, int length) {
        byte[] raw = address.getAddress();
        for (int bit = length; bit < raw.length * 8; bit++) {
            raw[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address is always valid", e);
        }
    }

    @Override
    public String toString() {
        return AddressText.of(network) + "/" + length;
    }
}
