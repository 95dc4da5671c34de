package prestashop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
)

// object is one webservice object as JSON, read field by field so that
// every quirk of the output can be absorbed.
type object map[string]json.RawMessage

// decodeList reads {"<resource>":[...]} or the bare [] of an empty list.
func decodeList(b []byte, resource string) ([]object, error) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || bytes.Equal(t, []byte("{}")) {
		return nil, nil
	}
	if t[0] == '[' { // an empty result is the bare JSON array []
		var arr []json.RawMessage
		if err := json.Unmarshal(t, &arr); err != nil {
			return nil, fmt.Errorf("list %s: %w", resource, err)
		}
		if len(arr) > 0 {
			return nil, fmt.Errorf("list %s: unexpected bare array of %d elements", resource, len(arr))
		}
		return nil, nil
	}
	var wrap map[string]json.RawMessage
	if err := json.Unmarshal(t, &wrap); err != nil {
		return nil, fmt.Errorf("list %s: %w", resource, err)
	}
	raw, ok := wrap[resource]
	if !ok {
		return nil, fmt.Errorf("list %s: no %q key", resource, resource)
	}
	return decodeObjects(raw)
}

// decodeObjects reads an array of objects, a single object, or null/[].
func decodeObjects(raw json.RawMessage) ([]object, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" || string(t) == `""` {
		return nil, nil
	}
	if t[0] == '{' { // one-element list collapsed to an object
		var o object
		if err := json.Unmarshal(t, &o); err != nil {
			return nil, err
		}
		return []object{o}, nil
	}
	var os []object
	if err := json.Unmarshal(t, &os); err != nil {
		return nil, err
	}
	return os, nil
}

// decodeOne reads {"<elem>":{...}}.
func decodeOne(b []byte, elem string) (object, error) {
	var wrap map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimSpace(b), &wrap); err != nil {
		return nil, fmt.Errorf("%s: %w", elem, err)
	}
	raw, ok := wrap[elem]
	if !ok {
		return nil, fmt.Errorf("%s: no %q key", elem, elem)
	}
	var o object
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("%s: %w", elem, err)
	}
	return o, nil
}

// str returns a scalar field as a string whether it came as a string, a
// number, a bool or null ("").
func (o object) str(k string) string {
	raw, ok := o[k]
	if !ok {
		return ""
	}
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return ""
	}
	if t[0] == '"' {
		var s string
		if json.Unmarshal(t, &s) == nil {
			return s
		}
		return ""
	}
	switch string(t) {
	case "true":
		return "1"
	case "false":
		return "0"
	}
	return string(t)
}

// i18n returns a multilingual field in language lang: a plain string, or
// the matching entry of [{"id":"1","value":"…"}] (the first if none
// matches).
func (o object) i18n(k string, lang int) string {
	raw, ok := o[k]
	if !ok {
		return ""
	}
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '[' {
		return o.str(k)
	}
	var vs []object
	if json.Unmarshal(t, &vs) != nil || len(vs) == 0 {
		return ""
	}
	for _, v := range vs {
		if v.str("id") == strconv.Itoa(lang) {
			return v.str("value")
		}
	}
	return vs[0].str("value")
}

// assoc returns an association's rows, accepting an array, a single object
// or nothing.
func (o object) assoc(name string) []object {
	raw, ok := o["associations"]
	if !ok {
		return nil
	}
	var as map[string]json.RawMessage
	if json.Unmarshal(raw, &as) != nil {
		return nil
	}
	rows, _ := decodeObjects(as[name])
	return rows
}

// reader converts fields and remembers the first failure, so mapping code
// stays linear.
type reader struct {
	loc *time.Location
	err error
}

func (r *reader) fail(o object, k string, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("field %s (id %s): %w", k, o.str("id"), err)
	}
}

// int reads an integer field; "" is 0.
func (r *reader) int(o object, k string) int {
	s := o.str(k)
	if s == "" {
		return 0
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		r.fail(o, k, err)
	}
	return i
}

// bool reads "0"/"1" (or true/false).
func (r *reader) bool(o object, k string) bool { return o.str(k) == "1" }

// money reads a decimal amount ("169.900000") rounded to øre; "" is 0.
func (r *reader) money(o object, k string) money.Ore {
	s := o.str(k)
	if s == "" {
		return 0
	}
	v, err := money.Parse(s)
	if err != nil {
		r.fail(o, k, err)
	}
	return v
}

// rate reads a VAT percentage ("25.000") into basis points; "" is 0.
func (r *reader) rate(o object, k string) domain.VATRate {
	s := o.str(k)
	if s == "" {
		return 0
	}
	v, err := domain.ParseVATRate(s)
	if err != nil {
		r.fail(o, k, err)
	}
	return v
}

// conv reads a conversion rate ("1.000000"); "" is 0.
func (r *reader) conv(o object, k string) domain.ConversionRate {
	s := o.str(k)
	if s == "" {
		return 0
	}
	v, err := domain.ParseConversionRate(s)
	if err != nil {
		r.fail(o, k, err)
	}
	return v
}

// time reads "YYYY-MM-DD HH:MM:SS" in the shop's zone; the zero date and
// "" give the zero time.
func (r *reader) time(o object, k string) time.Time {
	s := o.str(k)
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}
	}
	t, err := parseShopTime(s, r.loc)
	if err != nil {
		r.fail(o, k, err)
	}
	return t
}

// shopTimeLayout is how PrestaShop writes dates.
const shopTimeLayout = "2006-01-02 15:04:05"

func parseShopTime(s string, loc *time.Location) (time.Time, error) {
	if len(s) == len("2006-01-02") {
		return time.ParseInLocation("2006-01-02", s, loc)
	}
	return time.ParseInLocation(shopTimeLayout, s, loc)
}

// id returns an id field as the domain's string id, "" for 0.
func id(o object, k string) string {
	s := o.str(k)
	if s == "0" {
		return ""
	}
	return s
}
