package prestashopsim

import (
	"regexp"
)

// validators holds compiled format checks; built once per Server.
type validators map[string]*regexp.Regexp

// newValidators compiles simplified PrestaShop validators
// (classes/Validate.php) for every format the served resources use.
func newValidators(defs []resourceDef) validators {
	v := validators{}
	for _, d := range defs {
		for _, f := range d.fields {
			if _, ok := v[f.format]; !ok {
				v[f.format] = formatPattern(f.format)
			}
		}
	}
	return v
}

// formatPattern returns the check for one validator, or nil for none.
func formatPattern(format string) *regexp.Regexp {
	switch format {
	case "isUnsignedId", "isUnsignedInt", "isNullOrUnsignedId":
		return regexp.MustCompile(`^\d+$`)
	case "isInt":
		return regexp.MustCompile(`^-?\d+$`)
	case "isBool":
		return regexp.MustCompile(`^[01]$`)
	case "isPrice":
		return regexp.MustCompile(`^\d{1,10}(\.\d{1,9})?$`)
	case "isNegativePrice":
		return regexp.MustCompile(`^-?\d{1,10}(\.\d{1,9})?$`)
	case "isFloat":
		return regexp.MustCompile(`^-?\d+(\.\d+)?$`)
	case "isUnsignedFloat":
		return regexp.MustCompile(`^\d+(\.\d+)?$`)
	case "isDate":
		return regexp.MustCompile(`^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$`)
	case "isEmail":
		return regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	case "isColor":
		return regexp.MustCompile(`^(#[0-9A-Fa-f]{6}|[a-z]+)$`)
	case "isLanguageIsoCode":
		return regexp.MustCompile(`^[a-zA-Z]{2,3}$`)
	}
	return nil
}

// valid reports whether v passes the field's validator; empty values pass
// (requiredness is checked separately).
func (vs validators) valid(format, v string) bool {
	if v == "" {
		return true
	}
	p := vs[format]
	return p == nil || p.MatchString(v)
}

// validateRecord checks required fields and formats of a record to be saved.
func (vs validators) validateRecord(def *resourceDef, r *record) *wsError {
	for _, f := range def.fields {
		if f.readOnly {
			continue
		}
		if f.i18n {
			if f.required && r.lang[f.name][1] == "" {
				return errf(400, 41, `Validation error: "Property `+def.elem+`->`+f.name+` is empty."`)
			}
			continue
		}
		v := r.fields[f.name]
		if f.required && v == "" {
			return errf(400, 41, `Validation error: "Property `+def.elem+`->`+f.name+` is empty."`)
		}
		if !vs.valid(f.format, v) {
			return errf(400, 41, `Validation error: "Property `+def.elem+`->`+f.name+` is not valid: `+v+`"`)
		}
	}
	return nil
}
