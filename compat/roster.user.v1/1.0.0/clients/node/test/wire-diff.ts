// Locates the first difference between two messages so a failing fixture check
// names a field instead of dumping two blobs.
import type { DescMessage, JsonValue } from "@bufbuild/protobuf";
import { BinaryReader } from "@bufbuild/protobuf/wire";

interface WireField {
  readonly number: number;
  readonly offset: number;
  readonly raw: Uint8Array;
}

function topLevelFields(bytes: Uint8Array): WireField[] {
  const reader = new BinaryReader(bytes);
  const fields: WireField[] = [];
  while (reader.pos < reader.len) {
    const offset = reader.pos;
    const [number, wireType] = reader.tag();
    reader.skip(wireType, number);
    fields.push({ number, offset, raw: bytes.subarray(offset, reader.pos) });
  }
  return fields;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function fieldName(schema: DescMessage, number: number): string {
  const field = schema.fields.find((f) => f.number === number);
  return field ? `${field.name} (${number})` : `unknown field ${number}`;
}

/** The first top-level field whose encoding differs, e.g. "labels (6) at byte 42". */
export function firstWireDifference(
  schema: DescMessage,
  expected: Uint8Array,
  actual: Uint8Array,
): string | undefined {
  const want = topLevelFields(expected);
  const got = topLevelFields(actual);
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const w = want[i];
    const g = got[i];
    if (w === undefined || g === undefined || w.number !== g.number || !sameBytes(w.raw, g.raw)) {
      const number = w?.number ?? g?.number ?? 0;
      const where = w === undefined ? "after the last expected field" : `at byte ${w.offset}`;
      return `${fieldName(schema, number)} ${where}`;
    }
  }
  return undefined;
}

/** The path of the first difference between two JSON values, e.g. "user.labels.team". */
export function firstJsonDifference(a: JsonValue, b: JsonValue, path = "$"): string | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const inner = i < a.length && i < b.length ? firstJsonDifference(a[i]!, b[i]!, `${path}[${i}]`) : `${path}[${i}]`;
      if (inner !== undefined) {
        return inner;
      }
    }
    return undefined;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const key of keys) {
      const inner = key in a && key in b ? firstJsonDifference(a[key]!, b[key]!, `${path}.${key}`) : `${path}.${key}`;
      if (inner !== undefined) {
        return inner;
      }
    }
    return undefined;
  }
  return a === b ? undefined : path;
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
