package io.sirsi.nexus.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One answer of the registry as it came, before the client reads it: for tools that show the registry's own JSON or
 * a header the typed results leave out (the {@code sirsi-nexus ports} commands print it for {@code -o json}). See
 * {@link SirsiNexusClient.Builder#onAnswer}.
 */
public final class RegistryAnswer {

    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;
    private final ObjectMapper json;

    RegistryAnswer(int status, HttpHeaders headers, byte[] body, ObjectMapper json) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.json = json;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The first value of a header, by its name in any case. */
    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** The body as text, as the registry wrote it. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the body is a JSON document (a registry's answer; a proxy's error page is not). */
    public boolean isJson() {
        return tree().isPresent();
    }

    /**
     * The answer's {@code message}, the summary for a person that the registry puts in its answers to writes
     * (allocate, release, drain, cleanup...), when it has one.
     */
    public Optional<String> message() {
        return tree().map(node -> node.get("message")).filter(JsonNode::isTextual).map(JsonNode::asText);
    }

    private Optional<JsonNode> tree() {
        if (body.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readTree(body)).filter(node -> node.isObject() || node.isArray());
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }
}
