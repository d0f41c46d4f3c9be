package io.sirsi.nexus.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request body must be UTF-8, as JSON is (RFC 8259) and as {@link MediaTypes} requires it to be declared. Jackson,
 * given bytes, guesses UTF-16 or UTF-32 from zero bytes and byte-order marks, so a UTF-16 body labelled UTF-8
 * would be read (and allocate). Here the bytes are checked first: a malformed UTF-8 sequence, or a NUL byte (which
 * no JSON text holds raw, and which UTF-16 and UTF-32 put in every ASCII character), is a 400. After the body limit
 * ({@link BodySizeLimit.StreamedBodies}, at the default priority): at most 16 KiB is read here.
 */
@Provider
@Priority(Priorities.USER + 100)
public class Utf8Bodies implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        byte[] body = context.getInputStream().readAllBytes();
        if (!isUtf8Text(body)) {
            throw new BadRequestException("the request body is not UTF-8: JSON must be sent as UTF-8 (RFC 8259),"
                    + " without NUL bytes; UTF-16 and UTF-32 are refused");
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    static boolean isUtf8Text(byte[] body) {
        for (byte b : body) {
            if (b == 0) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException notUtf8) {
            return false;
        }
    }
}
