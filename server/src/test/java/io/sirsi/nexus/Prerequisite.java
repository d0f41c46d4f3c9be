package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * A tool or package a test needs from the machine: where it is missing the test is skipped, saying why on stderr
 * (a skip is easy to miss in a report), except under {@code CI=true}, where CI must run it and a skip is a failure.
 */
public final class Prerequisite {

    private Prerequisite() {
    }

    /** Returns if {@code present}; otherwise skips the test, or fails it under CI, with {@code missing} as reason. */
    public static void require(boolean present, String missing) {
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail(missing);
        }
        System.err.println("SKIPPED: " + missing);
        Assumptions.abort(missing);
    }
}
