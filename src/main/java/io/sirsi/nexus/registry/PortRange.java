package io.sirsi.nexus.registry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An inclusive range of TCP ports, written {@code 8080-8099}. */
public record PortRange(int first, int last) {

    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65535;
    private static final Pattern TEXT = Pattern.compile("\\s*(\\d{1,5})\\s*-\\s*(\\d{1,5})\\s*");

    public PortRange {
        if (!isValidPort(first) || !isValidPort(last) || first > last) {
            throw new IllegalArgumentException("invalid port range " + first + "-" + last
                    + ": both ends must be ports 1-65535 and the first no greater than the last");
        }
    }

    /** Parses {@code 8080-8099}; a single port {@code 8080} is a range of one. */
    public static PortRange parse(String text) {
        Matcher matcher = TEXT.matcher(text);
        if (matcher.matches()) {
            return new PortRange(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)));
        }
        String single = text.strip();
        if (single.matches("\\d{1,5}")) {
            int port = Integer.parseInt(single);
            return new PortRange(port, port);
        }
        throw new IllegalArgumentException("invalid port range '" + text + "': expected FIRST-LAST, e.g. 8080-8099");
    }

    public static boolean isValidPort(long port) {
        return port >= MIN_PORT && port <= MAX_PORT;
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    public int size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
