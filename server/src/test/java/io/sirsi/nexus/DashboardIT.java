package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.api.security.ApiKeys;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser, against the packaged jar: {@code ui-test/dashboard.mjs} drives Debian's headless
 * Chromium with playwright-core (see its header for what it checks) and writes a screenshot of each view to
 * {@code target/dashboard/}. One registry runs without keys (protected mode, which answers this machine) with a
 * short heartbeat timeout, so that an allocation expires during the test, and a reuse delay, so that a released
 * port cools; another runs with a reader's and a writer's key. Without Chromium or the test's npm packages the test
 * is skipped, saying so, except under CI, where that is a failure.
 */
class DashboardIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    // the browser script is the project's, beside server/, where this test runs
    private static final Path SCRIPT = Path.of("..", "ui-test", "dashboard.mjs");
    private static final Path PACKAGES = Path.of("..", "ui-test", "node_modules", "playwright-core");
    private static final Path SCREENSHOTS = Path.of("target", "dashboard");
    private static final String READER_KEY = "dashboard-reader-key-5e1f";
    private static final String WRITER_KEY = "dashboard-writer-key-c07a";

    @TempDir
    Path temp;

    @Test
    void theDashboardWorksInARealBrowser() throws Exception {
        requireBrowser();
        try (RegistryProcess open = RegistryProcess.start(temp.resolve("open"),
                "-Dsirsi.ports.heartbeat-timeout=8s", "-Dsirsi.ports.cleanup-interval=1h",
                // the test's services go quiet together when it stops heartbeating them: expire them all the same
                "-Dsirsi.ports.self-preservation.threshold=1",
                "-Dsirsi.ports.reuse-delay=60s", "-Dsirsi.ports.static.postgres=database:5432");
                RegistryProcess keyed = RegistryProcess.start(temp.resolve("keyed"),
                        "-Dsirsi.auth.keys.dashboard=reader:" + ApiKeys.sha256Hex(READER_KEY),
                        "-Dsirsi.auth.keys.deployer=writer:" + ApiKeys.sha256Hex(WRITER_KEY))) {
            Path output = temp.resolve("dashboard.out");
            ProcessBuilder node = new ProcessBuilder("node", SCRIPT.toString(), open.url(), keyed.url(),
                    SCREENSHOTS.toString()).redirectErrorStream(true).redirectOutput(output.toFile());
            node.environment().put("SIRSI_READER_KEY", READER_KEY);
            node.environment().put("SIRSI_WRITER_KEY", WRITER_KEY);
            Process browser = node.start();
            boolean ended = browser.waitFor(5, TimeUnit.MINUTES);
            if (!ended) {
                browser.destroyForcibly().waitFor();
            }
            String report = Files.readString(output);
            System.out.println(report);
            assertTrue(ended, "the browser test did not end within 5 minutes:\n" + report);
            assertEquals(0, browser.exitValue(), "the browser test failed:\n" + report + "\nregistry log:\n"
                    + open.log());
            assertTrue(report.contains(" 0 failed"), report);
        }
    }

    private static void requireBrowser() {
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM + " is missing: install Debian's chromium package"
                : !Files.isDirectory(PACKAGES) ? PACKAGES + " is missing: run 'npm ci' in ui-test" : null;
        Prerequisite.require(missing == null, missing + " (.ci/run does both)");
    }
}
