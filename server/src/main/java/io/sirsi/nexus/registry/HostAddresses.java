package io.sirsi.nexus.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hosts written as IP addresses, each given its one canonical form so that one machine is one host: IPv6 as RFC 5952
 * writes it ({@code 0:0:0:0:0:0:0:1} is {@code ::1}), an IPv4-mapped IPv6 address as its IPv4 address
 * ({@code ::ffff:7f00:1} is {@code 127.0.0.1}), and IPv4 in dotted decimal only. Parsed by hand, in one pass over at
 * most 253 characters: no DNS, no regex, no {@code InetAddress}.
 */
final class HostAddresses {

    private static final int IPV6_GROUPS = 8;
    private static final int MAX_IPV6_LENGTH = 45;
    /** Enough decimal, octal or hex digits for any 32-bit number; longer ones are refused before they are read. */
    private static final int MAX_NUMBER_LENGTH = 12;

    private HostAddresses() {
    }

    /**
     * The canonical form of a host written as an address; empty if it is not written as one (then it is a name).
     * Written as one: it has a {@code ':'} (IPv6), or its last label is a number, as a browser reads a URL's host
     * (WHATWG URL, "ends in a number": {@code 127.1}, {@code 2130706433}, {@code 0x7f.0.0.1}).
     *
     * @throws IllegalArgumentException saying what is wrong, for an address that is malformed or not canonical
     */
    static Optional<String> canonical(String host) {
        if (host.indexOf(':') >= 0) {
            return Optional.of(ipv6(host));
        }
        if (!endsInNumber(host)) {
            return Optional.empty();
        }
        long value = inetAton(host);
        String dotted = dotted(value);
        if (!dotted.equals(host)) {
            throw new IllegalArgumentException("an IPv4 address is written as four decimal numbers 0-255 without"
                    + " leading zeros; write " + dotted);
        }
        return Optional.of(dotted);
    }

    private static boolean endsInNumber(String host) {
        String last = host.substring(host.lastIndexOf('.') + 1);
        if (last.isEmpty()) {
            return false;
        }
        if (last.startsWith("0x") || last.startsWith("0X")) {
            return allDigits(last.substring(2), 16);
        }
        return allDigits(last, 10);
    }

    /** The address as the C library's {@code inet_aton} reads it: 1 to 4 parts, each decimal, 0x-hex or 0-octal. */
    private static long inetAton(String host) {
        List<String> parts = split(host, '.');
        if (parts.size() > 4) {
            throw notIpv4();
        }
        long value = 0;
        for (int i = 0; i < parts.size(); i++) {
            long part = number(parts.get(i));
            boolean last = i == parts.size() - 1;
            long limit = last ? 1L << (8 * (5 - parts.size())) : 256;
            if (part >= limit) {
                throw notIpv4();
            }
            value = last ? (value << (8 * (5 - parts.size()))) | part : (value << 8) | part;
        }
        return value;
    }

    private static long number(String part) {
        int radix = 10;
        String digits = part;
        if (part.startsWith("0x") || part.startsWith("0X")) {
            radix = 16;
            digits = part.substring(2);
        } else if (part.length() > 1 && part.startsWith("0")) {
            radix = 8;
            digits = part.substring(1);
        }
        if (digits.isEmpty() && radix == 16) {
            return 0; // "0x" is zero, as inet_aton reads it
        }
        if (digits.isEmpty() || digits.length() > MAX_NUMBER_LENGTH || !allDigits(digits, radix)) {
            throw notIpv4();
        }
        return Long.parseLong(digits, radix);
    }

    private static IllegalArgumentException notIpv4() {
        return new IllegalArgumentException("it ends in a number, so it is read as an IPv4 address, but it is not"
                + " one; write an IPv4 address as four decimal numbers 0-255 (e.g. 127.0.0.1), or a name whose last"
                + " label has a letter");
    }

