package io.sirsi.nexus.cli;

import io.sirsi.nexus.client.ChangeEvent;
import io.sirsi.nexus.client.HistoryQuery;
import io.sirsi.nexus.client.SirsiNexusClient;
import io.sirsi.nexus.wire.EventView;
import io.sirsi.nexus.registry.Durations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** The change log from the command line: follow it ({@code ports watch}) and read it ({@code ports history}). */
final class ChangeLogCommands {

    private ChangeLogCommands() {
    }

    /** Three keep-alives missed: the connection is dead, whoever failed to say so. */
    private static final Duration IDLE = Duration.ofSeconds(45);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** The stream's first comment, which names the revision it starts after. */
    private static final Pattern STARTS_AFTER = Pattern.compile(":\\s?watching the change log after revision (\\d+)");

    static Table eventTable() {
        return new Table("REVISION", "TIME", "EVENT", "SERVICE", "PORT", "TYPE", "HOST", "STATUS");
    }

    static void addRow(Table table, ChangeEvent event) {
        table.row(event.revision(), event.at(), event.type(), event.allocation().serviceName(),
                event.allocation().port(), event.allocation().serviceType(), event.allocation().host(),
                Table.status(event.allocation().status()));
    }

    @Command(name = "watch", description = {
        "Print every change as it happens, one line each (JSON lines with -o json).",
        "A dropped connection is resumed where it stopped, losing and repeating nothing; Ctrl-C ends it."})
    static class WatchCommand extends ClientCommand {
        @Option(names = "--service", paramLabel = "NAME", description = "Only this service's changes.")
        String service;

        @Option(names = "--type", paramLabel = "TYPE", description = "Only changes of this service type.")
        String type;

        @Option(names = "--host", paramLabel = "HOST", description = "Only changes on this host (default: every"
                + " host).")
        String host;

        @Option(names = "--since", paramLabel = "REVISION", description = "Start after this revision (default: from"
                + " now on); the revisions are in every event and in X-Sirsi-Index.")
        Long since;

        private volatile long last = -1;

        @Override
        protected int run(SirsiNexusClient unused) {
            RegistryClient registry = options.registryClient();
            if (since != null && since < 0) {
                throw new CliException(ExitCode.USAGE, "--since must be a revision, 0 or more");
            }
            // Ctrl-C is how a watch ends: exit 0 at once, whatever the watch is doing (connecting, reading, waiting
            // to reconnect, printing), not the JVM's 130. No flush: print() flushes each event, so there is nothing
            // to lose, and a flush would take the writer's lock, which a print blocked on a full pipe (a paused
            // pager) holds for ever. A SIGINT the process was started ignoring (a background job of a script)
            // stays ignored, as POSIX asks: the JVM installs no handler for it.
            Signal.handle(new Signal("INT"), signal -> Runtime.getRuntime().halt(ExitCode.OK.code()));
            String query = RegistryClient.query("since", since == null ? null : since.toString(), "service", service,
                    "type", type, "host", host);
            Duration backoff = Duration.ofSeconds(1);
            while (true) {
                OptionalLong resume = last < 0 ? OptionalLong.empty() : OptionalLong.of(last);
                HttpURLConnection connection;
                try {
                    connection = registry.openEvents(query, resume, IDLE);
                } catch (CliException e) {
                    if (e.exitCode() != ExitCode.UNREACHABLE || last < 0) {
                        throw e; // a refusal (400, 401, 410), or a registry that was never there
                    }
                    reconnecting(e.getMessage(), backoff);
                    Duration doubled = backoff.multipliedBy(2);
                    backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
                    continue;
                }
                backoff = Duration.ofSeconds(1);
                try {
                    follow(connection);
                    reconnecting("the registry closed the stream", Duration.ZERO);
                } catch (IOException e) {
                    reconnecting(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                            Duration.ZERO);
                } finally {
                    connection.disconnect();
                }
            }
        }

