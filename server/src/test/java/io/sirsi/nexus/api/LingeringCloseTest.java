package io.sirsi.nexus.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sirsi.nexus.wire.ProblemWriter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a refused HTTP/1 request's connection ends ({@link HttpConformance#refuse}), on a Vert.x server of its own with
 * a short linger: the answer arrives and the output ends at once, the rest of the body is read and discarded, and
 * the connection closes when the body has come, or when the linger has passed if it never does.
 */
class LingeringCloseTest {

    private static final Duration LINGER = Duration.ofMillis(300);
    private static final String HEAD = "POST /ports/allocate HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n";

    private final AtomicInteger refused = new AtomicInteger();
    private Vertx vertx;
    private int port;

    @BeforeEach
    void serve() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        ProblemWriter writer = new ProblemWriter(new ObjectMapper());
        router.route().handler(context -> {
            refused.incrementAndGet();
            HttpConformance.refuse(writer, context, BodySizeLimit.tooLarge("refused before its body"), LINGER);
        });
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theRestOfTheBodyIsReadBeforeTheClose() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000); // a hang guard, not a timing
            OutputStream out = socket.getOutputStream();
            out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[100_000];
            for (int sent = 0; sent < 2_000_000; sent += chunk.length) {
                out.write(chunk); // a reset here was the defect: the registry closed with these bytes unread
            }
            out.flush();
            String answer = readToEnd(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.toLowerCase().contains("connection: close"), answer);
            assertTrue(answer.contains("refused before its body"), answer);
        }
        assertEquals(1, refused.get()); // the body's bytes were never taken for another request
    }

    @Test
    void aBodyThatNeverComesIsWaitedForOnlyTheLinger() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((HEAD + "{\"service_name\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the answer, then the end of the output, while the rest of the body is still awaited
            String answer = readToEnd(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            // the body never completes; once the linger has passed the connection is closed, and a write fails
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> writeFails(out));
        }
    }

    private static boolean writeFails(OutputStream out) {
        try {
            out.write('x');
            out.flush();
            return false;
        } catch (IOException closed) {
            return true;
        }
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        in.transferTo(read);
        return read.toString(StandardCharsets.UTF_8);
    }
}
