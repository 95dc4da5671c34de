package metrics

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// InboxOldestAgeName is the name of the gauge InboxOldestAge returns.
const InboxOldestAgeName = "bokfor_inbox_oldest_undelivered_age_seconds"

// InboxOldestAge returns the gauge of the age, in seconds, of the oldest
// webhook inbox event not yet delivered to Temporal (0 when none is
// waiting), registering it on the registry at the first call. Every call
// returns the same gauge.
func (m *Metrics) InboxOldestAge() prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: InboxOldestAgeName,
		Help: "Age in seconds of the oldest webhook inbox event not yet delivered to Temporal (0 when none).",
	})
	if err := m.registry.Register(g); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(prometheus.Gauge); ok {
				return existing
			}
		}
		// A different collector under the same name is a programming
		// error, as with MustRegister.
		panic(err)
	}
	return g
}
