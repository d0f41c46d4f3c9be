package io.sirsi.nexus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Requests exactly as written, where a client library would tidy them: raw bytes over a socket (no Host, a chunked
 * body, a space before {@code ;}), and HTTP/2 over cleartext with prior knowledge, whose bodies carry no length.
 */
public final class RawHttp {

    /** An answer: status, headers (lowercase names) and body. */
    public record Answer(int status, Map<String, String> headers, String body) {

        public String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    private RawHttp() {
    }

    /** Sends the request (which should say {@code Connection: close}) and reads the answer to the end. */
    public static Answer send(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000); // a hang guard, not a timing
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return parse(readAll(socket.getInputStream()));
        }
    }

    /**
     * Writes the request's head and then all of its body before reading anything, as most clients do; unlike
     * {@link #send}, a write the server cuts off (a reset, a broken pipe) fails here.
     */
    public static Answer sendWhole(int port, String head, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000); // a hang guard, not a timing
            java.io.OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.UTF_8));
            for (int at = 0; at < body.length; at += 65_536) {
                out.write(body, at, Math.min(65_536, body.length - at));
            }
            out.flush();
            return parse(readAll(socket.getInputStream()));
        }
    }

    /** A request line, headers and body, with {@code Connection: close} and a {@code Content-Length}. */
    public static String post(String path, String contentType, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** The same, with the body in chunks of {@code size} bytes and no length. */
    public static String chunked(String path, String contentType, String body, int size) {
        StringBuilder request = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close"
                + "\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < body.length(); i += size) {
            String chunk = body.substring(i, Math.min(body.length(), i + size));
            request.append(Integer.toHexString(chunk.getBytes(StandardCharsets.UTF_8).length)).append("\r\n")
                    .append(chunk).append("\r\n");
        }
        return request.append("0\r\n\r\n").toString();
    }

    /** One HTTP/2 request over cleartext (h2c, prior knowledge) on a client of its own; see {@link Http2}. */
    public static Answer http2(int port, String method, String path, String contentType, String body)
            throws Exception {
        try (Http2 client = new Http2(port)) {
            return client.send(method, path, contentType, body);
        }
    }

    /** An HTTP/2 client over cleartext with prior knowledge (as {@code curl --http2-prior-knowledge}). */
    public static final class Http2 implements AutoCloseable {

        private final Vertx vertx = Vertx.vertx();
        private final HttpClient client;

        public Http2(int port) {
            client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(port));
        }

        /** Sends the body in pieces of 4 KiB without a length, as HTTP/2 allows. */
        public Answer send(String method, String path, String contentType, String body) throws Exception {
            return send(method, path, contentType, body, false);
        }

        /** Sends the body in pieces of 4 KiB, its length announced first when {@code withLength}. */
        public Answer send(String method, String path, String contentType, String body, boolean withLength)
                throws Exception {
            return client.request(HttpMethod.valueOf(method), path).compose(request -> {
                if (contentType != null) {
                    request.putHeader("content-type", contentType);
                }
                // Asked for here, on the event loop, before the request ends: composed later from the test's thread,
                // the body of an answer that came first was dropped and read as empty (a busy CI machine saw it)
                Future<Answer> answered = request.response()
                        .compose(response -> response.body().map(content -> answer(response, content)));
                if (body == null) {
                    request.end();
                } else {
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    if (withLength) {
                        request.putHeader("content-length", Integer.toString(bytes.length));
                    } else {
                        request.setChunked(true);
                    }
                    for (int i = 0; i < bytes.length; i += 4096) {
                        request.write(Buffer.buffer(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 4096))));
                    }
                    request.end(); // may fail once the server has answered early; the answer is what counts
                }
                return answered;
            }).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static Answer answer(HttpClientResponse response, Buffer content) {
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().forEach(header -> headers.put(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
        return new Answer(response.statusCode(), headers, content.toString(StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
            }
        } catch (java.net.SocketException reset) {
            // the server may reset a connection whose request it did not read whole; what came before counts
        }
        return out.toByteArray();
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("no HTTP answer: '" + text + "'");
        }
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, lineEnd).strip(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
