package io.sirsi.nexus.cli;

import io.sirsi.nexus.client.ChangeEvent;
import io.sirsi.nexus.client.HistoryQuery;
import io.sirsi.nexus.client.RegistryException;
import io.sirsi.nexus.client.SirsiNexusClient;
import io.sirsi.nexus.client.Watch;
import io.sirsi.nexus.client.WatchListener;
import io.sirsi.nexus.client.WatchOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** The change log from the command line: follow it ({@code ports watch}) and read it ({@code ports history}). */
final class ChangeLogCommands {

    private ChangeLogCommands() {
    }

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

        @Override
        protected int run(SirsiNexusClient registry) {
            if (since != null && since < 0) {
                throw new CliException(ExitCode.USAGE, "--since must be a revision, 0 or more");
            }
            // Ctrl-C is how a watch ends: exit 0 at once, whatever the watch is doing (connecting, reading, waiting
            // to reconnect, printing), not the JVM's 130. No flush: print() flushes each event, so there is nothing
            // to lose, and a flush would take the writer's lock, which a print blocked on a full pipe (a paused
            // pager) holds for ever. A SIGINT the process was started ignoring (a background job of a script)
            // stays ignored, as POSIX asks: the JVM installs no handler for it.
            Signal.handle(new Signal("INT"), signal -> Runtime.getRuntime().halt(ExitCode.OK.code()));
            WatchOptions watching = new WatchOptions(Arguments.serviceName("--service", service),
                    Arguments.serviceType("--type", type), Arguments.host("--host", host), since);
            Printer printer = new Printer();
            try (Watch watch = registry.watch(watching, printer)) {
                // only a failure or a closed stdout ends a watch: Ctrl-C halts the process
                Throwable failure = printer.ended.join();
                if (failure == null) {
                    return ExitCode.OK.code(); // its reader is gone (`ports watch | head -1`): done, quietly
                }
                throw session().failure(failure);
            }
        }

        /**
         * Prints each event as it arrives and says on stderr when the stream broke and when it resumes. A registry
         * that cannot be reached before the watch was ever connected ends it, as any other command; afterwards the
         * watch waits for it (a restart), and only a refusal (400, 401, 410) ends it.
         */
        private final class Printer implements WatchListener {
            final CompletableFuture<Throwable> ended = new CompletableFuture<>();
            private volatile long last = -1;

            @Override
            public void onConnected(long afterRevision) {
                if (last < 0) {
                    last = afterRevision; // where a resume starts until an event is printed
                }
            }

            @Override
            public void onEvent(ChangeEvent event, String json) {
                if (options.json()) {
                    out().println(json); // as the registry sent it
                    printed(event);
                } else {
                    onEvent(event);
                }
            }

            @Override
            public void onEvent(ChangeEvent event) {
                out().printf("%d  %s  %-10s %s:%d  %s  %s  %s%n", event.revision(), event.at(), event.type(),
                        event.allocation().serviceName(), event.allocation().port(), event.allocation().serviceType(),
                        event.allocation().host(), event.allocation().status());
                printed(event);
            }

            /**
             * Flushes the event; when stdout is closed the watch ends, as {@code tail -f} and {@code kubectl get -w}
             * do under {@code head}. Both writers keep a failed write to themselves: picocli's, and System.out under
             * it, so both are asked.
             */
            private void printed(ChangeEvent event) {
                out().flush();
                if (out().checkError() || System.out.checkError()) {
                    ended.complete(null);
                    return;
                }
                last = event.revision();
            }

            @Override
            public void onDisconnected(Throwable cause) {
                if (last < 0) {
                    ended.complete(cause); // a registry that was never there
                }
            }

            @Override
            public void onRetrying(Throwable cause, Duration pause) {
                if (!ended.isDone()) {
                    System.err.println("sirsi-nexus: watch interrupted (" + session().interruption(cause)
                            + "); resuming after revision " + last + " in " + (pause.toMillis() < 1000
                                    ? pause.toMillis() + "ms" : pause.toSeconds() + "s"));
                }
            }

            @Override
            public void onFailed(RegistryException failure) {
                ended.complete(failure);
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
            if (window != null) { // its grammar here; its units and bounds are the registry's (its history's age)
                Arguments.duration("--window", window);
            }
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

        /** The window's start; one reaching before the log's earliest time (1970) is all of it, not a refusal. */
        private static Instant since(Duration window) {
            Instant now = Instant.now();
            Instant earliest = io.sirsi.nexus.registry.HistoryQuery.EARLIEST;
            return window.compareTo(Duration.between(earliest, now)) >= 0 ? earliest : now.minus(window);
        }

        @Override
        protected int run(SirsiNexusClient registry) {
            Instant from = since == null ? null : since(Arguments.duration("--since", since));
            HistoryQuery query = new HistoryQuery(Arguments.serviceName("--service", service),
                    Arguments.port("--port", port), Arguments.host("--host", host),
                    Arguments.serviceType("--type", type), from, null,
                    Arguments.between("--limit", limit, 1, io.sirsi.nexus.registry.HistoryQuery.MAX_LIMIT));
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
    }
}
