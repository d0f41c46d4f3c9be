package io.sirsi.nexus.client;

import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;

/**
 * One subscriber's change stream: a {@link Watch} feeding a {@link SubmissionPublisher}. When the subscriber falls
 * behind the publisher's buffer, submitting blocks the watch's thread; the registry then drops the stream and the
 * watch resumes from where it was, so back-pressure loses nothing.
 */
final class EventPublisher implements WatchListener {

    private final SirsiNexusClient client;
    private final WatchOptions options;
    private final SubmissionPublisher<ChangeEvent> publisher = new SubmissionPublisher<>();
    private volatile Watch watch;

    EventPublisher(SirsiNexusClient client, WatchOptions options) {
        this.client = client;
        this.options = options;
    }

    void subscribe(Flow.Subscriber<? super ChangeEvent> subscriber) {
        publisher.subscribe(subscriber);
        watch = client.watch(options, this);
    }

    @Override
    public void onEvent(ChangeEvent event) {
        if (!publisher.hasSubscribers()) {
            stop(); // the subscriber cancelled
            return;
        }
        publisher.submit(event);
    }

    @Override
    public void onFailed(RegistryException failure) {
        publisher.closeExceptionally(failure);
    }

    private void stop() {
        Watch running = watch;
        if (running != null) {
            running.close();
        }
        publisher.close();
    }
}
