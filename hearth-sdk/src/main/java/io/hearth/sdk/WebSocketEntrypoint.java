package io.hearth.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method that serves {@code /ws} on an object given to {@link AgentApp#run(Object)}: it takes a
 * {@link WebSocketConnection} and optionally a {@link RequestContext}, as {@link WebSocketHandler} does.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WebSocketEntrypoint {}
