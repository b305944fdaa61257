package dev.roster.client;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client policy every Roster client embeds: service_config.json, a gRPC service config copied
 * from the contract (proto/roster/user/v1/user_grpc_service_config.json) by {@code make gen}. It
 * holds the default timeout and the retry policy; the channel applies it as is.
 */
final class ServiceConfig {
  private static final String RESOURCE = "service_config.json";
  private static final String SERVICE = "roster.user.v1.UserService";

  private ServiceConfig() {}

  /** The file's text, exactly as embedded. */
  static String json() {
    try (InputStream in = ServiceConfig.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the client jar lacks " + RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The policy as gRPC's defaultServiceConfig wants it (JSON numbers as doubles), with the retry
   * policy's maxAttempts replaced.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> withMaxAttempts(int maxAttempts) {
    Map<String, Object> config = new Gson().fromJson(json(), Map.class);
    List<Object> entries = new ArrayList<>();
    for (Object entry : (List<Object>) config.get("methodConfig")) {
      Map<String, Object> copy = new HashMap<>((Map<String, Object>) entry);
      Object retry = copy.get("retryPolicy");
      if (retry != null) {
        Map<String, Object> policy = new HashMap<>((Map<String, Object>) retry);
        policy.put("maxAttempts", (double) maxAttempts);
        copy.put("retryPolicy", policy);
      }
      entries.add(copy);
    }
    config.put("methodConfig", entries);
    return config;
  }

  /** The service-wide timeout: the deadline of a unary call that sets none. */
  static Duration timeout() {
    return seconds((String) serviceWide().get("timeout"));
  }

  /** The service-wide retry policy's maxAttempts. */
  static int maxAttempts() {
    return ((Number) retryPolicy().get("maxAttempts")).intValue();
  }

  /** The retry policy's back-off, which the resuming watch uses between reconnects. */
  static Backoff backoff() {
    Map<String, Object> retry = retryPolicy();
    return new Backoff(
        seconds((String) retry.get("initialBackoff")),
        seconds((String) retry.get("maxBackoff")),
        ((Number) retry.get("backoffMultiplier")).doubleValue());
  }

  /** Exponential back-off with a cap; callers add full jitter. */
  record Backoff(Duration initial, Duration max, double multiplier) {
    /** The longest pause before retry number {@code attempt} (1-based). */
    Duration cap(int attempt) {
      double nanos = initial.toNanos() * Math.pow(multiplier, attempt - 1);
      return Duration.ofNanos((long) Math.min(nanos, max.toNanos()));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> retryPolicy() {
    return (Map<String, Object>) serviceWide().get("retryPolicy");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> serviceWide() {
    Map<String, Object> config = new Gson().fromJson(json(), Map.class);
    for (Object entry : (List<Object>) config.get("methodConfig")) {
      Map<String, Object> method = (Map<String, Object>) entry;
      for (Object name : (List<Object>) method.get("name")) {
        Map<String, Object> n = (Map<String, Object>) name;
        if (SERVICE.equals(n.get("service")) && !n.containsKey("method")) {
          return method;
        }
      }
    }
    throw new IllegalStateException("the service config has no entry for all of " + SERVICE);
  }

  private static Duration seconds(String duration) {
    if (!duration.endsWith("s")) {
      throw new IllegalArgumentException("not a service-config duration: " + duration);
    }
    double seconds = Double.parseDouble(duration.substring(0, duration.length() - 1));
    return Duration.ofNanos((long) (seconds * 1e9));
  }
}
