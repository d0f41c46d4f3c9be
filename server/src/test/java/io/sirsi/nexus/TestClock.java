package io.sirsi.nexus;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The registry's clock under test: stands still until the test moves it, so that expiry is decided on time the test
 * chose, not on how slow the machine is. Enabled by {@link InjectedTimeProfile} only.
 */
@Alternative
@ApplicationScoped
public class TestClock implements InstantSource {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

    @Override
    public Instant instant() {
        return now.get();
    }

    public void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }
}
