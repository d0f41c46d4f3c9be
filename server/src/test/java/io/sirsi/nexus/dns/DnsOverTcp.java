package io.sirsi.nexus.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Optional;

/** A raw DNS-over-TCP connection to the server (RFC 7766), for what dig cannot do: hold it, or send slowly. */
final class DnsOverTcp implements AutoCloseable {

    /** {@code sirsi. SOA}, id 0x1234, without the two-byte length. */
    private static final byte[] SOA_QUERY = {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
        5, 's', 'i', 'r', 's', 'i', 0, 0, 6, 0, 1};

    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    DnsOverTcp(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    /** The reply to {@code sirsi. SOA}, or empty when the server closed the connection instead. */
    Optional<byte[]> askSoa() throws IOException {
        try {
            out.writeShort(SOA_QUERY.length);
            out.write(SOA_QUERY);
            out.flush();
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            return Optional.of(reply);
        } catch (IOException closed) { // an end of stream, or a reset
            return Optional.empty();
        }
    }

    /** Sends bytes as they are, no length added. */
    void send(byte... bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Whether the server has closed the connection: waits at most {@code millis} for its end of stream. */
    boolean closedWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return in.read() == -1;
        } catch (java.net.SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
