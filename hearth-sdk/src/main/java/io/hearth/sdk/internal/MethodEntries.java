package io.hearth.sdk.internal;

import io.hearth.sdk.Entrypoint;
import io.hearth.sdk.RequestContext;
import io.hearth.sdk.WebSocketConnection;
import io.hearth.sdk.WebSocketEntrypoint;
import io.hearth.sdk.WebSocketHandler;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.ObjectMapper;

/** Finds the {@link Entrypoint} and {@link WebSocketEntrypoint} methods of an agent object and adapts them. */
public final class MethodEntries {
    private MethodEntries() {}

    public static Entry invocation(Object agent, ObjectMapper json) {
        Method method = only(agent, Entrypoint.class).orElseThrow(() -> new IllegalArgumentException(
                "agent: " + agent.getClass().getName() + " has no @Entrypoint method (expected: exactly one)"));
        Parameter[] parameters = method.getParameters();
        var binders = new PayloadBinder[parameters.length];
        int payloads = 0;
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i].getType() != RequestContext.class) {
                binders[i] = new PayloadBinder(json, parameters[i].getParameterizedType());
                payloads++;
            }
        }
        if (payloads > 1) {
            throw new IllegalArgumentException("@Entrypoint " + describe(method) + ": " + payloads
                    + " payload parameters (expected: at most one payload, and optionally a RequestContext)");
        }
        return (body, context) -> {
            var arguments = new Object[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                arguments[i] = binders[i] == null ? context : binders[i].bind(body);
            }
            return call(agent, method, arguments);
        };
    }

    public static Optional<WebSocketHandler> webSocket(Object agent) {
        return only(agent, WebSocketEntrypoint.class).map(method -> {
            Class<?>[] types = method.getParameterTypes();
            for (Class<?> type : types) {
                if (type != WebSocketConnection.class && type != RequestContext.class) {
                    throw new IllegalArgumentException("@WebSocketEntrypoint " + describe(method) + ": parameter "
                            + type.getName() + " (expected: a WebSocketConnection and optionally a RequestContext)");
                }
            }
            return (connection, context) -> {
                var arguments = new Object[types.length];
                for (int i = 0; i < types.length; i++) {
                    arguments[i] = types[i] == RequestContext.class ? context : connection;
                }
                call(agent, method, arguments);
            };
        });
    }

    private static Optional<Method> only(Object agent, Class<? extends Annotation> annotation) {
        var found = new ArrayList<Method>();
        for (Class<?> type = agent.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(annotation) && !method.isBridge()) {
                    found.add(method);
                }
            }
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("agent: " + agent.getClass().getName() + " has " + found.size() + " @"
                    + annotation.getSimpleName() + " methods " + names(found) + " (expected: one)");
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Method method = found.getFirst();
        if (Modifier.isStatic(method.getModifiers())) {
            throw new IllegalArgumentException("@" + annotation.getSimpleName() + " " + describe(method)
                    + ": static (expected: an instance method of the agent object)");
        }
        method.setAccessible(true);
        return Optional.of(method);
    }

    private static Object call(Object agent, Method method, Object[] arguments) throws Exception {
        try {
            return method.invoke(agent, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static String describe(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName();
    }

    private static List<String> names(List<Method> methods) {
        return methods.stream().map(Method::getName).toList();
    }
}
