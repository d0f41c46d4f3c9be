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
 * under load a write carries many lines, and an idle registry's line still appears at once. Nothing more is lost on a
 * crash than before (what is queued was already lost).
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
        for (Handler nested : ext.getHandlers()) {
            if (handler instanceof AsyncHandler queue && queue.isAutoFlush() && nested instanceof ConsoleHandler console) {
                console.setAutoFlush(false);
            } else {
                batch(nested);
            }
        }
    }
}
