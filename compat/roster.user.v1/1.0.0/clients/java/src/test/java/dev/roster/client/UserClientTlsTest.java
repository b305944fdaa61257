package dev.roster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UserClient's TLS and mutual-TLS channels against a fake service behind real TLS. */
class UserClientTlsTest {
  @TempDir static Path certificates;
  private static TestCertificates.Identity serverIdentity;
  private static TestCertificates.Identity clientIdentity;
  private Server server;

  @BeforeAll
  static void createCertificates() throws IOException, GeneralSecurityException {
    serverIdentity = TestCertificates.create(certificates, "server");
    clientIdentity = TestCertificates.create(certificates, "client");
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a client trusting the server's CA file calls it over TLS")
  void tlsWithCaFile() throws IOException {
    start(TlsServerCredentials.create(
        serverIdentity.certificate().toFile(), serverIdentity.privateKey().toFile()));

    try (UserClient client = builder().tls(serverIdentity.certificate()).build()) {
      assertEquals("users/ann", client.getUser("users/ann").getName());
    }
  }

  @Test
  @DisplayName("a client presenting its certificate passes a server that requires one")
  void mutualTls() throws IOException {
    start(requiringClientCertificates());

    try (UserClient client =
        builder()
            .mutualTls(
                serverIdentity.certificate(),
                clientIdentity.certificate(),
                clientIdentity.privateKey())
            .build()) {
      assertEquals("users/ann", client.getUser("users/ann").getName());
    }
  }

  @Test
  @DisplayName("a client without a certificate is refused by a server that requires one")
  void mutualTlsRefusesAnonymousClients() throws IOException {
    start(requiringClientCertificates());

    try (UserClient client = builder().tls(serverIdentity.certificate()).maxAttempts(1).build()) {
      RosterException error =
          assertThrows(RosterException.class, () -> client.getUser("users/ann"));
      assertEquals(Status.Code.UNAVAILABLE, error.code());
    }
  }

  private static ServerCredentials requiringClientCertificates() throws IOException {
    return TlsServerCredentials.newBuilder()
        .keyManager(serverIdentity.certificate().toFile(), serverIdentity.privateKey().toFile())
        .trustManager(clientIdentity.certificate().toFile())
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  private void start(ServerCredentials credentials) throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, credentials)
            .addService(new FakeUserService())
            .build()
            .start();
  }

  private UserClient.Builder builder() {
    return UserClient.newBuilder("localhost:" + server.getPort());
  }
}
