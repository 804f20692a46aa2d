# mirrorsense top-level Makefile: installs what is missing, builds, runs.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
JOBS ?= $(shell nproc)
DEPS_STAMP := build/.deps-ok

.PHONY: all deps build build-asan demo test bench clean

all: build

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps.sh
	@bash scripts/install-deps.sh
	@mkdir -p build && touch $@

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build -j$(JOBS) >build/build.log 2>&1 || { cat build/build.log; exit 1; }
	@grep -E "warning|error" build/build.log || true

build-asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMS_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j$(JOBS) >build-asan/build.log 2>&1 || { cat build-asan/build.log; exit 1; }
	@grep -E "warning|error" build-asan/build.log || true

demo: build
	@bash scripts/demo.sh

test: build build-asan
	@MS_BIN=$(CURDIR)/build-asan/mirrorsense MS_BIN_RELEASE=$(CURDIR)/build/mirrorsense \
	  MS_BUILD=$(CURDIR)/build MS_BUILD_ASAN=$(CURDIR)/build-asan bash tests/run.sh

bench: build
	@bash bench/run.sh

clean:
	rm -rf build build-asan build-fuzz bench/work tests/out
