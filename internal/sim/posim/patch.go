package posim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// patchOp is one RFC 6902 operation.
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// applyPatch applies a JSON Patch (replace/add/remove of a field or of a
// field of a nested object) to *obj. Read-only fields are refused, and so
// are fields the object does not have.
func applyPatch[T any](r *http.Request, obj *T, readOnly []string) *apiErr {
	if e := requirePatch(r); e != nil {
		return e
	}
	var ops []patchOp
	if err := json.NewDecoder(r.Body).Decode(&ops); err != nil {
		return badRequest("JSON Patch body: %v", err)
	}
	b, _ := json.Marshal(obj)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, op := range ops {
		parts := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
		if !strings.HasPrefix(op.Path, "/") || len(parts) > 2 || parts[0] == "" {
			return badRequest("unsupported patch path %q", op.Path)
		}
		if slices.ContainsFunc(readOnly, func(f string) bool { return strings.EqualFold(f, parts[0]) }) {
			return badRequest("%s is read-only", parts[0])
		}
		// A field absent from the rendering (null nested object) is
		// accepted here; the decode below refuses unknown fields.
		field := canonical(m, parts[0])
		target, key := m, field
		if len(parts) == 2 {
			sub, ok := m[field].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[field] = sub
			}
			target, key = sub, parts[1]
		}
		switch op.Op {
		case "replace", "add":
			var v any
			if err := json.Unmarshal(op.Value, &v); err != nil {
				return badRequest("value of %s: %v", op.Path, err)
			}
			target[key] = v
		case "remove":
			delete(target, key)
		default:
			return badRequest("unsupported patch op %q", op.Op)
		}
	}
	nb, _ := json.Marshal(m)
	var out T
	dec := json.NewDecoder(bytes.NewReader(nb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		return badRequest("patched object is invalid: %v", err)
	}
	*obj = out
	return nil
}

// canonical returns the map's key matching name case-insensitively, or
// name when there is none.
func canonical(m map[string]any, name string) string {
	for k := range m {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return name
}

// requirePatch refuses a PATCH that is not application/json-patch+json.
func requirePatch(r *http.Request) *apiErr {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json-patch+json") {
		return &apiErr{http.StatusUnsupportedMediaType, "Unsupported Media Type", "PATCH needs Content-Type application/json-patch+json"}
	}
	return nil
}
