package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/internal/sim/posim"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
)

func newSimCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run a simulator of an external API (for demos, tests and benchmarks)",
	}
	var psAddr, psWebhook, psSecret, psVersion string
	ps := &cobra.Command{
		Use:   "prestashop",
		Short: "PrestaShop webservice simulator with webhooks and a /_sim/ control API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sim := prestashopsim.New(prestashopsim.Options{WebhookURL: psWebhook, WebhookSecret: psSecret, Version: psVersion})
			return serveUntilDone(cmd.Context(), e, "PrestaShop simulator", psAddr, sim, "webservice key "+prestashopsim.DefaultKey)
		},
	}
	ps.Flags().StringVar(&psAddr, "addr", "127.0.0.1:8081", "listen address")
	ps.Flags().StringVar(&psWebhook, "webhook-url", "", "where to POST webhooks (e.g. http://127.0.0.1:8080/webhooks/demo/prestashop)")
	ps.Flags().StringVar(&psSecret, "webhook-secret", "", "HMAC secret that signs webhooks (empty: unsigned)")
	ps.Flags().StringVar(&psVersion, "version", "8", "PrestaShop version to imitate: 8 or 1.7")

	var fkAddr string
	var fkNoLimits bool
	fk := &cobra.Command{
		Use:   "fiken",
		Short: "Fiken API v2 simulator (company \"demo\") with a /_sim/ control API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sim := fikensim.New(fikensim.Options{BaseURL: "http://" + fkAddr, DisableRateLimits: fkNoLimits})
			return serveUntilDone(cmd.Context(), e, "Fiken simulator", fkAddr, sim, "API at http://"+fkAddr+"/api/v2, any bearer token")
		},
	}
	fk.Flags().StringVar(&fkAddr, "addr", "127.0.0.1:8082", "listen address")
	fk.Flags().BoolVar(&fkNoLimits, "no-rate-limits", false, "do not enforce Fiken's rate rules (engine benchmarks)")

	var poAddr string
	var poNoLimits bool
	po := &cobra.Command{
		Use:   "poweroffice",
		Short: "PowerOffice Go API v2 simulator (any keys; each client key is a client) with a /_sim/ control API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sim := posim.New(posim.Options{BaseURL: "http://" + poAddr, DisableRateLimits: poNoLimits})
			return serveUntilDone(cmd.Context(), e, "PowerOffice Go simulator", poAddr, sim,
				"API at http://"+poAddr+"/v2, token at http://"+poAddr+"/OAuth/Token, any keys")
		},
	}
	po.Flags().StringVar(&poAddr, "addr", "127.0.0.1:8083", "listen address")
	po.Flags().BoolVar(&poNoLimits, "no-rate-limits", false, "do not enforce 10 requests per second per subscription key")
	cmd.AddCommand(ps, fk, po)
	return cmd
}

func serveUntilDone(ctx context.Context, e *env, name, addr string, h http.Handler, note string) error {
	g, gctx := errgroup.WithContext(ctx)
	if err := serveSim(gctx, g, addr, h); err != nil {
		return err
	}
	printf(e.stdout, "%s listening on http://%s (%s); Ctrl-C stops it\n", name, addr, note)
	err := g.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// startSimulators starts the simulators `bokfor dev` runs and returns one
// line per simulator for the URL list.
func startSimulators(ctx context.Context, g *errgroup.Group, log *zap.Logger, ports devPorts) ([]string, error) {
	psAddr := fmt.Sprintf("127.0.0.1:%d", ports.PrestaShop)
	fkAddr := fmt.Sprintf("127.0.0.1:%d", ports.Fiken)
	ps := prestashopsim.New(prestashopsim.Options{
		WebhookURL:    fmt.Sprintf("http://127.0.0.1:%d/webhooks/demo/prestashop", ports.Starter),
		WebhookSecret: demoWebhookSecret,
	})
	if err := serveSim(ctx, g, psAddr, ps); err != nil {
		return nil, err
	}
	fk := fikensim.New(fikensim.Options{BaseURL: "http://" + fkAddr})
	if err := serveSim(ctx, g, fkAddr, fk); err != nil {
		return nil, err
	}
	poAddr := fmt.Sprintf("127.0.0.1:%d", ports.PowerOffice)
	psPOAddr := fmt.Sprintf("127.0.0.1:%d", ports.PrestaShopPO)
	psPO := prestashopsim.New(prestashopsim.Options{
		WebhookURL:    fmt.Sprintf("http://127.0.0.1:%d/webhooks/demo-po/prestashop", ports.Starter),
		WebhookSecret: demoPOWebhookSecret,
	})
	if err := serveSim(ctx, g, psPOAddr, psPO); err != nil {
		return nil, err
	}
	if err := serveSim(ctx, g, poAddr, posim.New(posim.Options{BaseURL: "http://" + poAddr})); err != nil {
		return nil, err
	}
	log.Info("simulators started", zap.String("prestashop", psAddr), zap.String("fiken", fkAddr), zap.String("poweroffice", poAddr))
	return []string{
		fmt.Sprintf("PrestaShop sim    http://%s/api  (key %s; place an order: POST /_sim/orders)", psAddr, prestashopsim.DefaultKey),
		fmt.Sprintf("Fiken sim         http://%s/api/v2  (company demo; stats: GET /_sim/stats)", fkAddr),
		fmt.Sprintf("PowerOffice sim   http://%s/v2  (token: POST /OAuth/Token, any keys; stats: GET /_sim/stats)", poAddr),
		fmt.Sprintf("PrestaShop sim    http://%s/api  (the shop of tenant demo-po, booked in PowerOffice Go)", psPOAddr),
	}, nil
}

// demoWebhookSecret and demoPOWebhookSecret are the demo tenants'
// shop_webhook_secret (see the example tenants).
const (
	demoWebhookSecret   = "demo-webhook-secret"
	demoPOWebhookSecret = "demo-po-webhook-secret"
)

// serveSim serves a simulator until ctx is done.
func serveSim(ctx context.Context, g *errgroup.Group, addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("simulator at %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	g.Go(func() error {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	return nil
}
