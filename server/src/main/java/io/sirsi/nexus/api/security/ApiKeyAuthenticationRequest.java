package io.sirsi.nexus.api.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** An API key presented by a client, for {@link ApiKeyIdentityProvider} to check. */
public class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;

    public ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
