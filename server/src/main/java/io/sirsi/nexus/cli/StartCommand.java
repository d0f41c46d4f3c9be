package io.sirsi.nexus.cli;

import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;

/**
 * {@code sirsi-nexus start}: by the time picocli runs this, {@link SirsiNexusMain} has let Quarkus start the
 * HTTP server, the store and the scheduler; the command only keeps the process alive until it is told to stop.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Start the port registry server.",
                "REST API under /ports, health under /q/health, metrics under /q/metrics. Settings come from"
                        + " -Dkey=value, environment variables or application.properties, e.g."
                        + " -Dquarkus.http.port=8080 -Dsirsi.ports.data-dir=/var/lib/sirsi-nexus."})
public class StartCommand implements Runnable {

    @Override
    public void run() {
        Quarkus.waitForExit();
    }
}
