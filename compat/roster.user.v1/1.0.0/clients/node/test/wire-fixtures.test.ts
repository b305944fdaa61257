// The shared wire fixtures (tests/fixtures/wire) decoded and re-encoded by the
// TypeScript runtime: binary and JSON must mean the same message, and
// re-encoding must reproduce the binary exactly, unknown fields and enum
// numbers included.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type DescMessage, equals, fromBinary, fromJson, type JsonValue, toBinary, toJson } from "@bufbuild/protobuf";
import { rosterRegistry } from "../src/registry.js";
import { firstJsonDifference, firstWireDifference } from "./wire-diff.js";

interface FixtureCase {
  readonly name: string;
  readonly type: string;
  readonly binary: string;
  readonly json: string;
  readonly unknown_fields: boolean;
  readonly unknown_enum: boolean;
}

// Compiled to clients/node/dist/clients/node/test/, six levels below the repository root.
const FIXTURES =
  process.env["ROSTER_WIRE_FIXTURES"] ??
  fileURLToPath(new URL("../../../../../../tests/fixtures/wire/", import.meta.url));
const MANIFEST = join(FIXTURES, "manifest.json");

function schemaOf(c: FixtureCase): DescMessage {
  const schema = rosterRegistry.getMessage(c.type);
  assert.ok(schema, `node: case ${c.name}: type ${c.type} is not in the registry`);
  return schema;
}

function checkJsonMatchesBinary(c: FixtureCase): void {
  const schema = schemaOf(c);
  const binary = fromBinary(schema, readFileSync(join(FIXTURES, c.binary)));
  const json = JSON.parse(readFileSync(join(FIXTURES, c.json), "utf8")) as JsonValue;
  const fromJsonFile = fromJson(schema, json, { registry: rosterRegistry });
  // Only the binary can carry unknown fields; otherwise they must match too.
  const options = { registry: rosterRegistry, unpackAny: true, unknown: !c.unknown_fields };
  if (equals(schema, binary, fromJsonFile, options)) {
    return;
  }
  const asJson = (m: typeof binary): JsonValue =>
    toJson(schema, m, { registry: rosterRegistry, useProtoFieldName: true });
  const field = firstJsonDifference(asJson(binary), asJson(fromJsonFile)) ?? "(unknown fields)";
  assert.fail(`node: case ${c.name}: binary and JSON decode differently; first differing field: ${field}`);
}

function checkBinaryRoundTrip(c: FixtureCase): void {
  const schema = schemaOf(c);
  const expected = new Uint8Array(readFileSync(join(FIXTURES, c.binary)));
  const actual = toBinary(schema, fromBinary(schema, expected));
  const field = firstWireDifference(schema, expected, actual);
  assert.ok(
    field === undefined && Buffer.compare(expected, actual) === 0,
    `node: case ${c.name}: re-encoded binary differs from ${c.binary}; first differing field: ${field ?? "(none)"}`,
  );
}

if (!existsSync(MANIFEST)) {
  test("the wire fixtures are checked once their manifest exists", { skip: `${MANIFEST} is missing` }, () => {});
} else {
  const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as { cases?: FixtureCase[] };
  const cases = manifest.cases ?? [];
  test("the wire fixture manifest lists at least one case", () => {
    assert.ok(cases.length > 0, `node: ${MANIFEST} has no cases`);
  });
  for (const c of cases) {
    test(`${c.name}: the binary and the JSON decode to the same message`, () => checkJsonMatchesBinary(c));
    test(`${c.name}: re-encoding the decoded binary reproduces it byte for byte`, () => checkBinaryRoundTrip(c));
  }
}
