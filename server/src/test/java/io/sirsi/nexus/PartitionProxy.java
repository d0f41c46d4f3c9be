package io.sirsi.nexus;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy to a server that can play a network partition: {@link #cut()} stops passing the server's bytes back
 * and hides every close, as dropped packets do, while what the client sends still reaches the server (so a request
 * sent after the cut is carried out, and its answer lost). {@link #cutAfterClientSends} cuts just after a given
 * request has reached the server. {@link #heal()} passes everything again.
 */
final class PartitionProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean cut;
    /** Cut once a client's bytes holding one of these have been passed on; none: no such cut is armed. */
    private List<byte[]> cutAfter = List.of();

    PartitionProxy(String host, int port) throws IOException {
        this.server = new InetSocketAddress(host, port);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "partition-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    void cut() {
        synchronized (gate) {
            cut = true;
        }
    }

    /**
     * Cuts as soon as the client sends bytes that hold any of these markers (in one read, as a request's message
     * arrives), and passes them on: the server carries the request out, and its answer is lost.
     */
    void cutAfterClientSends(byte[]... markers) {
        synchronized (gate) {
            cutAfter = List.of(markers);
        }
    }

    void heal() {
        synchronized (gate) {
            cut = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket upstream = new Socket(server.getHostString(), server.getPort());
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean answers) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16_384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    if (answers) {
                        awaitHealed();
                    } else {
                        cutIfMarked(buffer, read); // before the server can answer, however late this thread runs
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
                awaitHealed(); // a close, either way, is news the partition would not pass
            } catch (IOException | InterruptedException ended) {
                // one side is gone: so is the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "partition-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void cutIfMarked(byte[] sent, int length) {
        synchronized (gate) {
            for (byte[] marker : cutAfter) {
                if (indexOf(sent, length, marker) >= 0) {
                    cut = true;
                    cutAfter = List.of();
                    return;
                }
            }
        }
    }

    private static int indexOf(byte[] bytes, int length, byte[] marker) {
        for (int at = 0; at + marker.length <= length; at++) {
            if (Arrays.equals(bytes, at, at + marker.length, marker, 0, marker.length)) {
                return at;
            }
        }
        return -1;
    }

    private void awaitHealed() throws InterruptedException {
        synchronized (gate) {
            while (cut) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        heal();
        listener.close();
        sockets.forEach(PartitionProxy::closeQuietly);
    }
}
