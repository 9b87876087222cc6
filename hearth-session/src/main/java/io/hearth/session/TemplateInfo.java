package io.hearth.session;

import java.util.OptionalLong;

/**
 * A snapshot template as the hibernation API lists it.
 *
 * @param state {@code preparing}, {@code ready} or {@code unavailable}
 * @param bytes its size on disk, once ready
 * @param why   for an unavailable one, why not
 */
public record TemplateInfo(String runtimeId, String endpointName, String version, String state, OptionalLong bytes,
        String why) {}
