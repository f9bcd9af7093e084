package org.sacip.tools.docs;

/**
 * Escapes text for roff: backslashes, hyphens (so they are not broken or rendered as dashes), control lines. Public
 * for the package build, which renders sacip-agent.8 the same way.
 */
public final class Roff {
    private Roff() {
    }

    public static String text(String plain) {
        String escaped = plain.replace("\\", "\\e").replace("-", "\\-");
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }

    public static String bold(String plain) {
        return "\\fB" + text(plain) + "\\fR";
    }

    public static String italic(String plain) {
        return "\\fI" + text(plain) + "\\fR";
    }
}