        /** Prints the stream's events as they arrive, until it ends. */
        private void follow(HttpURLConnection connection) throws IOException {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                    StandardCharsets.UTF_8))) {
                StringBuilder data = new StringBuilder();
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Matcher start = STARTS_AFTER.matcher(line);
                    if (last < 0 && start.matches()) {
                        last = Long.parseLong(start.group(1)); // a resume before any event must not skip one
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).strip());
                    } else if (line.isEmpty() && data.length() > 0) {
                        print(RegistryClient.event(data.toString()), data.toString());
                        data.setLength(0);
                    }
                }
            }
        }

        private void print(EventView event, String json) {
            if (options.json()) {
                out().println(json);
            } else {
                out().printf("%d  %s  %-10s %s:%d  %s  %s  %s%n", event.revision(), event.at(), event.type(),
                        event.allocation().serviceName(), event.allocation().port(), event.allocation().serviceType(),
                        event.allocation().host(), event.allocation().status());
            }
            out().flush();
            last = event.revision();
        }

        private void reconnecting(String why, Duration after) {
            System.err.println("sirsi-nexus: watch interrupted (" + why + "); resuming"
                    + (last >= 0 ? " after revision " + last : "") + (after.isZero() ? "" : " in " + after.toSeconds()
                    + "s"));
            try {
                Thread.sleep(after.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.OK, "watch interrupted");
            }
        }
    }

    @Command(name = "analytics", description = "Show how each range was used over a window: peak, churn, lifetimes,"
            + " when it would be full; flapping services; most reused ports.")
    static class AnalyticsCommand extends ClientCommand {
        @Option(names = "--window", paramLabel = "DURATION", description = "The window, e.g. 1h, 24h, 7d (default:"
                + " the registry's, 24h).")
        String window;

        @Mixin
        HostOption host;

        @Override
        protected int run(SirsiNexusClient registry) {
            return print(registry.analytics(window, host.name()), report -> {
                out().printf("Host %s, %s from %s to %s%n%n", report.host(), report.window(), report.from(),
                        report.to());
                Table types = new Table("TYPE", "IN USE", "PEAK", "PEAK AT", "ALLOCATED", "RELEASED", "EXPIRED",
                        "REMOVED", "MEAN LIFETIME", "FULL BY");
                report.types().forEach((type, usage) -> types.row(type, usage.inUse() + "/" + usage.size(),
                        usage.peakInUse(), usage.peakAt(), usage.allocations(), usage.releases(), usage.expirations(),
                        usage.removals(), usage.meanLifetimeSeconds() == null ? "-"
                                : String.format("%.0fs", usage.meanLifetimeSeconds()),
                        usage.exhaustionForecast() == null ? "-" : usage.exhaustionForecast()));
                print(types);
                if (!report.flapping().isEmpty()) {
                    out().println();
                    Table flapping = new Table("FLAPPING SERVICE", "HOST", "EXPIRED", "REVIVED");
                    report.flapping().forEach(f -> flapping.row(f.serviceName(), f.host(), f.expirations(),
                            f.revivals()));
                    print(flapping);
                }
                if (!report.mostReusedPorts().isEmpty()) {
                    out().println();
                    Table reused = new Table("REUSED PORT", "ALLOCATIONS", "SERVICES");
                    report.mostReusedPorts().forEach(r -> reused.row(r.port(), r.allocations(), r.services()));
                    print(reused);
                }
            });
        }
    }

    @Command(name = "history", description = "Show what happened to allocations, newest first.")
    static class HistoryCommand extends ClientCommand {
        @Option(names = "--service", paramLabel = "NAME", description = "Only this service.")
        String service;

        @Option(names = "--port", paramLabel = "PORT", description = "Only this port.")
        Integer port;

        @Option(names = "--type", paramLabel = "TYPE", description = "Only this service type.")
        String type;

        @Option(names = "--host", paramLabel = "HOST", description = "Only this host (default: every host).")
        String host;

        @Option(names = "--since", paramLabel = "DURATION", description = "Only the last DURATION, e.g. 30m, 1h, 7d.")
        String since;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                description = "At most N events, 1 to 1000 (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        protected int run(SirsiNexusClient registry) {
            Instant from = since == null ? null : Instant.now().minus(duration(since));
            HistoryQuery query = new HistoryQuery(service, port, host, type, from, null, limit);
            return print(registry.history(query), events -> {
                if (events.isEmpty()) {
                    out().println("No events.");
                    return;
                }
                Table table = eventTable();
                events.forEach(event -> addRow(table, event));
                print(table);
            });
        }

        private static Duration duration(String text) {
            Optional<Duration> since = Durations.parse(text); // no lambda: each costs a client's start-up time
            if (since.isEmpty()) {
                throw new CliException(ExitCode.USAGE, "invalid --since '" + text + "': expected a duration such as"
                        + " 30m, 1h or 7d");
            }
            return since.get();
        }
    }
}
