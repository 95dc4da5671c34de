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
	cmd.AddCommand(ps, fk)
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
	log.Info("simulators started", zap.String("prestashop", psAddr), zap.String("fiken", fkAddr))
	return []string{
		fmt.Sprintf("PrestaShop sim    http://%s/api  (key %s; place an order: POST /_sim/orders)", psAddr, prestashopsim.DefaultKey),
		fmt.Sprintf("Fiken sim         http://%s/api/v2  (company demo; stats: GET /_sim/stats)", fkAddr),
	}, nil
}

// demoWebhookSecret is the demo tenant's shop_webhook_secret (see the example tenant).
const demoWebhookSecret = "demo-webhook-secret"

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
