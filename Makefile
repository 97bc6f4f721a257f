# Thin front door over CMake: every target installs what it needs first, so a fresh
# Debian 12 machine needs nothing but `make demo` or `make test`.
BUILD ?= build
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
# ccache (if present) keys on paths relative to the checkout, so another clone of the same
# commit reuses the objects; with -g the working directory would otherwise be hashed in.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1
DESTDIR ?=

.PHONY: all deps build binaries test demo bench bench-auto bench-documents bench-exports install package clean asan tsan coverage completions fuzz

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# What `make demo` runs: the binary and the stand-in, not the test executables.
binaries: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target memconn memconn-standin

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Sanitizer trees: the same tests, built with ASan+UBSan or TSan.
asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMEMCONN_SANITIZE=address,undefined
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# Line and branch coverage of src/ from the unit and end-to-end tests, on the ASan+UBSan tree
# (one instrumented build serves both: CI runs this instead of a separate `make asan`).
# Fails below the floor in scripts/coverage.sh.
coverage: deps
	cmake -S . -B build-cov -DCMAKE_BUILD_TYPE=Debug -DMEMCONN_SANITIZE=address,undefined -DMEMCONN_COVERAGE=ON
	cmake --build build-cov -j $(JOBS)
	find build-cov -name '*.gcda' -delete
	cd build-cov && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --output-on-failure -j $(JOBS)
	./scripts/coverage.sh build-cov

tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DMEMCONN_SANITIZE=thread
	cmake --build build-tsan -j $(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --output-on-failure -j $(JOBS)

demo: binaries
	@./scripts/demo.sh $(BUILD)

# Also builds the bare libcurl loop (the floor) and, when ../shared/bench and Go are there,
# the Go sink and reference pipeline (bench/run.sh builds those into a temporary directory).
# --workers auto against fixed worker counts on the stand-in's capacity mode (issue 12).
bench-auto: binaries
	@./bench/workers_auto.sh $(BUILD)

bench: build
	cmake --build $(BUILD) -j $(JOBS) --target memconn-bare-loop
	@./bench/run.sh $(BUILD)

# Interleaved conversations vs plain lines at 300 ms a write (also part of make bench).
bench-documents: binaries
	@./bench/documents_latency.sh $(BUILD)

# The chat-export reader on a generated 500 MB export (EXPORT_MB): time and peak RSS.
EXPORT_MB ?= 500
bench-exports: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target memconn-export-read
	@./bench/exports.sh $(BUILD) $(EXPORT_MB)

# libFuzzer harnesses for every parser of untrusted input (tests/fuzz/), built by clang in a
# tree of their own, each run FUZZ_SECONDS from the committed seed corpus (scripts/fuzz.sh).
FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= build-fuzz
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DMEMCONN_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	./scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

package: build
	cd $(BUILD) && cpack -G DEB

# Regenerate completions/ from the command tree after adding a subcommand or option
# (CTest "completions-fresh" fails until this is done and committed).
completions: build
	./scripts/check-completions.sh $(BUILD)/memconn --update

clean:
	rm -rf $(BUILD) build-asan build-tsan build-cov build-fuzz
