// Package codec encrypts Temporal payloads with AES-256-GCM, so that the
// Temporal server — its database, its Web UI without a codec endpoint, its
// operators — never sees order data, customer names or e-mail addresses.
//
// Each encrypted payload carries the encoding "binary/encrypted" and the id
// of the key that sealed it in its metadata. A Codec seals with its first
// key and opens with any of its keys, so a key is rotated by adding the new
// key in front and keeping the old one until no running workflow's history
// needs it. Payloads that are not encrypted pass through Decode unchanged
// (histories written before encryption was switched on).
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// Metadata keys and values of an encrypted payload.
const (
	// Encoding is the metadata "encoding" of an encrypted payload.
	Encoding = "binary/encrypted"
	// MetadataKeyID names the key that sealed the payload.
	MetadataKeyID = "encryption-key-id"
)

// payloadKeyInfo separates the payload key from other keys derived from
// the same secret (the tenant-secrets box uses the secret itself).
const payloadKeyInfo = "bokfor temporal payloads v1"

// ErrUnknownKey means a payload was sealed with a key the codec lacks.
var ErrUnknownKey = errors.New("codec: payload sealed with an unknown key")

// ErrCorrupt means an encrypted payload is malformed or was tampered with.
var ErrCorrupt = errors.New("codec: encrypted payload is corrupt")

// DeriveKey returns the 32-byte payload key derived (HKDF-SHA256) from
// bokfor's secret key, so one configured secret serves both purposes
// without using the same key for two things.
func DeriveKey(secret []byte) ([]byte, error) {
	k, err := hkdf.Key(sha256.New, secret, nil, payloadKeyInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("codec: derive key: %w", err)
	}
	return k, nil
}

// KeyID returns the id recorded in payloads sealed with key: the first
// 8 hex digits of its SHA-256.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

type sealer struct {
	id   string
	aead cipher.AEAD
}

// Codec is a converter.PayloadCodec that encrypts with AES-256-GCM. It is
// safe for concurrent use.
type Codec struct {
	keys []sealer // keys[0] seals
}

var _ converter.PayloadCodec = (*Codec)(nil)

// New returns a codec that seals with keys[0] and opens with any of keys.
// Every key must be 32 bytes.
func New(keys ...[]byte) (*Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("codec: at least one key is required")
	}
	c := &Codec{}
	for i, k := range keys {
		if len(k) != 32 {
			return nil, fmt.Errorf("codec: key %d must be 32 bytes, got %d", i, len(k))
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("codec: key %d: %w", i, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("codec: key %d: %w", i, err)
		}
		c.keys = append(c.keys, sealer{id: KeyID(k), aead: aead})
	}
	return c, nil
}

// KeyID returns the id of the sealing key.
func (c *Codec) KeyID() string { return c.keys[0].id }

// Encode encrypts every payload: the whole payload (metadata and data) is
// sealed, so the original encoding is hidden too. The key id is
// authenticated as additional data.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	k := c.keys[0]
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("codec: marshal payload: %w", err)
		}
		nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plain)+k.aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("codec: nonce: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataKeyID:              []byte(k.id),
			},
			Data: k.aead.Seal(nonce, nonce, plain, []byte(k.id)),
		}
	}
	return out, nil
}

// Decode decrypts encrypted payloads and passes others through.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		var k *sealer
		for j := range c.keys {
			if c.keys[j].id == id {
				k = &c.keys[j]
				break
			}
		}
		if k == nil {
			return nil, fmt.Errorf("%w (key id %q; rotated keys must stay configured while histories need them)", ErrUnknownKey, id)
		}
		data := p.GetData()
		if len(data) < k.aead.NonceSize() {
			return nil, ErrCorrupt
		}
		plain, err := k.aead.Open(nil, data[:k.aead.NonceSize()], data[k.aead.NonceSize():], []byte(id))
		if err != nil {
			return nil, ErrCorrupt
		}
		var orig commonpb.Payload
		if err := proto.Unmarshal(plain, &orig); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		out[i] = &orig
	}
	return out, nil
}

// DataConverter returns the default data converter wrapped with c.
func (c *Codec) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter returns a failure converter that also encrypts error
// messages and stack traces (they can quote order data), with c.
func (c *Codec) FailureConverter() converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter:          c.DataConverter(),
		EncodeCommonAttributes: true,
	})
}
