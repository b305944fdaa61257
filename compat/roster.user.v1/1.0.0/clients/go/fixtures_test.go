package roster_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	// Registered for google.rpc.Status cases and the Any details inside them.
	_ "google.golang.org/genproto/googleapis/rpc/errdetails"
	_ "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/testing/protocmp"

	// Registered for every roster.user.v1 case.
	_ "roster.dev/gen/go/roster/user/v1"
)

// wireCase is one entry of tests/fixtures/wire/manifest.json.
type wireCase struct {
	Name          string `json:"name"`
	Type          string `json:"type"`
	Binary        string `json:"binary"`
	JSON          string `json:"json"`
	UnknownFields bool   `json:"unknown_fields"`
	UnknownEnum   bool   `json:"unknown_enum"`
}

// fixturesDir is the shared wire fixtures folder; ROSTER_WIRE_FIXTURES
// points elsewhere, for trying fixtures that are not committed yet.
func fixturesDir() string {
	if dir := os.Getenv("ROSTER_WIRE_FIXTURES"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "tests", "fixtures", "wire")
}

func loadManifest(t *testing.T) (string, []wireCase) {
	t.Helper()
	dir := fixturesDir()
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if os.IsNotExist(err) {
		t.Skipf("no wire fixtures yet at %s", dir)
	}
	if err != nil {
		t.Fatalf("go: reading manifest: %v", err)
	}
	var manifest struct {
		Cases []wireCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("go: parsing manifest: %v", err)
	}
	if len(manifest.Cases) == 0 {
		t.Fatalf("go: manifest in %s lists no cases", dir)
	}
	return dir, manifest.Cases
}

func TestEveryWireFixtureDecodesAndReencodesIdentically(t *testing.T) {
	dir, cases := loadManifest(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { checkWireCase(t, dir, c) })
	}
}

// checkWireCase decodes both encodings of one case, compares them and
// re-encodes the binary one; every failure names the case and "go".
func checkWireCase(t *testing.T, dir string, c wireCase) {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(c.Type))
	if err != nil {
		t.Fatalf("case %s (go): unknown type %s: %v", c.Name, c.Type, err)
	}
	binary := readFixture(t, dir, c.Name, c.Binary)
	fromBinary := mt.New().Interface()
	if err := proto.Unmarshal(binary, fromBinary); err != nil {
		t.Fatalf("case %s (go): decoding binary: %v", c.Name, err)
	}
	fromJSON := mt.New().Interface()
	jsonDecoder := protojson.UnmarshalOptions{Resolver: protoregistry.GlobalTypes}
	if err := jsonDecoder.Unmarshal(readFixture(t, dir, c.Name, c.JSON), fromJSON); err != nil {
		t.Fatalf("case %s (go): decoding JSON: %v", c.Name, err)
	}

	known := fromBinary
	if c.UnknownFields {
		known = mt.New().Interface()
		if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(binary, known); err != nil {
			t.Fatalf("case %s (go): decoding binary without unknown fields: %v", c.Name, err)
		}
		if proto.Equal(known, fromBinary) {
			t.Errorf("case %s (go): marked unknown_fields but the binary has none", c.Name)
		}
	}
	if !proto.Equal(known, fromJSON) {
		t.Errorf("case %s (go): binary and JSON decode differently (-binary +json):\n%s",
			c.Name, cmp.Diff(known, fromJSON, protocmp.Transform()))
	}

	reencoded, err := proto.MarshalOptions{Deterministic: true}.Marshal(fromBinary)
	if err != nil {
		t.Fatalf("case %s (go): re-encoding: %v", c.Name, err)
	}
	if !bytes.Equal(reencoded, binary) {
		t.Errorf("case %s (go): re-encoded bytes differ from %s, first at field %s",
			c.Name, c.Binary, firstDifferingField(mt.Descriptor(), binary, reencoded))
	}
}

func readFixture(t *testing.T, dir, name, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatalf("case %s (go): %v", name, err)
	}
	return b
}

// firstDifferingField walks two encodings of md field by field and names the
// first field whose bytes differ, descending into nested messages.
func firstDifferingField(md protoreflect.MessageDescriptor, want, got []byte) string {
	for len(want) > 0 || len(got) > 0 {
		wantNum, wantField := nextField(want)
		gotNum, gotField := nextField(got)
		if bytes.Equal(wantField, gotField) {
			want, got = want[len(wantField):], got[len(gotField):]
			continue
		}
		num := wantNum
		if len(wantField) == 0 {
			num = gotNum
		}
		fd := md.Fields().ByNumber(num)
		if fd == nil {
			return fmt.Sprintf("%d (unknown to the schema)", num)
		}
		if wantNum == gotNum && fd.Message() != nil && !fd.IsMap() {
			wantValue, wantOK := messageBytes(wantField)
			gotValue, gotOK := messageBytes(gotField)
			if wantOK && gotOK {
				return string(fd.Name()) + "." + firstDifferingField(fd.Message(), wantValue, gotValue)
			}
		}
		return fmt.Sprintf("%s (%d)", fd.Name(), num)
	}
	return "(none: the encodings are equal)"
}

// nextField splits off the first whole field (tag and value) of b.
func nextField(b []byte) (protowire.Number, []byte) {
	if len(b) == 0 {
		return 0, nil
	}
	num, _, n := protowire.ConsumeField(b)
	if n < 0 {
		return num, b
	}
	return num, b[:n]
}

// messageBytes returns the payload of a length-delimited field.
func messageBytes(field []byte) ([]byte, bool) {
	_, typ, n := protowire.ConsumeTag(field)
	if n < 0 || typ != protowire.BytesType {
		return nil, false
	}
	value, m := protowire.ConsumeBytes(field[n:])
	return value, m >= 0
}
