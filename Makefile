# Roost — two commands: `make up` runs the cluster, `make test` runs the tests.
# One build plan for everything (binaries and tests, release, testable): `swift test` after a plain
# `swift build` would compile every module a second time.
SWIFT_FLAGS := -c release -Xswiftc -enable-testing
.PHONY: up test deps fixtures models build bench fuzz clean

up: deps models build
	scripts/up.sh

test: deps fixtures models
	swift build $(SWIFT_FLAGS) --build-tests
	swift test $(SWIFT_FLAGS) --skip-build

deps:
	scripts/install-deps.sh

fixtures:
	scripts/fetch-fixtures.sh

models:
	@if [ -x scripts/fetch-models.sh ]; then scripts/fetch-models.sh; else echo "models: no model set-up yet"; fi

# The binaries `make up` runs are the ones the tests run, built once with the same flags.
build:
	swift build $(SWIFT_FLAGS) --build-tests

bench: deps build
	bench/queue.sh

# libFuzzer targets for the parsers of untrusted input, each run FUZZ_SECONDS (default 60) under nice -n 19;
# built by swiftc outside SwiftPM, so `make test` never fuzzes. Corpora and crashes: ~/.cache/roost/fuzz/.
FUZZ_SECONDS ?= 60
fuzz: fixtures
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

clean:
	rm -rf .build .roost
