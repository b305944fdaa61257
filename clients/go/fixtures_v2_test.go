package roster_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	// Registered for every roster.user.v2 case.
	_ "roster.dev/gen/go/roster/user/v2"
)

// TestEveryV2WireFixtureDecodesAndReencodesIdentically runs the same checks
// as for v1 over tests/fixtures/wire/v2, which has a manifest of its own.
func TestEveryV2WireFixtureDecodesAndReencodesIdentically(t *testing.T) {
	dir := filepath.Join(fixturesDir(), "v2")
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatalf("go: reading the v2 manifest: %v", err)
	}
	var manifest struct {
		Cases []wireCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("go: parsing the v2 manifest: %v", err)
	}
	if len(manifest.Cases) < 25 {
		t.Fatalf("go: the v2 manifest lists %d cases, fewer than 25", len(manifest.Cases))
	}
	for _, c := range manifest.Cases {
		t.Run(c.Name, func(t *testing.T) { checkWireCase(t, dir, c) })
	}
}
