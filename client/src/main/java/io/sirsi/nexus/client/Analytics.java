package io.sirsi.nexus.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /ports/analytics}: how each range of a host was used over a window.
 *
 * @param window the window, as asked ({@code 24h}, {@code 7d}...)
 * @param from its start
 * @param to its end
 * @param host the host it is about
 * @param revision the change-log revision it was computed at
 * @param types each service type's use
 * @param flapping services that expired and came back within the window
 * @param mostReusedPorts the ports allocated most often in the window
 */
public record Analytics(String window, Instant from, Instant to, String host, long revision,
        Map<String, TypeUsage> types, List<Flapping> flapping, List<ReusedPort> mostReusedPorts) {

    /**
     * A service type's range over the window.
     *
     * @param inUse ports held now
     * @param peakInUse most ports held at any moment of the window
     * @param peakAt when the peak was first reached
     * @param allocations allocations made in the window
     * @param releases releases in the window
     * @param removals expired allocations removed in the window
     * @param expirations allocations that expired in the window
     * @param meanLifetimeSeconds mean lifetime of the allocations that ended in the window; {@code null} when none did
     * @param exhaustionForecast when the range would be full at the window's net growth; {@code null} when it did not
     *        grow
     * @param firstPort the range's first port
     * @param lastPort its last port
     * @param size how many ports it has
     * @param available how many are free now
     */
    public record TypeUsage(int inUse, int peakInUse, Instant peakAt, int allocations, int releases, int removals,
            int expirations, Double meanLifetimeSeconds, Instant exhaustionForecast, int firstPort, int lastPort,
            int size, int available) {
    }

    /** A service that expired and was revived within the window (its heartbeats come and go). */
    public record Flapping(String serviceName, String host, int expirations, int revivals) {
    }

    /** A port allocated often within the window, and to how many services. */
    public record ReusedPort(int port, int allocations, int services) {
    }
}
