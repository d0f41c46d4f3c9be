package io.sirsi.nexus.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.wire.HostReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report loop: a full snapshot each time, one stderr line per failure, backoff while the registry is down. */
class ReportLoopTest {

    @TempDir
    Path proc;

    @Test
    void backsOffWhileTheRegistryIsDownAndResumesAtTheInterval() throws Exception {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp"), "header\n");
        List<HostReport> accepted = new ArrayList<>();
        boolean[] down = {true};
        int[] attempts = {0};
        ReportLoop.Sender sender = report -> {
            attempts[0]++;
            if (down[0] && attempts[0] <= 4) {
                throw new ConnectException("cannot reach the registry at http://registry:8080/");
            }
            accepted.add(report);
        };
        List<Duration> waits = new ArrayList<>();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ReportLoop loop = new ReportLoop(new HostScanner(proc, "t", Clock.systemUTC(), List.of()), sender,
                Duration.ofSeconds(5), new PrintStream(err, true, StandardCharsets.UTF_8), waits::add);

        loop.run(7);

        assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40),
                Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(5)), waits);
        assertEquals(3, accepted.size(), "every report after the outage is a full snapshot; none is replayed");
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("sirsi-nexus agent: report failed (1 in a row, next in 10s): cannot"
                + " reach the registry"), lines.get(0));
        assertTrue(lines.get(4).contains("reporting again after 4 failed report(s)"), lines.get(4));
    }

    @Test
    void aScanThatFailsIsAFailedReport() throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ReportLoop loop = new ReportLoop(new HostScanner(proc.resolve("absent"), "t", Clock.systemUTC(), List.of()),
                report -> { }, Duration.ofSeconds(5), new PrintStream(err, true, StandardCharsets.UTF_8),
                duration -> { });

        assertEquals(false, loop.reportOnce());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("report failed (1 in a row, next in 10s)"));
    }

    /** With {@code --reports N}, the last report's failure promises no next one. */
    @Test
    void theLastReportsFailurePromisesNoNextOne() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Duration> waits = new ArrayList<>();
        ReportLoop loop = new ReportLoop(new HostScanner(proc.resolve("absent"), "t", Clock.systemUTC(), List.of()),
                report -> { }, Duration.ofSeconds(5), new PrintStream(err, true, StandardCharsets.UTF_8), waits::add);

        loop.run(1);

        assertEquals(List.of(), waits);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("report failed (1 in a row, the last of --reports)"),
                err.toString(StandardCharsets.UTF_8));
    }
}
