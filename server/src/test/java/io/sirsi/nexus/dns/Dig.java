package io.sirsi.nexus.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** BIND's {@code dig}, run as a process against a DNS port, and its answer read from its text. */
public final class Dig {

    private static final Pattern STATUS = Pattern.compile("status: (\\w+)");
    private static final Pattern FLAGS = Pattern.compile(";; flags: ([a-z ]*);");

    /** What dig printed: the status, the header flags, and each section's records, one line each, tabs as spaces. */
    public record Answer(String status, List<String> flags, List<String> answer, List<String> authority,
            List<String> additional, String text) {

        /** The data of the answer's records (what follows type), e.g. {@code 1 1 8080 node-a.host.sirsi.}. */
        public List<String> answerData() {
            return answer.stream().map(Answer::data).toList();
        }

        public List<String> additionalData() {
            return additional.stream().filter(line -> !line.contains(" OPT ")).map(Answer::data).toList();
        }

        private static String data(String line) {
            String[] fields = line.split(" ", 5);
            return fields.length < 5 ? "" : fields[4];
        }
    }

    private Dig() {
    }

    /** {@code dig @127.0.0.1 -p port +norec ...options}: one try, a generous timeout for a busy machine. */
    public static Answer query(int port, String... options) throws IOException, InterruptedException {
        return query("127.0.0.1", port, options);
    }

    /**
     * {@link #query(int, String...)} to another address of the server (dig sends from the same). Asked again when
     * what dig printed is not a reply (no {@code qr} flag): dig binds port 0 with SO_REUSEPORT, the kernel may hand
     * it the port the server's sockets share with that option (same user; see docs/decisions.md), and its connected
     * socket then gets its own query back. A new try gets another port.
     */
    public static Answer query(String server, int port, String... options) throws IOException, InterruptedException {
        Answer answer = queryOnce(server, port, options);
        for (int retry = 0; retry < 2 && !answer.flags().contains("qr"); retry++) {
            answer = queryOnce(server, port, options);
        }
        return answer;
    }

    private static Answer queryOnce(String server, int port, String... options)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("dig", "@" + server, "-p", Integer.toString(port), "+norec",
                "+tries=1", "+time=10"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dig did not finish: " + String.join(" ", command));
        }
        Matcher status = STATUS.matcher(text);
        Matcher flags = FLAGS.matcher(text);
        if (!status.find() || !flags.find()) {
            throw new AssertionError("no answer from dig " + String.join(" ", command) + ":\n" + text);
        }
        return new Answer(status.group(1), List.of(flags.group(1).strip().split(" ")), section(text, "ANSWER"),
                section(text, "AUTHORITY"), section(text, "ADDITIONAL"), text);
    }

    private static List<String> section(String text, String name) {
        List<String> records = new ArrayList<>();
        boolean inside = false;
        for (String line : text.split("\n")) {
            if (line.startsWith(";; " + name + " SECTION:")) {
                inside = true;
            } else if (inside && (line.isBlank() || line.startsWith(";"))) {
                inside = false;
            } else if (inside) {
                records.add(line.strip().replaceAll("\\s+", " "));
            }
        }
        return records;
    }
}
