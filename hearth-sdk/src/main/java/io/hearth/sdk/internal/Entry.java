package io.hearth.sdk.internal;

import io.hearth.sdk.RequestContext;

/** The invocation handler with its payload binding: body and context in, the handler's answer out. */
@FunctionalInterface
public interface Entry {
    Object invoke(byte[] body, RequestContext context) throws Exception;
}
