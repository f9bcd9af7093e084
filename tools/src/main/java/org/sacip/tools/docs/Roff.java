package org.sacip.tools.docs;

/** Escapes text for roff: backslashes, hyphens (so they are not broken or rendered as dashes), control lines. */
final class Roff {
    private Roff() {
    }

    static String text(String plain) {
        String escaped = plain.replace("\\", "\\e").replace("-", "\\-");
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }

    static String bold(String plain) {
        return "\\fB" + text(plain) + "\\fR";
    }

    static String italic(String plain) {
        return "\\fI" + text(plain) + "\\fR";
    }
}
