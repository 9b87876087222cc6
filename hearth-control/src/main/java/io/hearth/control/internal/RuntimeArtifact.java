package io.hearth.control.internal;

/** {@code agentRuntimeArtifact}: a union of exactly one member. */
sealed interface RuntimeArtifact permits CodeArtifact, ContainerArtifact {}
