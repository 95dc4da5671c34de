package main

import (
	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/temporalclient"
)

func temporalOptions(p *proc, m *metrics.Metrics) (client.Options, error) {
	return temporalclient.Options(&p.cfg, p.log, m.TemporalHandler())
}
