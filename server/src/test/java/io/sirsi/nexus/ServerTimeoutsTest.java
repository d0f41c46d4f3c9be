package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The server closes connections that stop sending (quarkus.http.idle-timeout, 1 s here): an idle one, one stuck in
 * its headers, one that promised a body and sent none. A keep-alive client that keeps talking is not disturbed.
 * The socket's own read timeout (60 s) only guards against a hang; nothing here measures time.
 */
@QuarkusTest
@TestProfile(ServerTimeoutsProfile.class)
class ServerTimeoutsTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "GET /ports/stats HTTP/1.1\r\nHost: local",
            "POST /ports/allocate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 60\r\n\r\n{\"service_name\":"})
    void aConnectionThatStopsSendingIsClosed(String sent) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(sent.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            assertClosedByServer(socket.getInputStream());
        }
    }

    @Test
    void aKeepAliveClientKeepsItsConnection() throws IOException {
        try (Socket socket = connect()) {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                socket.getOutputStream().write("GET /ports/stats HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                assertTrue(readAnswer(in).startsWith("HTTP/1.1 200"), "request " + i + " on one connection");
            }
            assertClosedByServer(in); // and once it falls silent, it too is closed
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", RestAssured.port);
        socket.setSoTimeout(60_000);
        return socket;
    }

    private static void assertClosedByServer(InputStream in) throws IOException {
        try {
            while (true) {
                int read = in.read();
                if (read < 0) {
                    return;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the server kept a silent connection open for 60 s");
        } catch (SocketException reset) {
            // closed with a reset: closed all the same
        }
    }

    /** One answer with a Content-Length body, read exactly, so that the connection can carry the next. */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int read = in.read();
            assertTrue(read >= 0, "connection closed mid-answer: " + head);
            head.append((char) read);
        }
        int length = head.toString().lines().filter(line -> line.toLowerCase().startsWith("content-length:"))
                .map(line -> Integer.parseInt(line.substring(15).strip())).findFirst().orElse(0);
        assertEquals(length, in.readNBytes(length).length);
        return head.toString();
    }
}
