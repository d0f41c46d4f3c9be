package io.sirsi.nexus.api.security;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** What a request's headers say of its body; one reading for the cross-site checks and the HTTP rules in api. */
public final class RequestBodies {

    private RequestBodies() {
    }

    /** Whether the headers announce a body: a {@code Content-Length} above 0, or a {@code Transfer-Encoding}. */
    public static boolean announced(HttpServerRequest request) {
        if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            return true;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return length != null && !length.strip().equals("0");
    }
}
