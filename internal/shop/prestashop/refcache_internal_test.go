package prestashop

import (
	"errors"
	"testing"
	"time"
)

func TestRefCache(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 5, 28, 10, 0, 0, 0, time.UTC)
	errShop := errors.New("shop down")
	type step struct {
		advance time.Duration
		key     int
		fail    bool // the fetch fails
		fetched bool // want fetch called
	}
	tests := []struct {
		name  string
		ttl   time.Duration
		steps []step
	}{
		{"hit until ttl", time.Minute, []step{
			{0, 1, false, true},
			{59 * time.Second, 1, false, false},
			{time.Second, 1, false, true}, // expired exactly at ttl
			{0, 1, false, false},
			{0, 2, false, true}, // keys are apart
		}},
		{"errors not kept", time.Minute, []step{
			{0, 1, true, true},
			{0, 1, true, true},
			{0, 1, false, true},
			{0, 1, false, false},
		}},
		{"disabled", -1, []step{
			{0, 1, false, true},
			{0, 1, false, true},
		}},
		{"zero ttl disabled", 0, []step{
			{0, 1, false, true},
			{0, 1, false, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			now := start
			c := newRefCache[int, string](tt.ttl, func() time.Time { return now })
			for i, s := range tt.steps {
				now = now.Add(s.advance)
				fetched := false
				v, err := c.load(s.key, func() (string, error) {
					fetched = true
					if s.fail {
						return "", errShop
					}
					return "v" + itoa(s.key), nil
				})
				if fetched != s.fetched {
					t.Errorf("step %d: fetched %v, want %v", i, fetched, s.fetched)
				}
				if s.fail && !errors.Is(err, errShop) || !s.fail && (err != nil || v != "v"+itoa(s.key)) {
					t.Errorf("step %d: %q, %v", i, v, err)
				}
			}
		})
	}
}

// TestRefCacheBound: storing one key more than maxRefEntries drops the
// others; replacing a stored key does not.
func TestRefCacheBound(t *testing.T) {
	t.Parallel()
	c := newRefCache[int, int](time.Minute, time.Now)
	for k := range maxRefEntries {
		c.put(k, k)
	}
	c.put(0, 0)
	if len(c.m) != maxRefEntries {
		t.Fatalf("%d entries after replacing one, want %d", len(c.m), maxRefEntries)
	}
	c.put(maxRefEntries, 1)
	if len(c.m) != 1 {
		t.Errorf("%d entries after the bound, want 1", len(c.m))
	}
	if v, ok := c.get(maxRefEntries); !ok || v != 1 {
		t.Errorf("newest entry = %d, %v", v, ok)
	}
	if _, ok := c.get(0); ok {
		t.Error("old entry kept past the bound")
	}
}