    private static String dotted(long value) {
        return (value >>> 24 & 0xff) + "." + (value >>> 16 & 0xff) + "." + (value >>> 8 & 0xff) + "." + (value & 0xff);
    }

    /** RFC 4291 text (with an optional dotted IPv4 tail) in, RFC 5952 text out. */
    private static String ipv6(String host) {
        if (host.length() > MAX_IPV6_LENGTH) {
            throw notIpv6();
        }
        int elided = host.indexOf("::");
        if (elided >= 0 && host.indexOf("::", elided + 1) >= 0) {
            throw notIpv6();
        }
        List<Integer> head = groups(elided < 0 ? host : host.substring(0, elided), elided < 0);
        List<Integer> tail = elided < 0 ? List.of() : groups(host.substring(elided + 2), true);
        int zeros = IPV6_GROUPS - head.size() - tail.size();
        if (elided < 0 ? zeros != 0 : zeros < 1) {
            throw notIpv6();
        }
        int[] address = new int[IPV6_GROUPS];
        for (int i = 0; i < head.size(); i++) {
            address[i] = head.get(i);
        }
        for (int i = 0; i < tail.size(); i++) {
            address[IPV6_GROUPS - tail.size() + i] = tail.get(i);
        }
        return format(address);
    }

    /** The 16-bit groups of one side of {@code ::}; the last may be a dotted IPv4 address, two groups. */
    private static List<Integer> groups(String side, boolean mayEndInIpv4) {
        List<Integer> groups = new ArrayList<>();
        if (side.isEmpty()) {
            return groups;
        }
        List<String> texts = split(side, ':');
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (mayEndInIpv4 && i == texts.size() - 1 && text.indexOf('.') >= 0) {
                long ipv4 = strictDotted(text);
                groups.add((int) (ipv4 >>> 16));
                groups.add((int) (ipv4 & 0xffff));
            } else if (text.isEmpty() || text.length() > 4 || !allDigits(text, 16)) {
                throw notIpv6();
            } else {
                groups.add(Integer.parseInt(text, 16));
            }
        }
        return groups;
    }

    /** The dotted tail of an IPv6 address: four decimal parts, no leading zeros, as RFC 4291 writes it. */
    private static long strictDotted(String text) {
        List<String> parts = split(text, '.');
        long value = 0;
        for (String part : parts) {
            if (parts.size() != 4 || part.isEmpty() || part.length() > 3 || !allDigits(part, 10)
                    || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                throw notIpv6();
            }
            value = value << 8 | Integer.parseInt(part);
        }
        return value;
    }

    /** RFC 5952: lower-case hex without leading zeros, the longest run of two or more zero groups as {@code ::}. */
    private static String format(int[] address) {
        boolean ipv4Mapped = address[5] == 0xffff;
        for (int i = 0; i < 5; i++) {
            ipv4Mapped &= address[i] == 0;
        }
        if (ipv4Mapped) {
            return dotted((long) address[6] << 16 | address[7]);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is written as 0, not ::
        for (int start = 0; start < IPV6_GROUPS; start++) {
            int length = 0;
            while (start + length < IPV6_GROUPS && address[start + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = start;
                bestLength = length;
            }
            start += length;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < IPV6_GROUPS; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(address[i]));
        }
        return text.toString();
    }

    private static IllegalArgumentException notIpv6() {
        return new IllegalArgumentException("it has a ':', so it is read as an IPv6 address, but it is not one"
                + " (write e.g. ::1 or fd00::7, without brackets or a zone)");
    }

    private static boolean allDigits(String text, int radix) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.digit(text.charAt(i), radix) < 0 || text.charAt(i) > 'z') {
                return false;
            }
        }
        return true;
    }

    /** Splits on a character, keeping empty parts ({@code String.split} drops trailing ones). */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, from)) {
            parts.add(text.substring(from, at));
            from = at + 1;
        }
        parts.add(text.substring(from));
        return parts;
    }
}
