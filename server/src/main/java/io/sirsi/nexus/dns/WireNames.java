package io.sirsi.nexus.dns;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DefaultDnsRecordEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Domain names between the wire, where a name is a sequence of labels, and text, where labels are joined by dots:
 * a '.' or '\' inside a label is written {@code \.} or {@code \\} (RFC 1035 5.1, as dig writes it). The codec
 * joins labels with dots unescaped, so {@code orders\.service.sirsi.} (two labels) would read as
 * {@code orders.service.sirsi.} (three) and be answered for it; reading and writing names here keeps their labels.
 */
final class WireNames {

    /** The codec's record encoder, writing every name with its labels kept. */
    static final DefaultDnsRecordEncoder ENCODER = new Encoder();

    private static final int POINTER = 0xC0;
    private static final int MAX_LABEL = 63;
    /** More jumps than a name can have labels: a loop, or a name no sender writes. */
    private static final int MAX_JUMPS = 128;

    private WireNames() {
    }

    /**
     * The name {@code offset} bytes into the message that starts at {@code start}, as text; compression pointers,
     * which count from the message's start, are followed.
     *
     * @throws IllegalArgumentException for a name that runs past the message, or whose pointers loop
     */
    static String read(ByteBuf message, int start, int offset) {
        StringBuilder text = new StringBuilder();
        int at = start + offset;
        for (int jumps = 0; ; ) {
            int length = byteAt(message, at);
            if (length == 0) {
                return text.isEmpty() ? "." : text.toString();
            }
            if ((length & POINTER) == POINTER) {
                if (++jumps > MAX_JUMPS) {
                    throw new IllegalArgumentException("a name whose pointers loop");
                }
                at = start + ((length & ~POINTER) << 8 | byteAt(message, at + 1));
                continue;
            }
            if ((length & POINTER) != 0 || at + length >= message.writerIndex()) {
                throw new IllegalArgumentException("a label that runs past the message");
            }
            for (int i = 1; i <= length; i++) {
                char c = (char) message.getUnsignedByte(at + i);
                text.append(c == '.' || c == '\\' ? "\\" + c : String.valueOf(c));
            }
            text.append('.');
            at += length + 1;
        }
    }

    private static int byteAt(ByteBuf message, int index) {
        if (index < 0 || index >= message.writerIndex()) {
            throw new IllegalArgumentException("a name that runs past the message");
        }
        return message.getUnsignedByte(index);
    }

    /** The labels of a name written as text, unescaped; none for the root. */
    static List<String> labels(String name) {
        List<String> labels = new ArrayList<>();
        StringBuilder label = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' && i + 1 < name.length()) {
                label.append(name.charAt(++i));
            } else if (c == '.') {
                if (!label.isEmpty()) {
                    labels.add(label.toString());
                }
                label.setLength(0);
            } else {
                label.append(c);
            }
        }
        if (!label.isEmpty()) {
            labels.add(label.toString());
        }
        return labels;
    }

    /** Writes a name given as text, label by label. */
    static void write(String name, ByteBuf out) {
        for (String label : labels(name)) {
            if (label.length() > MAX_LABEL) {
                throw new IllegalArgumentException("a label longer than " + MAX_LABEL + " bytes in " + name);
            }
            out.writeByte(label.length());
            label.chars().forEach(out::writeByte);
        }
        out.writeByte(0);
    }

    /** The codec's encoder with {@link #write} for every name it writes: a question is echoed with its labels. */
    private static final class Encoder extends DefaultDnsRecordEncoder {

        @Override
        protected void encodeName(String name, ByteBuf out) {
            write(name, out);
        }
    }
}
