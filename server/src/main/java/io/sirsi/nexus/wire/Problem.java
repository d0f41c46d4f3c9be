package io.sirsi.nexus.wire;

import jakarta.ws.rs.core.Response;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An error body: RFC 9457 problem details, plus the spec's {@code success: false} and {@code message}
 * so that clients written against either read it.
 */
@Schema(name = "Problem", description = "application/problem+json error body")
public record Problem(String type, String title, int status, String detail, boolean success, String message) {

    /** The media type of every error response. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_PREFIX = "urn:sirsi-nexus:problem:";

    /** A problem of the given kind ({@code conflict} becomes {@code urn:sirsi-nexus:problem:conflict}). */
    public static Problem of(String kind, String title, int status, String detail) {
        return new Problem(TYPE_PREFIX + kind, title, status, detail, false, detail);
    }

    /**
     * A problem for a status that has no more specific kind: its reason phrase names it ({@code 405} becomes
     * {@code method-not-allowed}); the detail, when there is none, says the phrase and the status.
     */
    public static Problem forStatus(int status, String detail) {
        Response.StatusType known = Response.Status.fromStatusCode(status);
        String reason = known != null ? known.getReasonPhrase() : "Request rejected";
        return of(reason.toLowerCase(Locale.ROOT).replace(' ', '-'), reason, status,
                detail == null || detail.isBlank() ? reason + " (HTTP " + status + ")" : detail);
    }
}
