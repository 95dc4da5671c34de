package poweroffice

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/bokfor/bokfor/internal/apierr"
)

// ProblemDetails is PowerOffice's RFC 7807 error body (PascalCase in the
// spec; decoding is case-insensitive, so camelCase bodies fit too).
type ProblemDetails struct {
	Type     string `json:"Type,omitempty"`
	Title    string `json:"Title,omitempty"`
	Status   int    `json:"Status,omitempty"`
	Detail   string `json:"Detail,omitempty"`
	Instance string `json:"Instance,omitempty"`
}

// errorMessage returns PowerOffice's explanation, made storable text
// (apierr.CleanText; it may become an order's needs_attention reason):
// "title: detail" of a ProblemDetails, with the field errors of an
// ASP.NET ValidationProblemDetails ("errors": {"Field": ["…"]}) appended,
// since they name the field; the message of an APIM throttling body; the
// error_description of an OAuth error; else the body as text (capped).
func errorMessage(data []byte) string {
	var obj map[string]any
	if json.Unmarshal(data, &obj) == nil {
		field := func(k string) any {
			for key, v := range obj {
				if strings.EqualFold(key, k) {
					return v
				}
			}
			return nil
		}
		get := func(k string) string {
			s, _ := field(k).(string)
			return s
		}
		msg := strings.TrimSuffix(get("title")+": "+get("detail"), ": ")
		msg = strings.TrimPrefix(msg, ": ")
		if errs := fieldErrors(field("errors")); errs != "" {
			msg = strings.TrimPrefix(msg+"; "+errs, "; ")
		}
		if msg != "" {
			return apierr.CleanText(msg, apierr.MaxMessage)
		}
		for _, k := range []string{"error_description", "message", "error"} {
			if s := get(k); s != "" {
				return apierr.CleanText(s, apierr.MaxMessage)
			}
		}
	}
	return apierr.CleanText(string(data), apierr.MaxMessage)
}

// fieldErrors renders ValidationProblemDetails.errors, {"Field": ["msg",
// …]}, as "Field: msg, msg; Other: msg" in field order.
func fieldErrors(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		var msgs []string
		switch x := m[k].(type) {
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok && s != "" {
					msgs = append(msgs, s)
				}
			}
		case string:
			msgs = append(msgs, x)
		}
		if len(msgs) > 0 {
			parts = append(parts, k+": "+strings.Join(msgs, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

// isDuplicateReference reports whether a 400's message rejects a
// duplicate ExternalImportReference (or a duplicate invoice number).
func isDuplicateReference(msg string) bool {
	m := strings.ToLower(msg)
	if !strings.Contains(m, "externalimportreference") && !strings.Contains(m, "invoiceno") {
		return false
	}
	for _, w := range []string{"duplicate", "already", "unique"} {
		if strings.Contains(m, w) {
			return true
		}
	}
	return false
}
