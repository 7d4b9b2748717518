# hallkiosk build, test and demo. `make demo` and `make test` do all the
# set-up a fresh Debian 12 machine needs (see `make deps`).

GO        ?= go
BIN       := bin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
PKG_VERSION ?= 0.1.0+git$(COMMIT)
GOARCH    ?= $(shell $(GO) env GOARCH)
LDFLAGS   := -X hallkiosk/internal/buildinfo.Version=$(VERSION) -X hallkiosk/internal/buildinfo.Commit=$(COMMIT)
# Debian packages the build and the tests need: cgo and GL/X11 headers for
# fyne, Xvfb for real windows without a screen, a CJK TTF (fyne cannot load
# .ttc collections), sqlite3 for inspecting ledgers, espeak-ng and alsa-utils
# for the display's offline voice, imagemagick for screenshots.
DEB_PKGS  := gcc pkg-config libgl1-mesa-dev xorg-dev xvfb xauth fonts-droid-fallback sqlite3 ca-certificates \
             espeak-ng alsa-utils imagemagick chromium
# Slow suites (crash loops, load, end-to-end) run when this is set.
export HALLKIOSK_SLOW ?= 1

.PHONY: all build build-arm64 test test-short bench demo lint deps fmt-check vet check-binaries deb clean

all: build

build:
	@mkdir -p $(BIN)
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/hallkiosk ./cmd/hallkiosk
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/hallcenter ./cmd/hallcenter
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/hallsim ./cmd/hallsim

# Cross-build the firmware for arm64 boxes (docs/deploy.md): fyne needs cgo,
# so this wants gcc-aarch64-linux-gnu and the arm64 GL/X11 -dev packages.
# CI builds amd64 only.
build-arm64:
	@mkdir -p $(BIN)/arm64
	CC=aarch64-linux-gnu-gcc CGO_ENABLED=1 GOARCH=arm64 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/arm64/hallkiosk ./cmd/hallkiosk
	CGO_ENABLED=0 GOARCH=arm64 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/arm64/hallcenter ./cmd/hallcenter
	CC=aarch64-linux-gnu-gcc CGO_ENABLED=1 GOARCH=arm64 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/arm64/hallsim ./cmd/hallsim

# Debian packages for the firmware and the center (nfpm, pinned in go.mod
# as a tool), checked with dpkg-deb and systemd-analyze.
deb: build
	@rm -rf dist && mkdir -p dist
	GOARCH=$(GOARCH) PKG_VERSION=$(PKG_VERSION) $(GO) tool nfpm package -f packaging/nfpm-hallkiosk.yaml -p deb -t dist/
	GOARCH=$(GOARCH) PKG_VERSION=$(PKG_VERSION) $(GO) tool nfpm package -f packaging/nfpm-hallcenter.yaml -p deb -t dist/
	packaging/check-deb.sh dist

deps:
	@scripts/deps.sh $(DEB_PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# The whole suite, slow parts included, under the race detector. Tests that
# open a real window get a virtual X server when there is no display.
test: deps fmt-check vet check-binaries deb
	scripts/with-display.sh $(GO) test -race -count=1 -timeout 30m ./...

# The three binaries build as shipped (hallcenter without cgo) and answer
# --help and version with the stamped commit.
check-binaries: build
	@for b in hallkiosk hallcenter hallsim; do \
	  $(BIN)/$$b --help >/dev/null || { echo "$$b --help failed"; exit 1; }; \
	  $(BIN)/$$b version | grep -q "commit $(COMMIT)" || { echo "$$b version lacks commit $(COMMIT)"; exit 1; }; \
	done; echo "check-binaries: hallkiosk, hallcenter, hallsim answer --help and version ($(VERSION))"

# Fast unit tests only, for the edit-test loop.
test-short:
	HALLKIOSK_SLOW= $(GO) test -short ./...

# T1–T7 (DESIGN.md §5) as one table with the machine and its load
# (tools/benchtable, docs/bench.md); about 5 minutes. BENCH_FLAGS passes
# flags on, e.g. BENCH_FLAGS="-md docs/bench-table.md -load 60s".
bench: deps
	$(GO) run ./tools/benchtable $(BENCH_FLAGS)

demo: deps build
	scripts/demo.sh

lint: fmt-check vet
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

clean:
	rm -rf $(BIN) demo-out dist
