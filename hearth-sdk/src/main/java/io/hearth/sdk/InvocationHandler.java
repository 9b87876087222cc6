package io.hearth.sdk;

/**
 * Answers {@code POST /invocations}: a lambda given to {@link AgentApp#entrypoint(InvocationHandler)} (the payload as
 * a JSON tree) or {@link AgentApp#entrypoint(Class, InvocationHandler)} (the payload bound to a type).
 *
 * @param <T> what the payload is bound to
 */
@FunctionalInterface
public interface InvocationHandler<T> {
    /**
     * @return the answer: a value written as JSON, or a {@code Stream}, {@code Iterator} or {@code Flow.Publisher}
     *     streamed as server-sent events (see {@link AgentApp})
     * @throws Exception answered as an error (see {@link InvocationException})
     */
    Object handle(T payload, RequestContext context) throws Exception;
}
