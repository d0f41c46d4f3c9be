package io.sirsi.nexus.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** A thin HTTP client of a running registry. Failures become {@link CliException}s with a one-line message. */
public final class RegistryClient {

    private final URI base;
    private final Optional<String> apiKey;
    private final Duration timeout;
    private final ObjectMapper json;
    private final HttpClient http;

    public RegistryClient(URI base, Optional<String> apiKey, Duration timeout, ObjectMapper json) {
        this.base = base;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** An answer of the registry: its raw body, for {@code -o json}, and the same body parsed. */
    public record Reply(int status, String body, JsonNode json) {
    }

    public Reply get(String path) {
        return send(request(path).GET(), false);
    }

    /** Like {@link #get}, but an error status with a JSON body is an answer too (health reports 503 that way). */
    public Reply probe(String path) {
        return send(request(path).GET(), true);
    }

    public Reply post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()), false);
    }

    public Reply post(String path, Object body) {
        try {
            return send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))), false);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Percent-encodes a user-given value for use as one path segment. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public URI base() {
        return base;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Accept", "application/json, application/problem+json");
        apiKey.filter(key -> !key.isBlank()).ifPresent(key -> request.header("Authorization", "Bearer " + key));
        return request;
    }

    private Reply send(HttpRequest.Builder builder, boolean errorsAreAnswers) {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw unreachable("connection refused or timed out");
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within " + timeout.toSeconds() + "s");
        } catch (IOException e) {
            throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
        JsonNode parsed = parse(response.body());
        if (response.statusCode() >= 400 && !(errorsAreAnswers && parsed != null)) {
            String message = errorMessage(response, parsed);
            if (response.statusCode() == 401) {
                message += " (give a key with --api-key or SIRSI_NEXUS_API_KEY)";
            }
            throw new CliException(ExitCodes.forStatus(response.statusCode()), message);
        }
        if (parsed == null) {
            throw new CliException(ExitCodes.FAILED, "the registry at " + base + " answered HTTP "
                    + response.statusCode() + " with a body that is not JSON; is --url pointing at sirsi-nexus?");
        }
        return new Reply(response.statusCode(), response.body(), parsed);
    }

    private CliException unreachable(String why) {
        return new CliException(ExitCodes.UNREACHABLE, "cannot reach the registry at " + base + ": " + why
                + " (start one with 'sirsi-nexus start', or point --url / SIRSI_NEXUS_URL at it)");
    }

    private static String errorMessage(HttpResponse<String> response, JsonNode problem) {
        if (problem != null) {
            for (String field : new String[] {"detail", "message"}) {
                if (problem.hasNonNull(field) && !problem.get(field).asText().isBlank()) {
                    return problem.get(field).asText();
                }
            }
        }
        return "the registry answered HTTP " + response.statusCode();
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
