package io.sirsi.nexus.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sirsi.nexus.RawHttp;
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
    /**
     * More than the kernel's socket buffers on both sides hold (loopback's grow to several MB), so that without the
     * lingering close the client's writes meet the reset.
     */
    private static final int BODY_BYTES = 8 * 1024 * 1024;

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
        // a reset while writing was the defect: the registry closed with the rest of the body unread
        RawHttp.Answer answer = RawHttp.sendWhole(port, head(), new byte[BODY_BYTES]);
        assertEquals(413, answer.status(), answer.body());
        assertEquals("close", answer.headers().get("connection"));
        assertTrue(answer.body().contains("refused before its body"), answer.body());
        assertEquals(1, refused.get()); // the body's bytes were never taken for another request
    }

    @Test
    void aBodyThatNeverComesIsWaitedForOnlyTheLinger() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((head() + "{\"service_name\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the answer, then the end of the output, while the rest of the body is still awaited
            String answer = readToEnd(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            // the body never completes; once the linger has passed the connection is closed, and a write fails
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> writeFails(out));
        }
    }

    private static String head() {
        return "POST /ports/allocate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + BODY_BYTES + "\r\n\r\n";
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
