package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.testing.RegistryProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica cut off from PostgreSQL by a partition (packets dropped, connections left open), in the middle of a
 * change: PostgreSQL still holds its session and the advisory lock of the host it was changing. The other replica's
 * changes on that host wait only until PostgreSQL ends the idle transaction (10 s, the shipped setting), not until
 * TCP keepalive notices (two hours); the cut-off replica answers its client 503 once it stops waiting for the
 * database (here 5 s, shipped 30 s), changes nothing, and serves again when the partition heals. A partition that
 * falls after the commit was sent leaves the outcome unknown, and the answer says so.
 */
class PartitionedReplicaIT {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(90);
    private static final String PROBLEM = "\"type\":\"urn:sirsi-nexus:problem:";
    private static final String NO_EXPIRY = "-Dsirsi.ports.heartbeat-timeout=1h";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private PartitionProxy proxy;
    private RegistryProcess cutOff;
    private RegistryProcess healthy;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closing : new AutoCloseable[] {cutOff, healthy, proxy}) {
            if (closing != null) {
                closing.close();
            }
        }
    }

    @Test
    void aPartitionedReplicaHoldsNoOtherReplicaUp() throws Exception {
        TestPostgresql database = startReplicas();

        proxy.cut();
        CompletableFuture<HttpResponse<String>> lost = http.sendAsync(allocation(cutOff, "during-cut"),
                HttpResponse.BodyHandlers.ofString());
        // the precondition, or the test would prove nothing: the cut-off replica's transaction holds a host's lock
        await().atMost(Duration.ofSeconds(30)).until(() -> idleTransactionsHoldingLocks(database) > 0);

        HttpResponse<String> meanwhile = allocate(healthy, "meanwhile");
        assertEquals(200, meanwhile.statusCode(), meanwhile.body());

        HttpResponse<String> refused = lost.get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"));
        assertTrue(refused.body().contains(PROBLEM + "store-unavailable\""), refused.body());
        assertFalse(names(healthy).contains("during-cut"), "a change the replica answered 503 was made");

        proxy.heal();
        await().atMost(Duration.ofSeconds(60)).until(() -> allocate(cutOff, "after").statusCode() == 200);
        assertTrue(names(cutOff).contains("meanwhile"), names(cutOff));
    }

    /**
     * The partition falls just after the replica sent the change and its commit, in one exchange: PostgreSQL commits,
     * and the answer is lost. The replica cannot know which way it went, and must not say "nothing was changed".
     */
    @Test
    void aCommitWhoseAnswerIsLostIsReportedAsUnknown() throws Exception {
        startReplicas();

        // only the exchange that writes the allocation (and commits) carries its process id: a long, sent in binary
        long processId = 0x5AFE_C0DE_0BAD_F00DL;
        proxy.cutAfterClientSends(ByteBuffer.allocate(Long.BYTES).putLong(processId).array(),
                Long.toString(processId).getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> unknown = http.send(allocation(cutOff, "lost-answer", processId),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains(PROBLEM + "store-outcome-unknown\""), unknown.body());
        assertTrue(unknown.body().contains("may or may not have been made"), unknown.body());
        assertFalse(unknown.body().contains("nothing was changed"), unknown.body());

        // it was made: PostgreSQL committed it, and the other replica learns it from the change log
        await().atMost(Duration.ofSeconds(30)).until(() -> names(healthy).contains("lost-answer"));
        int port = port(allocate(healthy, "lost-answer", processId));

        proxy.heal();
        // asking again, as the answer advises, is safe: the same allocation, the same port
        await().atMost(Duration.ofSeconds(60)).until(() -> allocate(cutOff, "after").statusCode() == 200);
        assertEquals(port, port(allocate(cutOff, "lost-answer", processId)));
    }

    /** A healthy replica, and one that reaches the same database through the proxy, which has served it once. */
    private TestPostgresql startReplicas() throws Exception {
        TestPostgresql database = TestPostgresql.require();
        database.empty();
        proxy = new PartitionProxy(database.host(), Integer.parseInt(database.port()));
        // ReplicasIT's start (rate limits off); nothing expires however slow the machine
        healthy = ReplicasIT.startReplicas(database, 1, NO_EXPIRY).get(0);
        // the later -D of the same key wins: this replica reaches the database through the proxy
        cutOff = ReplicasIT.startReplicas(database, 1, NO_EXPIRY,
                "-Dquarkus.datasource.postgresql.jdbc.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + "/"
                        + database.database(),
                "-Dquarkus.datasource.postgresql.jdbc.additional-jdbc-properties.socketTimeout=5").get(0);
        assertEquals(200, allocate(cutOff, "before").statusCode());
        return database;
    }

    private HttpResponse<String> allocate(RegistryProcess replica, String name) throws Exception {
        return http.send(allocation(replica, name), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> allocate(RegistryProcess replica, String name, long processId) throws Exception {
        return http.send(allocation(replica, name, processId), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest allocation(RegistryProcess replica, String name) {
        return allocationOf(replica, "{\"service_name\":\"" + name + "\",\"service_type\":\"custom\"}");
    }

    private static HttpRequest allocation(RegistryProcess replica, String name, long processId) {
        return allocationOf(replica, "{\"service_name\":\"" + name + "\",\"service_type\":\"custom\","
                + "\"process_id\":" + processId + "}");
    }

    private static HttpRequest allocationOf(RegistryProcess replica, String json) {
        return HttpRequest.newBuilder(URI.create(replica.url() + "/ports/allocate")).timeout(CLIENT_TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static int port(HttpResponse<String> allocated) {
        assertEquals(200, allocated.statusCode(), allocated.body());
        Matcher port = Pattern.compile("\"port\"\\s*:\\s*(\\d+)").matcher(allocated.body());
        assertTrue(port.find(), allocated.body());
        return Integer.parseInt(port.group(1));
    }

    private String names(RegistryProcess replica) throws Exception {
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(replica.url() + "/ports/directory"))
                .timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, list.statusCode(), list.body());
        return list.body();
    }

    private static int idleTransactionsHoldingLocks(TestPostgresql database) throws Exception {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.user(),
                database.password()); Statement statement = connection.createStatement();
                ResultSet count = statement.executeQuery("select count(*) from pg_locks l join pg_stat_activity a"
                        + " on a.pid = l.pid where l.locktype = 'advisory' and l.granted"
                        + " and a.state = 'idle in transaction'")) {
            count.next();
            return count.getInt(1);
        }
    }
}
