package io.sirsi.nexus.registry;

/** An inclusive range of TCP ports, written {@code 8080-8099} (read by {@link ConfigConverters.Range}). */
public record PortRange(int first, int last) {

    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65535;

    public PortRange {
        if (!isValidPort(first) || !isValidPort(last) || first > last) {
            throw new IllegalArgumentException("invalid port range " + first + "-" + last
                    + ": both ends must be ports 1-65535 and the first no greater than the last");
        }
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
