package io.sirsi.nexus.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A connection whose prepared statements count the calls of some of their methods: what a test sends. */
final class CountingConnection {

    private CountingConnection() {
    }

    /** The connection, its statements counting each call of one of {@code methods} in {@code calls}. */
    static Connection counting(Connection connection, Set<String> methods, AtomicInteger calls) {
        return proxy(Connection.class, (self, method, arguments) -> {
            Object result = invoke(connection, method, arguments);
            if (result instanceof PreparedStatement statement) {
                return proxy(PreparedStatement.class, (statementSelf, call, callArguments) -> {
                    if (methods.contains(call.getName())) {
                        calls.incrementAndGet();
                    }
                    return invoke(statement, call, callArguments);
                });
            }
            return result;
        });
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, Method method, Object[] arguments) throws Throwable {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
