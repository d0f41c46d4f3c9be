package io.sirsi.nexus.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.handlers.AsyncHandler;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

/**
 * The console under the log's queue leaves flushing to the queue's thread, which flushes whenever the queue runs
 * empty. That a lone line still appears at once is what the packaged-jar tests that wait for a line after an action
 * show (DurabilityIT, OpenApiDocumentIT, RestartGraceIT); how many lines a write carries under load, bench/ab.
 */
@QuarkusTest
class BatchedConsoleLogTest {

    @Test
    void theConsoleUnderTheQueueIsFlushedByTheQueueAlone() {
        List<AsyncHandler> queues = new ArrayList<>();
        collect(LogManager.getLogManager().getLogger("").getHandlers(), queues);
        assertFalse(queues.isEmpty(), "quarkus.log.console.async.enabled puts the console under a queue");
        for (AsyncHandler queue : queues) {
            assertTrue(queue.isAutoFlush(), "the queue's thread flushes when the queue runs empty");
            for (Handler nested : queue.getHandlers()) {
                if (nested instanceof ConsoleHandler console) {
                    assertFalse(console.isAutoFlush(), "the console does not flush each line itself");
                }
            }
        }
    }

    private static void collect(Handler[] handlers, List<AsyncHandler> queues) {
        for (Handler handler : handlers) {
            if (handler instanceof AsyncHandler queue) {
                queues.add(queue);
            } else if (handler instanceof ExtHandler ext) {
                collect(ext.getHandlers(), queues);
            }
        }
    }
}
