package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.sirsi.nexus.api.security.ApiKeys;
import java.util.Map;

/** A registry with one API key per role, and CORS open to one dashboard origin and its previews. */
public class ApiKeysProfile implements QuarkusTestProfile {

    public static final String READER_KEY = "reader-key-7f3c9a";
    public static final String WRITER_KEY = "writer-key-51b0de";
    public static final String ADMIN_KEY = "admin-key-c2e847";
    public static final String DASHBOARD = "https://dashboard.example.test";
    /** Origins as a regular expression, as Quarkus takes them: a preview deployment of the dashboard per branch. */
    public static final String PREVIEWS = "/https://[a-z0-9-]+[.]preview[.]example[.]test/";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "sirsi.auth.keys.dashboard", "reader:" + ApiKeys.sha256Hex(READER_KEY),
                "sirsi.auth.keys.ci-runner", "writer:" + ApiKeys.sha256Hex(WRITER_KEY),
                "sirsi.auth.keys.operator", "ADMIN:" + ApiKeys.sha256Hex(ADMIN_KEY).toUpperCase(),
                "quarkus.http.cors.enabled", "true",
                "quarkus.http.cors.origins", DASHBOARD + "," + PREVIEWS,
                "quarkus.http.cors.methods", "GET,POST",
                "quarkus.http.cors.headers", "Authorization,X-API-Key,Content-Type");
    }
}
