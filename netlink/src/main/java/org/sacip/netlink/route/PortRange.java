package org.sacip.netlink.route;

/** An inclusive range of ports (struct fib_rule_port_range), one port when start equals end. */
public record PortRange(int start, int end) {

    public PortRange {
        if (start < 1 || end > 65535 || start > end) {
            throw new IllegalArgumentException("port range " + start + "-" + end + " is not within 1..65535");
        }
    }

    public static PortRange of(int port) {
        return new PortRange(port, port);
    }

    public boolean isSinglePort() {
        return start == end;
    }

    @Override
    public String toString() {
        return isSinglePort() ? Integer.toString(start) : start + "-" + end;
    }
}
