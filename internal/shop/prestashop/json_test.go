package prestashop

import (
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
)

func TestDecodeListShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want []string // ids
	}{
		{"bare empty array", `[]`, nil},
		{"empty with spaces", " [ ] ", nil},
		{"list", `{"orders":[{"id":1},{"id":2}]}`, []string{"1", "2"}},
		{"one object instead of a list", `{"orders":{"id":7}}`, []string{"7"}},
		{"ids as strings", `{"orders":[{"id":"3"}]}`, []string{"3"}},
	}
	for _, tt := range tests {
		objs, err := decodeList([]byte(tt.body), "orders")
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var got []string
		for _, o := range objs {
			got = append(got, o.str("id"))
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: ids %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: ids %v, want %v", tt.name, got, tt.want)
			}
		}
	}
	if _, err := decodeList([]byte(`{"customers":[]}`), "orders"); err == nil {
		t.Error("wrong key: want error")
	}
}

func TestObjectQuirks(t *testing.T) {
	t.Parallel()
	body := `{"product":{"id":5,"price":"159.200000","active":"1","qty":12,"flag":true,"nil":null,
		"name":[{"id":"1","value":"T-skjorte"},{"id":"2","value":"T-shirt"}],"plain":"Kopp",
		"date_upd":"2025-03-01 12:34:56","date_add":"0000-00-00 00:00:00",
		"associations":{"combinations":{"id":"9"},"images":[{"id":"1"},{"id":"2"}],"tags":[]}}}`
	o, err := decodeOne([]byte(body), "product")
	if err != nil {
		t.Fatal(err)
	}
	r := &reader{loc: time.UTC}
	checks := []struct {
		name      string
		got, want any
	}{
		{"number id as string", o.str("id"), "5"},
		{"number field", r.int(o, "qty"), 12},
		{"bool true", r.bool(o, "flag"), true},
		{"null", o.str("nil"), ""},
		{"six-decimal money", r.money(o, "price"), money.Ore(15920)},
		{"i18n array lang 1", o.i18n("name", 1), "T-skjorte"},
		{"i18n array lang 2", o.i18n("name", 2), "T-shirt"},
		{"i18n array unknown lang falls back", o.i18n("name", 9), "T-skjorte"},
		{"i18n plain string", o.i18n("plain", 2), "Kopp"},
		{"one-element association as object", len(o.assoc("combinations")), 1},
		{"association array", len(o.assoc("images")), 2},
		{"empty association", len(o.assoc("tags")), 0},
		{"missing association", len(o.assoc("nope")), 0},
		{"date", r.time(o, "date_upd"), time.Date(2025, 3, 1, 12, 34, 56, 0, time.UTC)},
		{"zero date", r.time(o, "date_add").IsZero(), true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if r.err != nil {
		t.Errorf("reader error: %v", r.err)
	}
	if r.rate(object{"r": []byte(`"25.000"`)}, "r") != domain.VAT25 {
		t.Error("rate 25.000 != 2500 bp")
	}
	r.money(object{"id": []byte(`1`), "x": []byte(`"abc"`)}, "x")
	if r.err == nil {
		t.Error("bad money: want error")
	}
}

func TestSignature(t *testing.T) {
	t.Parallel()
	body := []byte(`{"action":"add","entity":"Order","data":{"id":1}}`)
	sig := Sign("s3cret", body)
	tests := []struct {
		secret, header string
		body           []byte
		want           bool
	}{
		{"s3cret", sig, body, true},
		{"other", sig, body, false},
		{"s3cret", sig, append([]byte(" "), body...), false},
		{"s3cret", "", body, false},
	}
	for i, tt := range tests {
		if got := VerifySignature(tt.secret, tt.body, tt.header); got != tt.want {
			t.Errorf("case %d: VerifySignature = %v, want %v", i, got, tt.want)
		}
	}
	ev, err := ParseWebhookEvent([]byte(`{"action":"add","entity":"OrderHistory","data":{"id":"4","id_order":"17"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := ev.OrderID(); !ok || id != 17 {
		t.Errorf("OrderID = %d, %v; want 17", id, ok)
	}
	if _, err := ParseWebhookEvent([]byte(`{"data":{}}`)); err == nil {
		t.Error("event without action: want error")
	}
}
