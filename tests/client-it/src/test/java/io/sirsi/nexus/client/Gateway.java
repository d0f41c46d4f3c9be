package io.sirsi.nexus.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A reverse proxy in front of a registry, as nginx or an ingress would be: it forwards each request (not streams) to
 * the registry, or, once told {@link #failWith}, answers every request with that status and an HTML page of its own,
 * as a proxy does that cannot reach what is behind it (502 Bad Gateway, 504 Gateway Timeout).
 */
final class Gateway implements AutoCloseable {

    private static final List<String> FORWARDED = List.of("Content-Type", "Accept", "Authorization", "Last-Event-ID");
    private static final List<String> ANSWERED = List.of("Content-Type", "X-Sirsi-Index", "Retry-After");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String target;
    private volatile int failure;

    private Gateway(String target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A gateway that forwards to this registry. */
    static Gateway to(String registryUrl) throws IOException {
        return new Gateway(registryUrl);
    }

    /** A gateway with nothing behind it, answering every request with this status. */
    static Gateway failing(int status) throws IOException {
        Gateway gateway = new Gateway(null);
        gateway.failWith(status);
        return gateway;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on, every request is answered with this status. */
    void failWith(int status) {
        failure = status;
    }

    /** From now on, requests are forwarded again. */
    void forward() {
        failure = 0;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            int status = failure;
            if (status != 0) {
                answer(exchange, status, "text/html",
                        ("<html><body><h1>" + status + "</h1>the gateway cannot reach the registry</body></html>")
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : FORWARDED) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                answer(exchange, 502, "text/plain", "bad gateway".getBytes(StandardCharsets.UTF_8));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (String header : ANSWERED) {
                response.headers().firstValue(header).ifPresent(value ->
                        exchange.getResponseHeaders().set(header, value));
            }
            answer(exchange, response.statusCode(), null, response.body());
        }
    }

    private static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        if (type != null) {
            exchange.getResponseHeaders().set("Content-Type", type);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
