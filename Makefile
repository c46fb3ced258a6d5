# Thin wrapper over CMake so `make build`, `make test`, `make bench` and `make demo` just work.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all bootstrap configure build test bench demo format clean

all: build

bootstrap:
	@scripts/bootstrap

configure: bootstrap
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Every test, against a throwaway PostgreSQL 15 cluster started (and stopped) for the run.
test: build
	@scripts/with-postgres ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

bench: build
	@scripts/with-postgres scripts/run-bench $(BUILD)

demo: build
	@examples/schema-demo/run $(BUILD)/strata

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf $(BUILD)
