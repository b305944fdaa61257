// The roster.user.v2 wire fixtures (tests/fixtures/wire/v2, a manifest of their
// own) decoded and re-encoded by the TypeScript runtime, as v1's are.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type DescMessage, equals, fromBinary, fromJson, type JsonValue, toBinary, toJson } from "@bufbuild/protobuf";
import { rosterV2Registry as registry } from "../src/registry-v2.js";
import { firstJsonDifference, firstWireDifference } from "./wire-diff.js";

interface FixtureCase {
  readonly name: string;
  readonly type: string;
  readonly binary: string;
  readonly json: string;
  readonly unknown_fields: boolean;
}

// Compiled to clients/node/dist/clients/node/test/, six levels below the repository root.
const FIXTURES = join(
  process.env["ROSTER_WIRE_FIXTURES"] ??
    fileURLToPath(new URL("../../../../../../tests/fixtures/wire/", import.meta.url)),
  "v2",
);

function schemaOf(c: FixtureCase): DescMessage {
  const schema = registry.getMessage(c.type);
  assert.ok(schema, `node: v2 case ${c.name}: type ${c.type} is not in the registry`);
  return schema;
}

function checkJsonMatchesBinary(c: FixtureCase): void {
  const schema = schemaOf(c);
  const binary = fromBinary(schema, readFileSync(join(FIXTURES, c.binary)));
  const json = JSON.parse(readFileSync(join(FIXTURES, c.json), "utf8")) as JsonValue;
  const parsed = fromJson(schema, json, { registry });
  if (equals(schema, binary, parsed, { registry, unpackAny: true, unknown: !c.unknown_fields })) {
    return;
  }
  const asJson = (m: typeof binary): JsonValue => toJson(schema, m, { registry, useProtoFieldName: true });
  const field = firstJsonDifference(asJson(binary), asJson(parsed)) ?? "(unknown fields)";
  assert.fail(`node: v2 case ${c.name}: binary and JSON decode differently; first differing field: ${field}`);
}

function checkBinaryRoundTrip(c: FixtureCase): void {
  const schema = schemaOf(c);
  const expected = new Uint8Array(readFileSync(join(FIXTURES, c.binary)));
  const actual = toBinary(schema, fromBinary(schema, expected));
  const field = firstWireDifference(schema, expected, actual);
  assert.ok(
    field === undefined && Buffer.compare(expected, actual) === 0,
    `node: v2 case ${c.name}: re-encoded binary differs; first differing field: ${field ?? "(none)"}`,
  );
}

const cases = (JSON.parse(readFileSync(join(FIXTURES, "manifest.json"), "utf8")) as { cases: FixtureCase[] }).cases;
test("the v2 wire fixture manifest lists at least 25 cases", () => {
  assert.ok(cases.length >= 25, `node: the v2 manifest lists ${cases.length} cases`);
});
for (const c of cases) {
  test(`v2 ${c.name}: the binary and the JSON decode to the same message`, () => checkJsonMatchesBinary(c));
  test(`v2 ${c.name}: re-encoding the decoded binary reproduces it byte for byte`, () => checkBinaryRoundTrip(c));
}
