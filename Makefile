# Thin wrapper over CMake so `make build`, `make test`, `make bench` and `make demo` just work;
# `make test-asan` and `make fuzz` are the sanitizer and fuzzing runs of docs/testing.md.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
# Their own build folders: instrumented objects never mix with the plain build's.
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_CXX ?= clang++-14
FUZZ_SECONDS ?= 60

.PHONY: all bootstrap configure build test test-asan fuzz bench demo format clean

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

# Every test again, built with AddressSanitizer and UndefinedBehaviorSanitizer: any report fails.
test-asan: bootstrap
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DSTRATA_SANITIZE=ON -DSTRATA_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@scripts/with-postgres ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

# Each libFuzzer target of fuzz/ for FUZZ_SECONDS; fails when one crashes.
fuzz: bootstrap
	@cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) -DSTRATA_FUZZ=ON \
	  -DSTRATA_BUILD_TESTS=OFF -DSTRATA_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target strata_fuzzers
	@fuzz/run $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	@scripts/with-postgres scripts/run-bench $(BUILD)

demo: build
	@examples/user-service/demo $(BUILD)

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
