package io.hearth.control;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The five runtime-endpoint operations; like {@link RuntimeApi}, each checks its own inputs. */
public interface EndpointApi {
    ControlReply create(String runtimeId, JsonNode body);

    ControlReply get(String runtimeId, String endpointName);

    ControlReply update(String runtimeId, String endpointName, JsonNode body);

    ControlReply delete(String runtimeId, String endpointName, Optional<String> clientToken);

    ControlReply list(String runtimeId, Optional<String> maxResults, Optional<String> nextToken);
}
