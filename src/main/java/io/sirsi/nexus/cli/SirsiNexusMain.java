package io.sirsi.nexus.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * One binary, two faces. The HTTP listener, scheduler and database start while Quarkus boots, before picocli
 * parses anything, so whether this process is the registry server is decided here, from the arguments.
 */
@QuarkusMain
public class SirsiNexusMain implements QuarkusApplication {

    static final String SERVER_COMMAND = "start";

    @Inject
    CommandLine.IFactory factory;

    public static void main(String... args) {
        if (!isServer(args)) {
            clientMode();
        }
        Quarkus.run(SirsiNexusMain.class, args);
    }

    @Override
    public int run(String... args) {
        return new CommandLine(SirsiNexusCommand.class, factory).execute(args);
    }

    private static boolean isServer(String... args) {
        return Arrays.stream(args).filter(arg -> !arg.startsWith("-")).findFirst()
                .map(SERVER_COMMAND::equals).orElse(false);
    }

    /** A client command opens no port, no database and no scheduler, and keeps stdout for its own output. */
    private static void clientMode() {
        setDefault("sirsi.server.enabled", "false");
        setDefault("quarkus.http.host-enabled", "false");
        setDefault("quarkus.scheduler.enabled", "false");
        setDefault("quarkus.datasource.active", "false");
        setDefault("quarkus.datasource.postgresql.active", "false");
        setDefault("quarkus.flyway.active", "false");
        setDefault("quarkus.flyway.postgresql.active", "false");
        setDefault("quarkus.banner.enabled", "false");
        setDefault("quarkus.log.level", "WARN");
        setDefault("quarkus.log.console.stderr", "true");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
