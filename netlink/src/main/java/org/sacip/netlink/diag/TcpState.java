package org.sacip.netlink.diag;

import java.util.EnumSet;
import java.util.Set;

/** Socket states as sock_diag reports them (include/net/tcp_states.h); UDP uses ESTABLISHED and CLOSE. */
public enum TcpState {
    ESTABLISHED(1),
    SYN_SENT(2),
    SYN_RECV(3),
    FIN_WAIT1(4),
    FIN_WAIT2(5),
    TIME_WAIT(6),
    CLOSE(7),
    CLOSE_WAIT(8),
    LAST_ACK(9),
    LISTEN(10),
    CLOSING(11),
    NEW_SYN_RECV(12);

    private final int code;

    TcpState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Every state: what a dump without state filter asks for. */
    public static Set<TcpState> all() {
        return EnumSet.allOf(TcpState.class);
    }

    public static TcpState of(int code) {
        for (TcpState state : values()) {
            if (state.code == code) {
                return state;
            }
        }
        throw new IllegalArgumentException("socket state " + code);
    }

    /** The idiag_states bit mask of a request. */
    static int mask(Set<TcpState> states) {
        int mask = 0;
        for (TcpState state : states) {
            mask |= 1 << state.code;
        }
        return mask;
    }
}
