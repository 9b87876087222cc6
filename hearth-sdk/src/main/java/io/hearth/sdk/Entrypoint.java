package io.hearth.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method that answers {@code POST /invocations} on an object given to {@link AgentApp#run(Object)}.
 *
 * <p>Its parameters, in any order: at most one payload, bound by its type ({@code JsonNode}: the JSON tree;
 * {@code byte[]}: the raw body; {@code String}: the body as UTF-8 text; any other type, a record for example: the
 * JSON body bound to it), and optionally a {@link RequestContext}. What it returns is the answer: see
 * {@link AgentApp}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Entrypoint {}
