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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica cut off from PostgreSQL by a partition (packets dropped, connections left open), in the middle of a
 * change: PostgreSQL still holds its session and the advisory lock of the host it was changing. The other replica's
 * changes on that host wait only until PostgreSQL ends the idle transaction (10 s, the shipped setting), not until
 * TCP keepalive notices (two hours); the cut-off replica answers its client 503 once it stops waiting for the
 * database (here 5 s, shipped 30 s), changes nothing, and serves again when the partition heals.
 */
class PartitionedReplicaIT {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(90);
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
        assertFalse(names(healthy).contains("during-cut"), "a change the replica answered 503 was made");

        proxy.heal();
        await().atMost(Duration.ofSeconds(60)).until(() -> allocate(cutOff, "after").statusCode() == 200);
        assertTrue(names(cutOff).contains("meanwhile"), names(cutOff));
    }

    private HttpResponse<String> allocate(RegistryProcess replica, String name) throws Exception {
        return http.send(allocation(replica, name), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest allocation(RegistryProcess replica, String name) {
        return HttpRequest.newBuilder(URI.create(replica.url() + "/ports/allocate")).timeout(CLIENT_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"service_name\":\"" + name + "\","
                        + "\"service_type\":\"custom\"}"))
                .build();
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
