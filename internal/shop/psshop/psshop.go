// Package psshop implements shop.Shop on the PrestaShop webservice client.
package psshop

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
)

// Shop is one PrestaShop shop.
type Shop struct {
	c *prestashop.Client

	mu     sync.Mutex
	states map[string]int // state name → id, created on first use
}

// New wraps a client.
func New(c *prestashop.Client) *Shop { return &Shop{c: c, states: map[string]int{}} }

var _ shop.Shop = (*Shop)(nil)

// Kind returns "prestashop".
func (s *Shop) Kind() string { return "prestashop" }

// Order reads the order with everything needed to book it.
func (s *Shop) Order(ctx context.Context, id string) (*domain.Order, error) {
	n, err := objectID("order", id)
	if err != nil {
		return nil, err
	}
	o, err := s.c.Order(ctx, n)
	// Only the order itself missing is "not found": a deleted customer or
	// carrier is the order's problem, reported as it is.
	var ae *apierr.Error
	if errors.As(err, &ae) && ae.Kind == apierr.KindNotFound && ae.Op == "GET /api/orders/{id}" {
		return nil, fmt.Errorf("order %s: %w", id, shop.ErrNotFound)
	}
	return o, err
}

// SetOrderState moves the order to the named state (created if missing),
// unless it is there already. The state id is read once per process.
func (s *Shop) SetOrderState(ctx context.Context, id, stateName string) error {
	n, err := objectID("order", id)
	if err != nil {
		return err
	}
	stateID, err := s.stateID(ctx, stateName)
	if err != nil {
		return err
	}
	cur, err := s.c.OrderCurrentState(ctx, n)
	if err != nil {
		return err
	}
	if cur == stateID {
		return nil
	}
	_, err = s.c.SetOrderState(ctx, n, stateID)
	return err
}

// StateID returns the id of the named order state, creating it if missing.
func (s *Shop) StateID(ctx context.Context, name string) (string, error) {
	id, err := s.stateID(ctx, name)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(id), nil
}

func (s *Shop) stateID(ctx context.Context, name string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.states[name]; ok {
		return id, nil
	}
	id, err := s.c.EnsureOrderState(ctx, prestashop.OrderStateSpec{Name: name, Logable: true, Paid: true, Invoice: true})
	if err != nil {
		return 0, err
	}
	s.states[name] = id
	return id, nil
}

// NotifyCustomer writes a customer-visible order message once.
func (s *Shop) NotifyCustomer(ctx context.Context, id, text string) error {
	n, err := objectID("order", id)
	if err != nil {
		return err
	}
	msgs, err := s.c.OrderMessages(ctx, n)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if m.Text == text {
			return nil
		}
	}
	o, err := s.c.Order(ctx, n)
	if err != nil {
		return err
	}
	cust, _ := strconv.Atoi(o.Customer.ID)
	_, err = s.c.AddOrderMessage(ctx, n, cust, text, false)
	return err
}

// ChangedOrders lists orders changed after the watermark ("" = from the
// start) in (date_upd, id) order. The watermark is "<date_upd RFC3339>|<id>".
func (s *Shop) ChangedOrders(ctx context.Context, watermark string, limit int) ([]shop.Change, string, error) {
	return s.changes(ctx, "orders", watermark, limit)
}

// changes lists the objects of resource changed after the watermark,
// paging (limit per page) through the whole window, and returns the
// watermark after the last one. Change.OrderID holds the object's id.
func (s *Shop) changes(ctx context.Context, resource, watermark string, limit int) ([]shop.Change, string, error) {
	from, err := ParseWatermark(watermark)
	if err != nil {
		return nil, watermark, err
	}
	var out []shop.Change
	next := from
	for offset := 0; ; {
		page, err := s.c.ListChanges(ctx, resource, from, prestashop.ListOptions{Offset: offset, Limit: limit})
		if err != nil {
			return nil, watermark, err
		}
		for _, c := range page.Changes {
			out = append(out, shop.Change{OrderID: strconv.Itoa(c.ID), UpdatedAt: c.UpdatedAt, Seen: c.Seen})
		}
		if page.Next.After(next) {
			next = page.Next
		}
		if !page.More {
			break
		}
		offset += len(page.Changes)
	}
	return out, FormatWatermark(next), nil
}

// FormatWatermark encodes a watermark for the store.
func FormatWatermark(w prestashop.Watermark) string {
	if w.UpdatedAt.IsZero() && w.ID == 0 {
		return ""
	}
	return w.UpdatedAt.Format(time.RFC3339) + "|" + strconv.Itoa(w.ID)
}

// ParseWatermark decodes a stored watermark ("" is the start).
func ParseWatermark(s string) (prestashop.Watermark, error) {
	if s == "" {
		return prestashop.Watermark{}, nil
	}
	ts, id, ok := strings.Cut(s, "|")
	t, err := time.Parse(time.RFC3339, ts)
	n, err2 := strconv.Atoi(id)
	if !ok || err != nil || err2 != nil {
		return prestashop.Watermark{}, fmt.Errorf("prestashop watermark %q is malformed", s)
	}
	return prestashop.Watermark{UpdatedAt: t, ID: n}, nil
}
