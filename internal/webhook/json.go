package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// errMalformed marks a body or header set that cannot be decoded; the edge
// answers 400.
var errMalformed = errors.New("malformed event")

// malformed returns an error wrapping errMalformed.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, args...))
}

// decodeObject decodes body as exactly one JSON object, with nothing but
// white space after it.
func decodeObject(body []byte) (map[string]json.RawMessage, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, malformed("body is not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil {
		return nil, malformed("body: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, malformed("body: data after the JSON object")
	}
	return m, nil
}

// intField returns field name of m as a canonical decimal string when it
// is a non-negative integer, given as a JSON number or a numeric string
// (PrestaShop sends numbers as strings). present is false when the field
// is absent or null.
func intField(m map[string]json.RawMessage, name string) (value string, present bool, err error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return "", false, nil
	}
	s := string(raw)
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", true, malformed("%s: %v", name, err)
		}
	}
	n, perr := strconv.ParseUint(s, 10, 64)
	if perr != nil {
		return "", true, malformed("%s is not a non-negative integer", name)
	}
	return strconv.FormatUint(n, 10), true, nil
}

// idField returns field name of m, an object id, as a canonical decimal
// string: a positive integer that fits in int64 (no shop numbers its
// objects from 0, and larger ids cannot be read back from the shop), given
// as a JSON number or a numeric string. present is false when the field
// is absent or null.
func idField(m map[string]json.RawMessage, name string) (value string, present bool, err error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return "", false, nil
	}
	s := string(raw)
	if strings.HasPrefix(s, `"`) {
		if json.Unmarshal(raw, &s) != nil {
			s = ""
		}
	}
	n, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil || n <= 0 || strings.HasPrefix(s, "+") {
		return "", true, malformed("%s is not a positive integer", name)
	}
	return strconv.FormatInt(n, 10), true, nil
}

// printable reports whether s is valid UTF-8 without control characters:
// what may go into a topic or a delivery key (PostgreSQL text refuses NUL
// and invalid UTF-8).
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// stringField returns field name of m when it is a JSON string; absent or
// null gives "".
func stringField(m map[string]json.RawMessage, name string) (string, error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", malformed("%s is not a string", name)
	}
	return s, nil
}
