package io.sirsi.nexus.api;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Rejects request bodies larger than any valid request could be, with a problem+json 413, however the body is
 * framed. A body with a {@code Content-Length} is refused before it is read, here on the event loop, ahead of the
 * HTTP layer's own check of {@code quarkus.http.limits.max-body-size} (which answers a bare 413); the connection
 * is closed once the rest of the body, which may already be on its way, has arrived and been discarded
 * ({@link HttpConformance#refuse}). A chunked body that turns out malformed (a chunk size
 * {@code zz}, {@code -5} or past 2^63) is answered with a problem+json 400 where the connection still takes it.
 * An HTTP/1.1 body without one
 * ({@code Transfer-Encoding: chunked}) is read here, counting, refused as soon as it passes the limit (closing the
 * connection, which still carries the rest, in the same way), and within it handed to JAX-RS already read. An HTTP/2 (or h2c) body
 * without a length is counted as JAX-RS reads it ({@link StreamedBodies}): Quarkus REST cannot take an HTTP/2 body
 * that was read before it. The HTTP layer's own limit ({@code quarkus.http.limits.max-body-size}) stays as a
 * higher backstop: it answers without a body.
 */
@ApplicationScoped
public class BodySizeLimit {

    static final int MAX_BYTES = 16 * 1024;
    /**
     * A host agent's report ({@code POST /ports/hosts/{host}/report}): a snapshot of every socket on the host, about
     * 90 bytes each, so 2,000 listeners take some 180 KB; no more than the HTTP layer's own backstop.
     */
    static final int REPORT_MAX_BYTES = 1024 * 1024;
    /** After the security filters (protected mode refuses a remote client before its body is read). */
    private static final int PRIORITY = 10;
    private static final String OVER_LIMIT = "request body is over the limit of " + MAX_BYTES + " bytes";

    private final ProblemWriter writer;

    public BodySizeLimit(ProblemWriter writer) {
        this.writer = writer;
    }

    /** The 413 every oversized body gets. */
    static Problem tooLarge(String detail) {
        return Problem.of("body-too-large", "Request body too large", 413, detail);
    }

    void register(@Observes Filters filters) {
        filters.register(this::limitStreamedBody, PRIORITY);
    }

    private void limitStreamedBody(RoutingContext context) {
        HttpServerRequest request = context.request();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        int limit = limit(request);
        if (length != null && isOverLimit(length, limit)) {
            HttpConformance.refuse(writer, context, tooLarge("request body of " + length.strip()
                    + " bytes is over the limit of " + limit + " bytes"));
            return;
        }
        if (!streamsBody(request)) {
            context.next();
            return;
        }
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (context.response().ended()) {
                return; // refused already: the rest is discarded
            }
            if (body.length() + chunk.length() > limit) {
                // the rest of the body is still on its way; the connection cannot carry another request
                HttpConformance.refuse(writer, context, tooLarge("request body is over the limit of " + limit
                        + " bytes"));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(malformed -> HttpConformance.refuseMalformedChunk(writer, context));
        request.endHandler(end -> {
            if (!context.response().ended()) {
                context.setBody(body);
                context.next();
            }
        });
        request.resume();
    }

    /** A host agent's report may be larger than any other request; on HTTP/2 it is counted at the lower limit. */
    private static int limit(HttpServerRequest request) {
        String path = request.path();
        return path != null && path.startsWith("/ports/hosts/") && path.endsWith("/report") ? REPORT_MAX_BYTES
                : MAX_BYTES;
    }

    /** Netty lets only digits through; a number past a {@code long} is over any limit too. */
    private static boolean isOverLimit(String length, int limit) {
        String digits = length.strip();
        try {
            return digits.length() > 18 || Long.parseLong(digits) > limit;
        } catch (NumberFormatException notOurs) {
            return false; // Netty's to refuse
        }
    }

    /** An HTTP/1.1 body whose length is not announced: it can only be counted as it arrives. */
    private static boolean streamsBody(HttpServerRequest request) {
        return request.version() != HttpVersion.HTTP_2 && !request.isEnded()
                && !request.headers().contains(HttpHeaders.CONTENT_LENGTH)
                && request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    }

    /** Counts a body without {@code Content-Length} as JAX-RS reads it, and stops it at the limit with a 413. */
    @Provider
    public static class StreamedBodies implements ReaderInterceptor {

        @Override
        public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
            if (context.getHeaders().getFirst(jakarta.ws.rs.core.HttpHeaders.CONTENT_LENGTH) == null) {
                context.setInputStream(new Limited(context.getInputStream()));
            }
            return context.proceed();
        }
    }

    private static final class Limited extends FilterInputStream {

        private long read;

        Limited(InputStream body) {
            super(body);
        }

        @Override
        public int read() throws IOException {
            int next = super.read();
            count(next < 0 ? 0 : 1);
            return next;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int count = super.read(buffer, offset, length);
            count(Math.max(count, 0));
            return count;
        }

        private void count(int bytes) {
            read += bytes;
            if (read > MAX_BYTES) {
                throw new WebApplicationException(OVER_LIMIT,
                        Response.Status.REQUEST_ENTITY_TOO_LARGE);
            }
        }
    }
}
