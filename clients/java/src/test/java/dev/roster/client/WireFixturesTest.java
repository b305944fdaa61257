package dev.roster.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.roster.user.v1.ErrorReasonProto;
import dev.roster.user.v1.UserProto;
import dev.roster.user.v1.UserServiceProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks Java against the shared wire fixtures (tests/fixtures/wire): for every case, the binary
 * and the JSON encodings decode to the same message, and re-encoding the binary-decoded message
 * deterministically gives back the very same bytes, unknown fields and enum numbers included.
 */
class WireFixturesTest {
  private static final List<FileDescriptor> FILES =
      List.of(
          UserProto.getDescriptor(),
          UserServiceProto.getDescriptor(),
          ErrorReasonProto.getDescriptor(),
          dev.roster.user.v2.UserProto.getDescriptor(),
          dev.roster.user.v2.UserServiceProto.getDescriptor(),
          dev.roster.user.v2.ErrorReasonProto.getDescriptor(),
          com.google.rpc.StatusProto.getDescriptor(),
          com.google.rpc.ErrorDetailsProto.getDescriptor());

  private final Map<String, Descriptor> types = indexTypes();
  private final JsonFormat.TypeRegistry registry =
      JsonFormat.TypeRegistry.newBuilder().add(types.values()).build();

  private record Case(
      String name, String type, String binary, String json, boolean unknownFields) {}

  @TestFactory
  @DisplayName("every wire fixture decodes alike from binary and JSON and re-encodes byte for byte")
  Stream<DynamicTest> everyWireFixtureRoundTrips() throws IOException {
    Path dir = Path.of(System.getProperty("roster.fixtures.dir", "../../tests/fixtures/wire"));
    Path manifest = dir.resolve("manifest.json");
    if (!Files.exists(manifest)) {
      // A dynamic test, so that the skip is counted and shown rather than silently empty.
      return Stream.of(
          DynamicTest.dynamicTest(
              "wire fixtures are present",
              () -> Assumptions.assumeTrue(false, "no wire fixtures yet at " + manifest)));
    }
    List<Case> cases = readManifest(manifest);
    assertFalse(cases.isEmpty(), "java: " + manifest + " lists no cases");
    return cases.stream()
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(dir, c)));
  }

  @TestFactory
  @DisplayName("every roster.user.v2 wire fixture (tests/fixtures/wire/v2) round-trips the same way")
  Stream<DynamicTest> everyV2WireFixtureRoundTrips() throws IOException {
    Path dir =
        Path.of(System.getProperty("roster.fixtures.dir", "../../tests/fixtures/wire"))
            .resolve("v2");
    List<Case> cases = readManifest(dir.resolve("manifest.json"));
    assertFalse(cases.size() < 25, "java: the v2 manifest lists only " + cases.size() + " cases");
    return cases.stream()
        .map(c -> DynamicTest.dynamicTest("v2 " + c.name(), () -> check(dir, c)));
  }

  private void check(Path dir, Case fixture) throws IOException {
    Descriptor type = types.get(fixture.type());
    assertNotNull(type, "case " + fixture.name() + " (java): unknown type " + fixture.type());
    Message prototype = generatedDefault(type);
    byte[] binary = Files.readAllBytes(dir.resolve(fixture.binary()));
    Message fromBinary = prototype.getParserForType().parseFrom(binary);
    Message.Builder fromJson = prototype.newBuilderForType();
    JsonFormat.parser()
        .usingTypeRegistry(registry)
        .merge(Files.readString(dir.resolve(fixture.json()), StandardCharsets.UTF_8), fromJson);

    String difference =
        new MessageDiff(types, fixture.unknownFields()).first(fromJson.build(), fromBinary);
    if (difference != null) {
      fail("case " + fixture.name() + " (java): JSON and binary differ at " + difference);
    }
    byte[] reencoded = deterministic(fromBinary);
    if (!java.util.Arrays.equals(binary, reencoded)) {
      String field = MessageDiff.firstDifferingWireField(type, binary, reencoded);
      assertArrayEquals(
          binary,
          reencoded,
          "case " + fixture.name() + " (java): re-encoded bytes differ at " + field);
    }
  }

  private static byte[] deterministic(Message message) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    message.writeTo(out);
    out.flush();
    return bytes.toByteArray();
  }

  /**
   * The generated class's default instance: the round trip must exercise the code Java users
   * run (DynamicMessage, for one, does not sort map entries when serializing deterministically).
   * Every file here sets java_multiple_files, so a message is a top-level class of its package.
   */
  private static Message generatedDefault(Descriptor type) {
    StringBuilder name = new StringBuilder(type.getName());
    for (Descriptor outer = type.getContainingType(); outer != null;
        outer = outer.getContainingType()) {
      name.insert(0, outer.getName() + "$");
    }
    String className = type.getFile().getOptions().getJavaPackage() + "." + name;
    try {
      return (Message) Class.forName(className).getMethod("getDefaultInstance").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no generated class " + className + " for " + type, e);
    }
  }

  // The manifest is JSON; protobuf's own Struct reads it, so the test needs no JSON library.
  private static List<Case> readManifest(Path manifest) throws IOException {
    Struct.Builder root = Struct.newBuilder();
    JsonFormat.parser().merge(Files.readString(manifest, StandardCharsets.UTF_8), root);
    Value cases = root.getFieldsOrDefault("cases", Value.getDefaultInstance());
    return cases.getListValue().getValuesList().stream()
        .map(Value::getStructValue)
        .map(
            c ->
                new Case(
                    text(c, "name"),
                    text(c, "type"),
                    text(c, "binary"),
                    text(c, "json"),
                    c.getFieldsOrDefault("unknown_fields", Value.getDefaultInstance())
                        .getBoolValue()))
        .toList();
  }

  private static String text(Struct struct, String key) {
    return struct.getFieldsOrDefault(key, Value.getDefaultInstance()).getStringValue();
  }

  private static Map<String, Descriptor> indexTypes() {
    Map<String, Descriptor> index = new HashMap<>();
    for (FileDescriptor file : FILES) {
      file.getMessageTypes().forEach(type -> indexType(type, index));
    }
    return index;
  }

  private static void indexType(Descriptor type, Map<String, Descriptor> index) {
    index.put(type.getFullName(), type);
    type.getNestedTypes().forEach(nested -> indexType(nested, index));
  }
}
