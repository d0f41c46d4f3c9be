package io.sirsi.nexus.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A health endpoint that stalls mid-answer, on a real socket: to each request it sends a status line, headers that
 * promise a body of 1,000 bytes, and the body's first few bytes, then sends nothing more until the client closes.
 */
public final class StallingHttpServer implements AutoCloseable {

    private final ServerSocket listener;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger closedByClient = new AtomicInteger();

    public StallingHttpServer() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "stalling-http-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The connections the client has closed (after giving up on the body). */
    public int closedByClient() {
        return closedByClient.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket connection = listener.accept();
                accepted.add(connection);
                Thread answer = new Thread(() -> stall(connection), "stalling-answer");
                answer.setDaemon(true);
                answer.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void stall(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            int matched = 0;
            byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            while (matched < end.length) { // the request's head
                int next = in.read();
                if (next < 0) {
                    return;
                }
                matched = next == end[matched] ? matched + 1 : next == end[0] ? 1 : 0;
            }
            OutputStream out = connection.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nstarted"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (in.read() >= 0) { // nothing more is sent; wait for the client to close
                continue;
            }
            closedByClient.incrementAndGet();
        } catch (IOException reset) {
            if (!listener.isClosed()) {
                closedByClient.incrementAndGet(); // reset by the client rather than closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket connection : accepted) {
            connection.close();
        }
    }
}
