package org.sacip.control;

/** The agent understood the request and answered {"ok":false,...}. */
public final class AgentErrorException extends ControlFailure {
    private static final long serialVersionUID = 1L;

    private final String code;

    public AgentErrorException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public String code() {
        return code;
    }

    @Override
    public Kind kind() {
        return Kind.AGENT_ERROR;
    }
}
