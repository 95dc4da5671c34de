# bokfor — make targets. `make dev` runs everything on this machine,
# `make test` proves it. Long runs (chaos, benchmarks) have their own targets.

GO            ?= go
BIN           := $(CURDIR)/bin
TEMPORAL_CLI  := $(BIN)/temporal
TEMPORAL_CLI_VERSION := v1.5.1
STATICCHECK_VERSION  := v0.8.2
WORKFLOWCHECK_VERSION := v0.6.0
PKGS          := ./...

export GOTOOLCHAIN ?= local

.PHONY: tools all build dev test test-short lint fmt vet staticcheck workflowcheck bench chaos clean record-histories fuzz

all: build

build: $(BIN)/bokfor

$(BIN)/bokfor: FORCE
	$(GO) build -o $@ ./cmd/bokfor

FORCE:

# The tools the targets below use, built into ./bin: the Temporal CLI,
# staticcheck and workflowcheck.
tools: $(TEMPORAL_CLI) $(BIN)/staticcheck $(BIN)/workflowcheck

# The Temporal CLI (dev server + Web UI). v1.5.1 is the last version that
# `go install` can build.
$(TEMPORAL_CLI):
	GOBIN=$(BIN) $(GO) install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION)

dev: $(TEMPORAL_CLI) build
	$(BIN)/bokfor dev

# Unit and integration tests against the real PostgreSQL and a real
# Temporal dev server.
test: $(TEMPORAL_CLI)
	$(GO) test -count=1 -timeout 14m $(PKGS)
	$(MAKE) --no-print-directory fuzz

test-short:
	$(GO) test -short -count=1 $(PKGS)

# Short fuzz runs of every decoder of outside input (docs/badinput.md):
# package:FuzzTarget pairs, FUZZTIME each (8 × 10 000 executions, a few
# seconds each). Their seed corpora also run in `go test`. A count, not a
# duration: with a duration, Go 1.26's fuzz coordinator can report its own
# deadline as a failure ("context deadline exceeded", no crasher;
# golang/go#75804, fixed in Go 1.27), which failed CI once on this machine.
FUZZTIME ?= 10000x
FUZZ_TARGETS := \
	./internal/webhook:FuzzDecodePrestaShop \
	./internal/webhook:FuzzDecodeWooCommerce \
	./internal/webhook:FuzzDecodeShopify \
	./internal/shop/psshop:FuzzShopOrder \
	./internal/ledger/fiken:FuzzErrorBody \
	./internal/ledger/poweroffice:FuzzErrorBody \
	./internal/tenant:FuzzParse \
	./internal/ledgerdoc:FuzzBuild

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; f=$${t##*:}; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

# The full chaos run: 1000 orders through real processes with faults,
# kills and restarts, invariants checked (docs/reliability.md). A short
# run is part of `make test` (internal/chaos). CHAOS_FLAGS e.g. "--orders 200".
CHAOS_FLAGS ?=
chaos: $(TEMPORAL_CLI) build
	$(BIN)/bokfor chaos $(CHAOS_FLAGS)

# Re-record the workflow histories that workflows/replay_test.go replays
# (real PostgreSQL, Temporal dev server, simulators); commit the JSON files.
record-histories: $(TEMPORAL_CLI)
	$(GO) test ./internal/app -run TestRecordHistories -record-histories -count=1

# Benchmarks (docs/bench/README.md): the end-to-end scenarios of `bokfor
# bench` against PostgreSQL, a Temporal dev server and the simulators
# at the issue's sizes (24 minutes on an idle 2-core machine, 17.5 of them the
# 10 000 waiting orders, see docs/benchmarks.md; BENCH_FLAGS=--quick for a
# smoke run), its charts, then the Go micro-benchmarks of the pure code.
BENCH_FLAGS ?=
bench: $(TEMPORAL_CLI) build
	$(BIN)/bokfor bench $(BENCH_FLAGS)
	$(GO) run ./internal/bench/benchchart -dir docs/bench
	$(GO) test -run '^$$' -bench . -benchmem ./internal/ledgerdoc ./internal/money ./internal/webhook ./internal/shop/prestashop

lint: fmt vet staticcheck workflowcheck

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

$(BIN)/staticcheck:
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

staticcheck: $(BIN)/staticcheck
	$(BIN)/staticcheck $(PKGS)

$(BIN)/workflowcheck:
	GOBIN=$(BIN) $(GO) install go.temporal.io/sdk/contrib/tools/workflowcheck@$(WORKFLOWCHECK_VERSION)

workflowcheck: $(BIN)/workflowcheck
	$(BIN)/workflowcheck ./workflows/...

clean:
	rm -rf $(BIN) .bokfor
