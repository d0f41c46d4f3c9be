package io.sirsi.nexus.dns;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sirsi.nexus.testing.RegistryProcess;
import io.sirsi.nexus.TestPostgresql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import javax.naming.Context;
import javax.naming.directory.Attribute;
import javax.naming.directory.InitialDirContext;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar's DNS interface: the JDK's own DNS client (JNDI, unmodified) reads its records, and two replicas
 * on one PostgreSQL database answer alike, each from its own index.
 */
class DnsIT {

    private static String allocate(RegistryProcess registry, String name, String host) {
        return registry.request().contentType("application/json")
                .body("{\"service_name\":\"" + name + "\",\"service_type\":\"rest-api\",\"host\":\"" + host + "\"}")
                .post("/ports/allocate").then().statusCode(200).extract().path("allocation.allocation_id");
    }

    @Test
    void theJdksOwnResolverReadsTheRecords() throws Exception {
        int dnsPort = RegistryProcess.freePort();
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-dns"),
                "-Dsirsi.dns.port=" + dnsPort)) {
            registry.awaitLogLines("DNS: answering zone sirsi. on 0.0.0.0:" + dnsPort + " (UDP and TCP)", 1);
            allocate(registry, "orders", "10.0.0.7");
            Hashtable<String, String> environment = new Hashtable<>();
            environment.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
            environment.put(Context.PROVIDER_URL, "dns://127.0.0.1:" + dnsPort + "/");
            InitialDirContext resolver = new InitialDirContext(environment);
            try {
                Attribute address = resolver.getAttributes("10.0.0.7.host.sirsi.", new String[] {"A"}).get("A");
                assertEquals("10.0.0.7", address.get());
                Attribute loopback = resolver.getAttributes("localhost.host.sirsi.", new String[] {"A"}).get("A");
                assertEquals("127.0.0.1", loopback.get());
                Attribute srv = resolver.getAttributes("_orders._tcp.sirsi.", new String[] {"SRV"}).get("SRV");
                assertEquals("1 1 8080 10.0.0.7.host.sirsi.", srv.get());
            } finally {
                resolver.close();
            }
        }
    }

    private static void report(RegistryProcess registry, String host, String address) {
        registry.request().contentType("application/json").body("{\"agent_version\":\"test\",\"scanned_at\":"
                + "\"2026-12-05T01:00:00Z\",\"listeners\":[],\"addresses\":[\"" + address + "\"]}")
                .post("/ports/hosts/" + host + "/report").then().statusCode(200);
    }

    /** A host's reported addresses are stored: a restarted registry answers with them before any agent reports. */
    @Test
    void reportedAddressesOutliveARestart() throws Exception {
        Path dataDir = Files.createTempDirectory("sirsi-nexus-dns-restart");
        int dnsPort = RegistryProcess.freePort();
        try (RegistryProcess registry = RegistryProcess.start(dataDir, "-Dsirsi.dns.port=" + dnsPort)) {
            report(registry, "node-r", "10.7.0.1");
            assertEquals(List.of("10.7.0.1"), Dig.query(dnsPort, "node-r.host.sirsi.", "A").answerData());
        }
        try (RegistryProcess registry = RegistryProcess.start(dataDir, "-Dsirsi.dns.port=" + dnsPort)) {
            assertEquals(List.of("10.7.0.1"), Dig.query(dnsPort, "node-r.host.sirsi.", "A").answerData());
        }
    }

    @Test
    void twoReplicasAnswerAlikeFromTheirIndexes() throws Exception {
        TestPostgresql database = TestPostgresql.require();
        database.empty();
        int firstPort = RegistryProcess.freePort();
        int secondPort = RegistryProcess.freePort();
        try (RegistryProcess first = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-dns-replica"),
                database.registryProperties("-Dsirsi.dns.port=" + firstPort));
                RegistryProcess second = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-dns-replica"),
                        database.registryProperties("-Dsirsi.dns.port=" + secondPort))) {
            String onA = allocate(first, "orders", "node-a");
            allocate(second, "orders", "node-b");

            List<String> fromFirst = sorted(Dig.query(firstPort, "orders.service.sirsi.", "SRV").answerData());
            List<String> fromSecond = sorted(Dig.query(secondPort, "orders.service.sirsi.", "SRV").answerData());
            assertEquals(List.of("1 1 8080 node-a.host.sirsi.", "1 1 8080 node-b.host.sirsi."), fromFirst);
            assertEquals(fromFirst, fromSecond);

            // released on one replica: gone from the other's next answer
            first.request().contentType("application/json").body("{\"allocation_id\":\"" + onA + "\"}")
                    .post("/ports/release").then().statusCode(200);
            assertEquals(List.of("1 1 8080 node-b.host.sirsi."),
                    Dig.query(secondPort, "orders.service.sirsi.", "SRV").answerData());
            assertEquals("NXDOMAIN", Dig.query(secondPort, "orders.service.node-a.host.sirsi.", "SRV").status());

            // a host's agent reports to one replica: the other answers its name with the addresses within seconds
            report(first, "node-b", "10.7.0.2");
            await().atMost(Duration.ofSeconds(60)).until(
                    () -> Dig.query(secondPort, "node-b.host.sirsi.", "A").answerData(), equalTo(List.of("10.7.0.2")));
        }
    }

    private static List<String> sorted(List<String> records) {
        return records.stream().sorted().toList();
    }
}
