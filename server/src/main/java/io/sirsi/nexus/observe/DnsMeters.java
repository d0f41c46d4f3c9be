package io.sirsi.nexus.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sirsi.nexus.dns.DnsObserver;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DNS server's meters: {@code sirsi_dns_queries_total{qtype,rcode}}, the queries answered by query type and
 * response code (both from closed sets, so a client cannot mint series), and {@code sirsi_dns_failures_total}, the
 * queries a defect left unanswered.
 */
@Singleton
public class DnsMeters implements DnsObserver {

    private final MeterRegistry meters;
    private final Map<String, Counter> queries = new ConcurrentHashMap<>();
    private final Counter failures;

    public DnsMeters(MeterRegistry meters) {
        this.meters = meters;
        this.failures = Counter.builder("sirsi.dns.failures")
                .description("DNS queries left unanswered by an unexpected failure (a defect; see the log)")
                .register(meters);
    }

    @Override
    public void answered(String queryType, String responseCode) {
        queries.computeIfAbsent(queryType + " " + responseCode, key -> Counter.builder("sirsi.dns.queries")
                .description("DNS queries answered, by query type and response code")
                .tag("qtype", queryType).tag("rcode", responseCode).register(meters)).increment();
    }

    @Override
    public void failed() {
        failures.increment();
    }
}
