package io.sirsi.nexus.api;

import io.sirsi.nexus.api.security.RequestBodies;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Locale;

/**
 * What Netty parses leniently and this registry refuses, before anything else reads the request. A request line
 * whose version is not exactly {@code HTTP/1.0} or {@code HTTP/1.1} ({@code HTTP/9.9}, {@code http/1.1}: RFC 9112
 * spells the name in upper case) is a 505. A {@code Transfer-Encoding} whose last coding is not {@code chunked}
 * ({@code xchunked}) is a 400, as RFC 9112 (6.3) requires, since the body's end cannot be known; one that adds a
 * coding before {@code chunked} ({@code gzip, chunked}) is a 501: the registry decodes none. Each closes the
 * connection, whose remaining bytes cannot be framed. (A request target that is not a URI, such as
 * {@code /ports/heartbeat/%zz}, never gets here: Quarkus refuses it with a bare 400 before any route runs.)
 */
@ApplicationScoped
public class HttpConformance {

    private static final String CHUNKED = "chunked";
    /** How long a refused request's body may take to arrive, discarded, before its connection is closed anyway. */
    static final Duration LINGER = Duration.ofSeconds(5);

    private final ProblemWriter writer;

    public HttpConformance(ProblemWriter writer) {
        this.writer = writer;
    }

    /**
     * The first route of all (of that order, after {@link RequestMetrics}', which only counts, and so counts a refusal
     * here too; the observers' priorities order the two): every later one, Quarkus' own included, may trust the
     * request's framing.
     */
    void register(@Observes @Priority(RequestMetrics.ROUTE_PRIORITY + 1) Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.version() == null) { // Vert.x knows only HTTP/1.0, HTTP/1.1 and HTTP/2
            refuse(writer, context, Problem.forStatus(505, "the request line must end in HTTP/1.1 or HTTP/1.0,"
                    + " in upper case (RFC 9112)"));
            return;
        }
        String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
        if (encoding != null && request.version() != HttpVersion.HTTP_2) {
            // Netty may find a malformed chunk before any later handler is in place; answer while we still can
            request.exceptionHandler(malformed -> refuseMalformedChunk(writer, context));
            String codings = String.join(",", request.headers().getAll(HttpHeaders.TRANSFER_ENCODING));
            String last = codings.substring(codings.lastIndexOf(',') + 1).strip().toLowerCase(Locale.ROOT);
            if (!last.equals(CHUNKED)) {
                refuse(writer, context, Problem.forStatus(400, "Transfer-Encoding '" + codings + "' does not end in"
                        + " chunked, so the body's length is unknown; send 'Transfer-Encoding: chunked' or a"
                        + " Content-Length"));
                return;
            }
            if (!codings.strip().equalsIgnoreCase(CHUNKED)) {
                refuse(writer, context, Problem.forStatus(501, "Transfer-Encoding '" + codings + "': only chunked"
                        + " is supported, without other codings"));
                return;
            }
        }
        context.next();
    }

    /** The answer to a chunked body Netty could not decode, unless the request was answered already. */
    static void refuseMalformedChunk(ProblemWriter writer, RoutingContext context) {
        if (!context.response().ended() && !context.response().headWritten()) {
            // Netty reads nothing more of this connection, so there is no body left to wait for; and Vert.x closes
            // it as soon as this handler returns, with the answer still unwritten unless closed here, which flushes
            context.response().putHeader(HttpHeaders.CONNECTION, "close")
                    .endHandler(answered -> context.request().connection().close());
            writer.send(context, Problem.forStatus(400, "the chunked request body is malformed: each chunk"
                    + " starts with its size in hexadecimal, from 0 to 7fffffffffffffff"));
        }
    }

    /** Whether the request says it has a body: a length above 0 or a transfer coding. */
    static boolean hasBody(HttpServerRequest request) {
        return RequestBodies.announced(request) || (request.version() == HttpVersion.HTTP_2 && !request.isEnded());
    }

    /**
     * Answers with the problem and, over HTTP/1, closes the connection: the request's body, if any, was not read
     * (or not whole), and its bytes would be taken for the next request.
     */
    static void refuse(ProblemWriter writer, RoutingContext context, Problem problem) {
        refuse(writer, context, problem, LINGER);
    }

    /** The same, waiting at most {@code linger} for the rest of the body (a test's shorter time). */
    static void refuse(ProblemWriter writer, RoutingContext context, Problem problem, Duration linger) {
        HttpServerRequest request = context.request();
        if (request.version() == HttpVersion.HTTP_2) {
            writer.send(context, problem); // the stream is reset; the connection carries on
            return;
        }
        context.response().putHeader(HttpHeaders.CONNECTION, "close");
        writer.send(context, problem).onComplete(written -> closeAfterBody(context.vertx(), request, linger));
    }

    /**
     * Closes an HTTP/1 connection once the rest of the refused request's body has arrived, discarding it. Closed at
     * once, with body bytes still arriving, the kernel answers them with a reset, which can destroy the answer before
     * the client has read it: most clients send their whole body before they read ({@code RequestFuzzIT} saw the
     * JDK's "header parser received no bytes"). So, as Apache's and nginx' lingering close do, the output is ended
     * (the client sees the answer end), what still comes is read and dropped, and the connection closes when the
     * body ends or after {@code linger} ({@link #LINGER}), whichever is first; a client that closes first ends it
     * too.
     */
    private static void closeAfterBody(Vertx vertx, HttpServerRequest request, Duration linger) {
        HttpConnection connection = request.connection();
        if (request.isEnded()) {
            connection.close();
            return;
        }
        long deadline = vertx.setTimer(linger.toMillis(), late -> connection.close());
        Handler<Void> close = done -> {
            vertx.cancelTimer(deadline);
            connection.close();
        };
        request.handler(discarded -> { });
        request.exceptionHandler(gone -> close.handle(null));
        request.endHandler(close);
        request.resume();
        // not over TLS, whose end is its own close_notify, sent by the close
        if (!request.isSSL() && connection instanceof ConnectionBase base
                && base.channel() instanceof DuplexChannel socket) {
            socket.shutdownOutput();
        }
    }
}
