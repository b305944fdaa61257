package dev.roster.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Call credentials that send {@code authorization: Bearer <token>} from a token source. They apply
 * on plaintext channels too (local runs, a TLS-terminating proxy), as in every Roster client.
 */
final class BearerToken extends CallCredentials {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Supplier<String> source;

  BearerToken(Supplier<String> source) {
    this.source = source;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    // The source may block (a token endpoint): ask it on the executor, not the transport thread.
    executor.execute(
        () -> {
          try {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + source.get());
            applier.apply(headers);
          } catch (RuntimeException e) {
            applier.fail(Status.UNAUTHENTICATED.withDescription("token source failed").withCause(e));
          }
        });
  }
}
