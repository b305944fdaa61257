package dev.roster.client;

import dev.roster.user.v1.UserServiceGrpc;
import java.util.List;
import java.util.Map;

/** The gRPC service config the client installs: retry every UserService method on UNAVAILABLE. */
final class ServiceConfig {
  private ServiceConfig() {}

  /**
   * The contract calls UNAVAILABLE (store unreachable, server draining) safe to retry for every
   * method: CreateUser is made idempotent by its request_id and writes carry an etag. gRPC
   * retries a WatchUsers stream only before its first message arrives. The values follow the
   * JSON form of the service config, so numbers are doubles.
   */
  static Map<String, Object> retryingUnavailable(int maxAttempts) {
    Map<String, Object> retryPolicy =
        Map.of(
            "maxAttempts", (double) maxAttempts,
            "initialBackoff", "0.1s",
            "maxBackoff", "2s",
            "backoffMultiplier", 2.0,
            "retryableStatusCodes", List.of("UNAVAILABLE"));
    Map<String, Object> methodConfig =
        Map.of(
            "name", List.of(Map.of("service", UserServiceGrpc.SERVICE_NAME)),
            "retryPolicy", retryPolicy);
    return Map.of("methodConfig", List.of(methodConfig));
  }
}
