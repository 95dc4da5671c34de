package secrets

import (
	"bytes"
	"errors"
	"testing"
)

func mustBox(t *testing.T) *Box {
	t.Helper()
	k, err := ParseKey(GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	b := mustBox(t)
	secret := []byte("fiken-token-very-secret")
	sealed := b.Seal(secret, []byte("tenant-a"))
	if bytes.Contains(sealed, secret) {
		t.Fatal("sealed value contains the plaintext")
	}
	got, err := b.Open(sealed, []byte("tenant-a"))
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := b.Open(sealed, []byte("tenant-b")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("moved to another tenant: err = %v, want ErrCorrupt", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := b.Open(sealed, []byte("tenant-a")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("tampered: err = %v, want ErrCorrupt", err)
	}
	if _, err := mustBox(t).Open(b.Seal(secret, nil), nil); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("other key: err = %v, want ErrWrongKey", err)
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in string
		ok bool
	}{
		{GenerateKey(), true},
		{"c2hvcnQ=", false},
		{"not base64 !!", false},
		{"", false},
	}
	for _, tt := range tests {
		_, err := ParseKey(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseKey(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}

func TestRotationOpensOldValuesAndSealsWithTheNewKey(t *testing.T) {
	t.Parallel()
	oldKey, _ := ParseKey(GenerateKey())
	newKey, _ := ParseKey(GenerateKey())
	old, err := New(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	sealedOld := old.Seal([]byte("token"), []byte("t1"))

	rotated, err := New(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open(sealedOld, []byte("t1")); err != nil || string(got) != "token" {
		t.Fatalf("rotated box opening an old value = %q, %v", got, err)
	}
	sealedNew := rotated.Seal([]byte("token"), []byte("t1"))
	if SealedKeyID(sealedNew) != KeyID(newKey) || SealedKeyID(sealedOld) != KeyID(oldKey) {
		t.Fatalf("key ids: new %s (want %s), old %s (want %s)", SealedKeyID(sealedNew), KeyID(newKey), SealedKeyID(sealedOld), KeyID(oldKey))
	}
	// The old key alone cannot open what the new key sealed, and once the
	// previous key is dropped, old values are reported as another key's.
	if _, err := old.Open(sealedNew, []byte("t1")); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("old box opening a new value: err = %v, want ErrWrongKey", err)
	}
	dropped, _ := New(newKey)
	if _, err := dropped.Open(sealedOld, []byte("t1")); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("after dropping the previous key: err = %v, want ErrWrongKey", err)
	}
	if _, err := New(newKey, []byte("short")); err == nil {
		t.Fatal("a short previous key was accepted")
	}
	if SealedKeyID([]byte{9, 1, 2}) != "" {
		t.Fatal("SealedKeyID of garbage is not empty")
	}
}
