package org.sacip.lab.bench;

import org.sacip.lab.LabException;

/**
 * Runs a benchmark body and turns failures into one line on stderr and an exit code: 2 for bad arguments, 1 for a
 * lab that could not be built or run. The body's labs are closed (try-with-resources) before this prints.
 */
final class BenchMain {
    @FunctionalInterface
    interface Body {
        void run(String[] args);
    }

    private BenchMain() {
    }

    static void run(String name, String usage, String[] args, Body body) {
        int code = 0;
        try {
            EndpointClasspath.ensure();
            body.run(args);
        } catch (IllegalArgumentException e) {
            System.err.println(name + ": " + e.getMessage() + "; usage: " + usage);
            code = 2;
        } catch (LabException e) {
            System.err.println(name + ": failed: " + e.getMessage());
            code = 1;
        } catch (RuntimeException e) {
            System.err.println(name + ": failed: " + e);
            code = 1;
        }
        System.out.flush();
        if (code != 0) {
            System.exit(code);
        }
    }
}
