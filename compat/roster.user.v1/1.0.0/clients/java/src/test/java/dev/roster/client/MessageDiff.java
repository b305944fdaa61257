package dev.roster.client;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares two messages of one type field by field and names the first difference as a path
 * ({@code users[3].labels["team"]}). Map fields compare as maps and Any fields by their unpacked
 * content, because neither entry order nor the bytes inside an Any are fixed by JSON decoding.
 */
final class MessageDiff {
  private final Map<String, Descriptor> types;
  private final boolean ignoreUnknownFields;

  MessageDiff(Map<String, Descriptor> types, boolean ignoreUnknownFields) {
    this.types = types;
    this.ignoreUnknownFields = ignoreUnknownFields;
  }

  /** The path of the first difference, with both values; null when the messages are equal. */
  String first(Message left, Message right) {
    return message("", left, right);
  }

  private String message(String path, Message left, Message right) {
    if (left.getDescriptorForType().getFullName().equals(Any.getDescriptor().getFullName())) {
      return any(path, left, right);
    }
    for (FieldDescriptor field : left.getDescriptorForType().getFields()) {
      String at = path.isEmpty() ? field.getName() : path + "." + field.getName();
      String difference = field(at, field, left, right);
      if (difference != null) {
        return difference;
      }
    }
    if (!ignoreUnknownFields && !left.getUnknownFields().equals(right.getUnknownFields())) {
      return (path.isEmpty() ? "(unknown fields)" : path + ".(unknown fields)")
          + ": json has " + left.getUnknownFields().asMap().keySet()
          + ", binary has " + right.getUnknownFields().asMap().keySet();
    }
    return null;
  }

  private String field(String at, FieldDescriptor field, Message left, Message right) {
    if (field.isMapField()) {
      return map(at, field, left, right);
    }
    if (field.isRepeated()) {
      int size = left.getRepeatedFieldCount(field);
      if (size != right.getRepeatedFieldCount(field)) {
        return at + ": json has " + size + " elements, binary "
            + right.getRepeatedFieldCount(field);
      }
      for (int i = 0; i < size; i++) {
        String difference = value(at + "[" + i + "]", field,
            left.getRepeatedField(field, i), right.getRepeatedField(field, i));
        if (difference != null) {
          return difference;
        }
      }
      return null;
    }
    if (field.hasPresence() && left.hasField(field) != right.hasField(field)) {
      return at + ": set in " + (left.hasField(field) ? "json" : "binary") + " only";
    }
    return value(at, field, left.getField(field), right.getField(field));
  }

  private String map(String at, FieldDescriptor field, Message left, Message right) {
    Map<Object, Message> leftEntries = entries(field, left);
    Map<Object, Message> rightEntries = entries(field, right);
    TreeSet<Object> keys = new TreeSet<>(leftEntries.keySet());
    keys.addAll(rightEntries.keySet());
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    for (Object key : keys) {
      String entry = at + "[" + (key instanceof String ? "\"" + key + "\"" : key) + "]";
      if (!leftEntries.containsKey(key) || !rightEntries.containsKey(key)) {
        return entry + ": present in " + (leftEntries.containsKey(key) ? "json" : "binary")
            + " only";
      }
      String difference = value(entry, valueField,
          leftEntries.get(key).getField(valueField), rightEntries.get(key).getField(valueField));
      if (difference != null) {
        return difference;
      }
    }
    return null;
  }

  // Later entries win on duplicate keys, as the protobuf spec says they do on the wire.
  private static Map<Object, Message> entries(FieldDescriptor field, Message message) {
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    Map<Object, Message> entries = new TreeMap<>();
    for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
      Message entry = (Message) message.getRepeatedField(field, i);
      entries.put(entry.getField(keyField), entry);
    }
    return entries;
  }

  private String value(String at, FieldDescriptor field, Object left, Object right) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      return message(at, (Message) left, (Message) right);
    }
    if (field.getJavaType() == FieldDescriptor.JavaType.ENUM) {
      int leftNumber = ((EnumValueDescriptor) left).getNumber();
      int rightNumber = ((EnumValueDescriptor) right).getNumber();
      return leftNumber == rightNumber ? null
          : at + ": json " + leftNumber + ", binary " + rightNumber;
    }
    return Objects.equals(left, right) ? null : at + ": json " + show(left) + ", binary "
        + show(right);
  }

  private String any(String path, Message left, Message right) {
    FieldDescriptor typeUrl = Any.getDescriptor().findFieldByName("type_url");
    FieldDescriptor value = Any.getDescriptor().findFieldByName("value");
    String leftUrl = (String) left.getField(typeUrl);
    String rightUrl = (String) right.getField(typeUrl);
    if (!leftUrl.equals(rightUrl)) {
      return path + ".type_url: json " + leftUrl + ", binary " + rightUrl;
    }
    Descriptor content = types.get(leftUrl.substring(leftUrl.lastIndexOf('/') + 1));
    if (content == null) {
      return Objects.equals(left.getField(value), right.getField(value)) ? null
          : path + ".value: bytes differ for unregistered " + leftUrl;
    }
    try {
      return message(path + ".(" + content.getFullName() + ")",
          DynamicMessage.parseFrom(content, (ByteString) left.getField(value)),
          DynamicMessage.parseFrom(content, (ByteString) right.getField(value)));
    } catch (InvalidProtocolBufferException e) {
      return path + ".value: does not decode as " + content.getFullName() + ": " + e.getMessage();
    }
  }

  private static String show(Object value) {
    if (value instanceof ByteString bytes) {
      return "bytes(" + bytes.size() + ")";
    }
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }

  /**
   * Names the first top-level field (in number order) whose encoded occurrences differ between
   * two encodings of {@code type}; "field order" when every field matches but bytes do not.
   */
  static String firstDifferingWireField(Descriptor type, byte[] expected, byte[] actual) {
    try {
      Map<Integer, UnknownFieldSet.Field> want = UnknownFieldSet.parseFrom(expected).asMap();
      Map<Integer, UnknownFieldSet.Field> got = UnknownFieldSet.parseFrom(actual).asMap();
      List<Integer> numbers = new ArrayList<>(new TreeSet<>(want.keySet()));
      numbers.addAll(got.keySet().stream().filter(n -> !want.containsKey(n)).toList());
      for (int number : numbers) {
        if (!Objects.equals(want.get(number), got.get(number))) {
          FieldDescriptor field = type.findFieldByNumber(number);
          return field == null ? "unknown field " + number : field.getName() + " (" + number + ")";
        }
      }
      return "field order";
    } catch (InvalidProtocolBufferException e) {
      return "an undecodable encoding: " + e.getMessage();
    }
  }
}
