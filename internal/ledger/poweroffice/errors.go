package poweroffice

import (
	"encoding/json"
	"strings"
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

// errorMessage returns PowerOffice's explanation: "title: detail" of a
// ProblemDetails, the message of an APIM throttling body, the
// error_description of an OAuth error, else the body as text (capped).
func errorMessage(data []byte) string {
	var obj map[string]any
	if json.Unmarshal(data, &obj) == nil {
		get := func(k string) string {
			for key, v := range obj {
				if strings.EqualFold(key, k) {
					if s, ok := v.(string); ok {
						return s
					}
				}
			}
			return ""
		}
		title, detail := get("title"), get("detail")
		switch {
		case title != "" && detail != "":
			return title + ": " + detail
		case title != "" || detail != "":
			return title + detail
		}
		for _, k := range []string{"error_description", "message", "error"} {
			if s := get(k); s != "" {
				return s
			}
		}
	}
	s := strings.TrimSpace(string(data))
	if len(s) > 4096 {
		s = s[:4096]
	}
	return s
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
