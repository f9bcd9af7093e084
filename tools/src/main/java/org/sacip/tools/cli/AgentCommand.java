package org.sacip.tools.cli;

import java.util.concurrent.Callable;

import org.sacip.control.ControlClient;
import org.sacip.control.ControlJson;
import org.sacip.control.ControlReply;
import org.sacip.control.ProtocolException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the control client for the chosen socket and the output mode. */
abstract class AgentCommand implements Callable<Integer> {
    protected final Invocation invocation;
    protected final GlobalOptions globals;

    @Spec
    protected CommandSpec spec;

    protected AgentCommand(Invocation invocation, GlobalOptions globals) {
        this.invocation = invocation;
        this.globals = globals;
    }

    protected ControlClient client() {
        return new ControlClient(globals.socket(invocation.environment()), invocation.replyTimeout());
    }

    /** The agent's payload as sent (-j), or re-indented (-p). */
    protected void printRawJson(String raw) throws ProtocolException {
        print((globals.pretty() ? pretty(parse(raw)) : raw) + "\n");
    }

    /** A payload sacipctl built itself (filtered sessions, version), compact or indented. */
    protected void printJson(JsonNode node) {
        try {
            print((globals.pretty() ? pretty(node) : ControlJson.MAPPER.writeValueAsString(node)) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serializes", e);
        }
    }

    protected void print(String text) {
        invocation.out().print(text);
        invocation.out().flush();
    }

    protected static JsonNode requireArray(ControlReply reply, String command) throws ProtocolException {
        if (!reply.data().isArray()) {
            throw new ProtocolException("the agent's \"" + command + "\" payload is not a JSON array");
        }
        for (JsonNode entry : reply.data()) {
            if (!entry.isObject()) {
                throw new ProtocolException("an entry of the agent's \"" + command + "\" payload is not an object");
            }
        }
        return reply.data();
    }

    protected static JsonNode requireObject(ControlReply reply, String command) throws ProtocolException {
        if (!reply.data().isObject()) {
            throw new ProtocolException("the agent's \"" + command + "\" payload is not a JSON object");
        }
        return reply.data();
    }

    private static JsonNode parse(String raw) throws ProtocolException {
        return org.sacip.control.ReplyParser.parseJson(raw, "the agent's payload");
    }

    private static String pretty(JsonNode node) {
        try {
            return ControlJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serializes", e);
        }
    }
}
