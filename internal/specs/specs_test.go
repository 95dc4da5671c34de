package specs

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

func TestSpecsArePresent(t *testing.T) {
	t.Parallel()
	for _, name := range []string{Fiken, PowerOffice, PowerOfficeAuth, WooCommerce, PrestaShop} {
		b, err := os.ReadFile(Path(name))
		if err != nil || len(b) < 1000 {
			t.Fatalf("%s: %v (%d bytes)", name, err, len(b))
		}
	}
	// The Fiken spec is the official snapshot of 2026-05-15 (sha256 08816f50…be88).
	b, _ := os.ReadFile(Path(Fiken))
	sum := sha256.Sum256(b)
	if h := hex.EncodeToString(sum[:]); !strings.HasPrefix(h, "08816f50") || !strings.HasSuffix(h, "be88") {
		t.Fatalf("fiken spec checksum %s does not match the official snapshot", h)
	}
}
