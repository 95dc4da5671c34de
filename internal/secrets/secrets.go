// Package secrets encrypts tenant credentials at rest with AES-256-GCM.
//
// The key is 32 bytes, given base64-encoded in BOKFOR_SECRET_KEY or as the
// contents of a key file. Every sealed value carries a one-byte format
// version, the key id (the first 8 hex digits of the key's SHA-256, so a
// wrong key is reported as such rather than as corrupt data) and a random
// nonce.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

const formatV1 = 1

// ErrWrongKey means the value was sealed with another key.
var ErrWrongKey = errors.New("secrets: sealed with a different key")

// ErrCorrupt means the sealed value is malformed or was tampered with.
var ErrCorrupt = errors.New("secrets: sealed value is corrupt")

// Box seals values with its current key and opens values sealed with the
// current key or any previous one, so the key can be rotated while values
// sealed with the old key still exist. It is safe for concurrent use.
type Box struct {
	aead  cipher.AEAD
	keyID string
	// previous opens values sealed before a rotation, by key id.
	previous map[string]cipher.AEAD
}

// New returns a Box that seals with key and also opens values sealed with
// any of previous. Every key is 32 bytes.
func New(key []byte, previous ...[]byte) (*Box, error) {
	aead, id, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	b := &Box{aead: aead, keyID: id}
	for i, k := range previous {
		a, pid, err := newAEAD(k)
		if err != nil {
			return nil, fmt.Errorf("previous key %d: %w", i+1, err)
		}
		if pid == id {
			continue
		}
		if b.previous == nil {
			b.previous = map[string]cipher.AEAD{}
		}
		b.previous[pid] = a
	}
	return b, nil
}

func newAEAD(key []byte) (cipher.AEAD, string, error) {
	if len(key) != KeySize {
		return nil, "", fmt.Errorf("secrets: key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, "", fmt.Errorf("secrets: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, "", fmt.Errorf("secrets: %w", err)
	}
	return aead, KeyID(key), nil
}

// KeyID returns the id of key without revealing it: the first 8 hex
// digits of its SHA-256.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

// ParseKey decodes a base64 (standard or URL alphabet, padded or not) key.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != KeySize {
				return nil, fmt.Errorf("key must decode to %d bytes, got %d", KeySize, len(b))
			}
			return b, nil
		}
	}
	return nil, errors.New("key is not base64")
}

// LoadKeyFile reads a base64 key from a file.
func LoadKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseKey(string(b))
}

// GenerateKey returns a new random key, base64-encoded.
func GenerateKey() string {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.StdEncoding.EncodeToString(k)
}

// KeyID identifies the key without revealing it.
func (b *Box) KeyID() string { return b.keyID }

// Seal encrypts plaintext. additional is authenticated but not encrypted;
// pass the owner's id (e.g. the tenant id) so a sealed value cannot be
// moved to another row.
func (b *Box) Seal(plaintext, additional []byte) []byte {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	out := make([]byte, 0, 1+4+len(nonce)+len(plaintext)+b.aead.Overhead())
	out = append(out, formatV1)
	id, _ := hex.DecodeString(b.keyID)
	out = append(out, id...)
	out = append(out, nonce...)
	return b.aead.Seal(out, nonce, plaintext, additional)
}

// SealedKeyID returns the id of the key that sealed a value, or "" if
// the value is malformed.
func SealedKeyID(sealed []byte) string {
	if len(sealed) < 1+4 || sealed[0] != formatV1 {
		return ""
	}
	return hex.EncodeToString(sealed[1:5])
}

// Open decrypts a value sealed by Seal with the same additional data,
// with the current key or the previous key that sealed it.
func (b *Box) Open(sealed, additional []byte) ([]byte, error) {
	ns := b.aead.NonceSize()
	if len(sealed) < 1+4+ns+b.aead.Overhead() || sealed[0] != formatV1 {
		return nil, ErrCorrupt
	}
	aead := b.aead
	if id := SealedKeyID(sealed); id != b.keyID {
		if aead = b.previous[id]; aead == nil {
			return nil, fmt.Errorf("%w (key id %s, this key is %s)", ErrWrongKey, id, b.keyID)
		}
	}
	nonce := sealed[5 : 5+ns]
	pt, err := aead.Open(nil, nonce, sealed[5+ns:], additional)
	if err != nil {
		return nil, ErrCorrupt
	}
	return pt, nil
}
