package dev.roster.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;

/**
 * Self-signed certificates for TLS tests, made by the JDK's own keytool at test time (nothing
 * secret is committed) and written out as the PEM files UserClient and gRPC read.
 */
final class TestCertificates {
  private static final String PASSWORD = "test-only";

  private TestCertificates() {}

  /** PEM files of one identity: its certificate (which is also its own CA) and its key. */
  record Identity(Path certificate, Path privateKey) {}

  /** Makes a key pair and a certificate for localhost and 127.0.0.1, valid for a day. */
  static Identity create(Path dir, String name) throws IOException, GeneralSecurityException {
    Path store = dir.resolve(name + ".p12");
    keytool(store, name);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    KeyStore.PrivateKeyEntry entry =
        (KeyStore.PrivateKeyEntry)
            keys.getEntry(name, new KeyStore.PasswordProtection(PASSWORD.toCharArray()));
    Path certificate = dir.resolve(name + ".crt");
    Path privateKey = dir.resolve(name + ".key");
    Files.writeString(certificate, pem("CERTIFICATE", entry.getCertificate().getEncoded()));
    // getEncoded() of a private key is PKCS#8, the "PRIVATE KEY" PEM that gRPC reads.
    Files.writeString(privateKey, pem("PRIVATE KEY", entry.getPrivateKey().getEncoded()));
    return new Identity(certificate, privateKey);
  }

  private static void keytool(Path store, String name) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command =
        List.of(
            keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "EC",
            "-groupname", "secp256r1", "-dname", "CN=" + name, "-validity", "1",
            "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
            "-keystore", store.toString(), "-storepass", PASSWORD);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException("keytool failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for keytool", e);
    }
  }

  private static String pem(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }
}
