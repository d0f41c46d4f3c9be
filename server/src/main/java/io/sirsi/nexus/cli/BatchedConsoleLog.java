package io.sirsi.nexus.cli;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.handlers.AsyncHandler;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * The console log is written by a thread of its own (quarkus.log.console.async.enabled), which flushed the console
 * after every line: a write system call per line, two per registration cycle (its allocation and its release),
 * about 9 µs of CPU a cycle on a thread that competes with the store writer for a core (issue 23). The console
 * handler under the queue now leaves flushing to the queue's thread, which flushes whenever the queue runs empty:
 * under load a write carries several lines, and an idle registry's line still appears at once. A kill -9 loses what
 * was queued, as before, and now also the unflushed lines of the burst being written (a buffer of a few KB at most).
 */
@ApplicationScoped
class BatchedConsoleLog {

    void onStart(@Observes StartupEvent event) {
        for (Handler handler : LogManager.getLogManager().getLogger("").getHandlers()) {
            batch(handler);
        }
    }

    private static void batch(Handler handler) {
        if (!(handler instanceof ExtHandler ext)) {
            return;
        }
        boolean queueFlushes = handler instanceof AsyncHandler queue && queue.isAutoFlush();
        for (Handler nested : ext.getHandlers()) {
            if (queueFlushes && nested instanceof ConsoleHandler console) {
                console.setAutoFlush(false);
            } else {
                batch(nested);
            }
        }
    }
}
