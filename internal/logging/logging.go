// Package logging builds bokfor's zap loggers (JSON in production, console
// in development), adapts them to the Temporal SDK's logger interface, and
// provides an HTTP access-log middleware.
package logging

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	tlog "go.temporal.io/sdk/log"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"
)

// New returns a logger writing to stderr in format "json" or "console" at
// the given level ("debug", "info", "warn", "error").
func New(format, level string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	var cfg zap.Config
	switch format {
	case "json":
		cfg = zap.NewProductionConfig()
		cfg.EncoderConfig.TimeKey = "ts"
		cfg.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	case "console":
		cfg = zap.NewDevelopmentConfig()
		cfg.EncoderConfig.EncodeLevel = zapcore.CapitalColorLevelEncoder
		cfg.EncoderConfig.EncodeTime = zapcore.TimeEncoderOfLayout("15:04:05.000")
	default:
		return nil, fmt.Errorf("log format %q must be json or console", format)
	}
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	cfg.Sampling = nil
	return cfg.Build()
}

// Temporal adapts a zap logger to the Temporal SDK's structured logger, so
// SDK and workflow log lines carry the same fields and format as ours.
func Temporal(z *zap.Logger) tlog.Logger {
	return tlog.NewStructuredLogger(slog.New(zapslog.NewHandler(z.Core(), zapslog.WithName("temporal"))))
}

// statusRecorder captures the status code and body size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// AccessLog logs one line per request: method, path (never the query,
// which may carry keys), status, bytes, duration and remote address.
func AccessLog(z *zap.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, req)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		z.Info("http",
			zap.String("method", req.Method),
			zap.String("path", req.URL.Path),
			zap.Int("status", rec.status),
			zap.Int("bytes", rec.bytes),
			zap.Duration("duration", time.Since(start)),
			zap.String("remote", req.RemoteAddr),
		)
	})
}
