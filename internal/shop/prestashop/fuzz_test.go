package prestashop

import (
	"testing"
	"time"
)

// FuzzDecode feeds arbitrary answers to the JSON decoding: it must never
// panic, and whatever it accepts must be readable field by field.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`[]`, `{"orders":[]}`, `{"orders":{"id":1}}`, `{"orders":[{"id":"2","total_paid":"1.500000"}]}`,
		`{"orders":[{"id":1,"associations":{"order_rows":{"id":"1"}}}]}`,
		`{"orders":[{"id":1,"name":[{"id":"1","value":"x"}],"date_upd":"2025-01-01 00:00:00"}]}`,
		`null`, `{"orders":null}`, `[1]`, `{"orders":"x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		objs, err := decodeList(b, "orders")
		if err != nil {
			return
		}
		r := &reader{loc: time.UTC}
		for _, o := range objs {
			_ = o.str("id")
			_ = o.i18n("name", 1)
			_ = o.assoc("order_rows")
			_ = r.money(o, "total_paid")
			_ = r.int(o, "id")
			_ = r.time(o, "date_upd")
			_ = i18nAll(o, "name")
		}
	})
}
