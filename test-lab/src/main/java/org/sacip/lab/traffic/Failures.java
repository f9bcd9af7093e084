package org.sacip.lab.traffic;

import java.io.IOException;

/** Names a broken connection the way the report states it: EOF, RST, or the error text. */
public final class Failures {
    private Failures() {
    }

    public static String describe(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("reset")) {
            return "RST (" + message + ")";
        }
        return e.getClass().getSimpleName() + " (" + message + ")";
    }

    public static final String EOF = "EOF (peer closed the connection)";
}
