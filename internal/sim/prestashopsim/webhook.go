package prestashopsim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sort"

	"github.com/bokfor/bokfor/internal/shop/prestashop"
)

// webhookConfig is where deliveries go.
type webhookConfig struct {
	url    string
	secret string
}

// webhookEvent is one pending delivery.
type webhookEvent struct {
	body []byte
}

// eventFor builds the ps_webhooks payload for a change of r, or nothing for
// resources the module does not report.
func (s *Server) eventFor(resource, action string, r *record) []webhookEvent {
	entity := entityName(resource)
	if entity == "" {
		return nil
	}
	data := map[string]any{"id": r.id}
	for k, v := range r.fields {
		if k == "passwd" || k == "secure_key" {
			continue // stripped by the module
		}
		data[k] = v
	}
	for k, m := range r.lang {
		lm := map[string]string{}
		ids := make([]int, 0, len(m))
		for id := range m {
			ids = append(ids, id)
		}
		sort.Ints(ids)
		for _, id := range ids {
			lm[itoa(id)] = m[id]
		}
		data[k] = lm
	}
	body, err := json.Marshal(map[string]any{"action": action, "entity": entity, "data": data})
	if err != nil {
		return nil
	}
	return []webhookEvent{{body: body}}
}

// deliver POSTs each event once, in order, with the configured timeout and
// no retry; failures are only counted.
func (s *Server) deliver(events []webhookEvent) {
	if len(events) == 0 {
		return
	}
	s.mu.lockRead()
	cfg := s.hook
	s.mu.Unlock()
	if cfg.url == "" {
		return
	}
	for _, ev := range events {
		ok := s.post(cfg, ev.body)
		s.mu.lockRead()
		if ok {
			s.stats.WebhooksSent++
		} else {
			s.stats.WebhooksFailed++
		}
		s.mu.Unlock()
	}
}

func (s *Server) post(cfg webhookConfig, body []byte) bool {
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.WebhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.url, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "PrestaShop ps_webhooks (bokfor sim)")
	if cfg.secret != "" {
		req.Header.Set(prestashop.SignatureHeader, prestashop.Sign(cfg.secret, body))
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}
