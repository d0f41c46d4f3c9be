package io.sirsi.nexus.registry;

import java.util.Arrays;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * How the text of a setting under {@code sirsi.ports} becomes a value, for {@link RegistryConfig}'s
 * {@code @WithConverter}s: SmallRye Config runs them while it reads the configuration, so a value they refuse stops
 * the start with one line naming the key, the value and what is expected, before any bean or the store is touched.
 * Their messages name no Java type: an operator reads them ({@code cli/StartRefusalLog}).
 */
public final class ConfigConverters {

    private ConfigConverters() {
    }

    /** {@code sirsi.ports.strategy}: {@code first-free}, {@code random}, {@code same-port} or {@code sticky}. */
    public static final class Strategy implements Converter<PlacementStrategy> {

        @Override
        public PlacementStrategy convert(String value) {
            return oneOf(value, PlacementStrategy.values(), PlacementStrategy::wireName);
        }
    }

    /**
     * A switch: {@code true} or {@code false}, nothing else. The configuration layer's own reads anything it does not
     * know as false, so a typo ({@code sirsi.rate-limit.enabled=ture}) turned a protection off with a warning only.
     */
    public static final class Switch implements Converter<Boolean> {

        @Override
        public Boolean convert(String value) {
            String text = value.strip();
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.valueOf(text);
            }
            throw new IllegalArgumentException("expected true or false");
        }
    }

    /** {@code sirsi.ports.store}: {@code sqlite} or {@code postgresql}. */
    public static final class Store implements Converter<RegistryConfig.StoreKind> {

        @Override
        public RegistryConfig.StoreKind convert(String value) {
            return oneOf(value, RegistryConfig.StoreKind.values(), RegistryConfig.StoreKind::wireName);
        }
    }

    /**
     * {@code sirsi.ports.agents.not-listening-action}: {@code none} or {@code release}. The configuration layer's own
     * enum converter names the enum's Java class in its refusal.
     */
    public static final class NotListening implements Converter<RegistryConfig.NotListeningAction> {

        @Override
        public RegistryConfig.NotListeningAction convert(String value) {
            return oneOf(value, RegistryConfig.NotListeningAction.values(), RegistryConfig.NotListeningAction::name);
        }
    }

    /** {@code sirsi.ports.ranges.<type>}: {@code FIRST-LAST}, or one port, a range of one. */
    public static final class Range implements Converter<PortRange> {

        private static final Pattern TEXT = Pattern.compile("\\s*(\\d{1,5})\\s*(?:-\\s*(\\d{1,5})\\s*)?");

        @Override
        public PortRange convert(String value) {
            Matcher matcher = TEXT.matcher(value);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("invalid port range '" + value
                        + "': expected FIRST-LAST, e.g. 8080-8099");
            }
            int first = Integer.parseInt(matcher.group(1));
            return new PortRange(first, matcher.group(2) == null ? first : Integer.parseInt(matcher.group(2)));
        }
    }

    /** {@code sirsi.ports.static.<service>}: {@code <type>:<port>}; the type is checked against the catalog later. */
    public static final class Reservation implements Converter<ReservedPort> {

        private static final Pattern TEXT = Pattern.compile("\\s*([^:\\s]+)\\s*:\\s*(\\d{1,5})\\s*");

        @Override
        public ReservedPort convert(String value) {
            Matcher matcher = TEXT.matcher(value);
            if (!matcher.matches() || !PortRange.isValidPort(Integer.parseInt(matcher.group(2)))) {
                throw new IllegalArgumentException("expected <type>:<port> with a port 1-65535, e.g. database:5432");
            }
            return new ReservedPort(matcher.group(1), Integer.parseInt(matcher.group(2)));
        }
    }

    /**
     * The value of a closed set that the text names, as the README writes the names; anything else is refused with
     * them all. (Each converter declares its own type: SmallRye Config checks {@code convert}'s return type.)
     */
    private static <T> T oneOf(String value, T[] values, Function<T, String> name) {
        String wanted = value.strip();
        return Arrays.stream(values).filter(candidate -> name.apply(candidate).equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("expected one of "
                        + Arrays.stream(values).map(name).collect(Collectors.joining(", "))));
    }
}
