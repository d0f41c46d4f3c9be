package io.sirsi.nexus.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An error body: RFC 9457 problem details, plus the spec's {@code success: false} and {@code message}
 * so that clients written against either read it.
 */
@Schema(name = "Problem", description = "application/problem+json error body")
public record Problem(String type, String title, int status, String detail, boolean success, String message) {

    static Problem of(String type, String title, int status, String detail) {
        return new Problem(type, title, status, detail, false, detail);
    }
}
