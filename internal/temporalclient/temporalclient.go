// Package temporalclient builds Temporal client options from bokfor's
// configuration and registers the custom search attributes.
package temporalclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/bokfor/bokfor/internal/codec"
	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/logging"
	"github.com/bokfor/bokfor/workflows"
)

// Options returns client options for the configured address, namespace
// and credentials, logging through z and reporting metrics to mh (nil: none).
func Options(cfg *config.Config, z *zap.Logger, mh client.MetricsHandler) (client.Options, error) {
	opts := client.Options{
		HostPort:       cfg.TemporalAddress,
		Namespace:      cfg.TemporalNamespace,
		Logger:         logging.Temporal(z),
		MetricsHandler: mh,
	}
	c, err := PayloadCodec(cfg)
	if err != nil {
		return opts, err
	}
	if c != nil {
		opts.DataConverter = c.DataConverter()
		opts.FailureConverter = c.FailureConverter()
	}
	if cfg.TemporalTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TemporalTLSCert, cfg.TemporalTLSKey)
		if err != nil {
			return opts, &config.SettingError{Setting: config.SetTemporalTLSCert, Problem: err.Error()}
		}
		opts.ConnectionOptions.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if cfg.TemporalAPIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(cfg.TemporalAPIKey)
		if opts.ConnectionOptions.TLS == nil {
			opts.ConnectionOptions.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
		}
	}
	return opts, nil
}

// PayloadCodec returns the codec that encrypts workflow payloads with a
// key derived from the configured secret key (BOKFOR_SECRET_KEY or
// BOKFOR_SECRET_KEY_FILE) that also opens payloads sealed with the keys of
// BOKFOR_SECRET_KEY_PREVIOUS, or nil when no key is configured (commands that
// do not bind the secret settings). Workers, starters and every client
// that reads payloads must share the key.
func PayloadCodec(cfg *config.Config) (*codec.Codec, error) {
	secret, previous, err := cfg.SecretKeys()
	if errors.Is(err, config.ErrNoSecretKey) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	keys := make([][]byte, 0, 1+len(previous))
	for _, s := range append([][]byte{secret}, previous...) {
		k, err := codec.DeriveKey(s)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return codec.New(keys...)
}

// Dial connects to Temporal and checks the connection.
func Dial(ctx context.Context, cfg *config.Config, z *zap.Logger, mh client.MetricsHandler) (client.Client, error) {
	opts, err := Options(cfg, z, mh)
	if err != nil {
		return nil, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("temporal at %s (namespace %s) is not reachable: %w", cfg.TemporalAddress, cfg.TemporalNamespace, err)
	}
	return c, nil
}

// ErrMissingSearchAttributes means the namespace lacks bokfor's attributes.
var ErrMissingSearchAttributes = errors.New("search attributes are not registered")

// MissingSearchAttributes returns the names of bokfor's custom search
// attributes that the namespace does not have.
func MissingSearchAttributes(ctx context.Context, c client.Client, namespace string) ([]string, error) {
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("list search attributes: %w", err)
	}
	var missing []string
	for _, a := range workflows.SearchAttributes() {
		if _, ok := resp.GetCustomAttributes()[a.Name]; !ok {
			missing = append(missing, a.Name)
		}
	}
	slices.Sort(missing)
	return missing, nil
}

// CheckSearchAttributes returns an error naming the missing attributes and
// the command that registers them.
func CheckSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	missing, err := MissingSearchAttributes(ctx, c, namespace)
	if err != nil || len(missing) == 0 {
		return err
	}
	return fmt.Errorf("%w in namespace %s: %v; register them with `bokfor temporal setup` or `temporal operator search-attribute create`", ErrMissingSearchAttributes, namespace, missing)
}

// RegisterSearchAttributes adds any missing custom search attributes. It
// needs operator rights (a self-hosted cluster or the dev server); on
// Temporal Cloud register them in the Cloud UI or with tcld.
func RegisterSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	missing, err := MissingSearchAttributes(ctx, c, namespace)
	if err != nil || len(missing) == 0 {
		return err
	}
	req := &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: map[string]enums.IndexedValueType{}}
	for _, a := range workflows.SearchAttributes() {
		if slices.Contains(missing, a.Name) {
			req.SearchAttributes[a.Name] = a.Type
		}
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, req)
	var exists *serviceerror.AlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("register search attributes %v: %w", missing, err)
	}
	return nil
}
