package prestashop

import (
	"sync"
	"time"

	"github.com/bokfor/bokfor/internal/domain"
)

// defaultReferenceTTL is how long reference data is kept when
// Config.ReferenceTTL is 0.
const defaultReferenceTTL = 5 * time.Minute

// maxRefEntries bounds each reference cache: storing one more key drops
// every entry, so a shop answering with ever new ids cannot grow it
// without limit.
const maxRefEntries = 10_000

// refCache keeps successful reads of reference data for a while. The zero
// ttl or a negative one disables it. It is safe for concurrent use;
// concurrent misses of one key may each fetch.
type refCache[K comparable, V any] struct {
	ttl time.Duration
	now func() time.Time

	mu sync.Mutex
	m  map[K]refEntry[V]
}

type refEntry[V any] struct {
	v       V
	expires time.Time
}

func newRefCache[K comparable, V any](ttl time.Duration, now func() time.Time) *refCache[K, V] {
	return &refCache[K, V]{ttl: ttl, now: now, m: map[K]refEntry[V]{}}
}

// get returns the value stored for k if it has not expired.
func (c *refCache[K, V]) get(k K) (V, bool) {
	var zero V
	if c.ttl <= 0 {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok {
		return zero, false
	}
	if !c.now().Before(e.expires) {
		delete(c.m, k)
		return zero, false
	}
	return e.v, true
}

// put stores v for k until ttl from now.
func (c *refCache[K, V]) put(k K, v V) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= maxRefEntries {
		clear(c.m)
	}
	c.m[k] = refEntry[V]{v: v, expires: c.now().Add(c.ttl)}
}

// load returns the value for k, calling fetch on a miss and keeping its
// result only if it succeeded: errors, not-found included, are never
// cached.
func (c *refCache[K, V]) load(k K, fetch func() (V, error)) (V, error) {
	if v, ok := c.get(k); ok {
		return v, nil
	}
	v, err := fetch()
	if err != nil {
		return v, err
	}
	c.put(k, v)
	return v, nil
}

// refCaches is a client's reference data by id. Currencies are cached as
// their ISO code only: Currency always reads the shop, so a cached
// conversion rate can never reach a caller.
type refCaches struct {
	taxes       *refCache[int, Tax]
	currencyISO *refCache[int, string]
	countryISO  *refCache[int, string]
	carriers    *refCache[int, Carrier]
	groupRates  *refCache[int, domain.VATRate]
}

func newRefCaches(ttl time.Duration, now func() time.Time) refCaches {
	return refCaches{
		taxes:       newRefCache[int, Tax](ttl, now),
		currencyISO: newRefCache[int, string](ttl, now),
		countryISO:  newRefCache[int, string](ttl, now),
		carriers:    newRefCache[int, Carrier](ttl, now),
		groupRates:  newRefCache[int, domain.VATRate](ttl, now),
	}
}
