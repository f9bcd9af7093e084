package org.sacip.netlink.route;

/** What a policy routing rule does with a matching packet (FR_ACT_*, linux/fib_rules.h). */
public enum RuleAction {
    /** Look the route up in the rule's table ({@code lookup T}). */
    LOOKUP(1),
    /** Jump to another rule (its target is not represented here). */
    GOTO(2),
    NOP(3),
    /** Drop silently. */
    BLACKHOLE(6),
    /** Refuse with ENETUNREACH. */
    UNREACHABLE(7),
    /** Refuse with EACCES. */
    PROHIBIT(8);

    private final int code;

    RuleAction(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    /** The action of a code, or null for one the kernel does not define. */
    static RuleAction of(int code) {
        for (RuleAction action : values()) {
            if (action.code == code) {
                return action;
            }
        }
        return null;
    }
}
