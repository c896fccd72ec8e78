# source-pylon: one static binary (musl + BearSSL), its tests and tools.
#
#   make            release binary build/source-pylon and build/jsoncheck
#   make test       everything the tests need, then every test (tests/run.py)
#   make demo       a full sync against the mock Pylon server
#   make fuzz       libFuzzer targets in build/fuzz/
#   make fuzz-long  each fuzz target for FUZZ_LONG seconds
#   make bench      benchmarks (numbers only; never fails on speed)
#   make image      the container images with podman (slow; see README)
#
# musl and BearSSL come from Debian's package registry through
# vendor/fetch.sh, pinned by vendor/pins.sha256; they are unpacked and built
# under build/vendor and never committed.  Local overrides go in config.mk.

-include config.mk

VERSION := $(shell sed -n 's/^\#define SP_VERSION "\(.*\)"/\1/p' src/version.h)
B       ?= build
V       := $(B)/vendor
DL      := vendor/dl
MUSLGCC := $(abspath $(V)/musl/musl-gcc)
BEARSRC := $(V)/bearssl-src
FETCHED := $(V)/.fetched
CLANG   ?= clang
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
HOSTCC  ?= gcc
FUZZ_SECONDS ?= 4
FUZZ_LONG    ?= 300

SRC      := $(wildcard src/*.c)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
TOOL_SRC := $(wildcard src/tools/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
DRV_SRC  := $(wildcard tests/drivers/*.c)
BENCH_SRC := $(wildcard tests/bench/*.c)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wwrite-strings -Wformat=2 -Wvla -Wundef \
	-Wcast-align -Wnull-dereference -Wimplicit-fallthrough \
	-Wno-format-truncation
COMMON := -std=c11 -D_GNU_SOURCE -Isrc -I$(BEARSRC)/inc -MMD -MP

REL_CFLAGS  := $(COMMON) $(WARN) -Werror -Os -ffunction-sections \
	-fdata-sections -pthread
REL_LDFLAGS := -static -s -pthread -Wl,--gc-sections
SAN         := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
ASAN_CFLAGS := $(COMMON) $(WARN) -Werror -g -O1 $(SAN) -pthread
FUZZ_CFLAGS := $(COMMON) -g -O1 $(SAN) -fsanitize=fuzzer-no-link -pthread

REL_OBJ  := $(LIB_SRC:src/%.c=$(B)/rel/%.o)
ASAN_OBJ := $(LIB_SRC:src/%.c=$(B)/asan/%.o)
FUZZ_OBJ := $(LIB_SRC:src/%.c=$(B)/fuzz/%.o)
TOOLS    := $(TOOL_SRC:src/tools/%.c=$(B)/%)
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(B)/asan/%)
DRIVERS  := $(DRV_SRC:tests/drivers/%.c=$(B)/asan/drv_%)
BENCHES  := $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)
FUZZERS  := $(FUZZ_SRC:fuzz/%.c=$(B)/fuzz/%)

BEAR_REL  := $(V)/bearssl-rel/libbearssl.a
BEAR_ASAN := $(V)/bearssl-asan/libbearssl.a
BEAR_FUZZ := $(V)/bearssl-fuzz/libbearssl.a
BEAR_DBG  := $(V)/bearssl-dbg/libbearssl.a
DBG_CFLAGS := $(COMMON) $(WARN) -Werror -g -O1 -pthread
DBG_OBJ  := $(LIB_SRC:src/%.c=$(B)/dbg/%.o)

.PHONY: all vendor test unit dbg benches fuzz fuzz-long bench demo image clean \
	distclean deps fmt
.DELETE_ON_ERROR:
.SECONDARY:

all: $(B)/source-pylon $(TOOLS)

# ---- vendored toolchain --------------------------------------------------

vendor: $(FETCHED)

$(FETCHED): vendor/fetch.sh vendor/pins.sha256
	vendor/fetch.sh $(DL) $(V)
	touch $@

# BearSSL is built three times, each matching the code it links with:
# musl-gcc for the release binary, the host compiler with sanitizers for the
# unit tests, clang with sanitizers and fuzzer coverage for the fuzzers.
$(BEAR_REL): $(FETCHED)
	$(MAKE) -s -C $(BEARSRC) lib BUILD=$(abspath $(@D)) \
		CC=$(MUSLGCC) CFLAGS='-W -Wall -Os' >/dev/null

$(BEAR_ASAN): $(FETCHED)
	$(MAKE) -s -C $(BEARSRC) lib BUILD=$(abspath $(@D)) \
		CC=$(HOSTCC) CFLAGS='-W -Wall -g -O1 $(SAN)' >/dev/null

$(BEAR_DBG): $(FETCHED)
	$(MAKE) -s -C $(BEARSRC) lib BUILD=$(abspath $(@D)) \
		CC=$(HOSTCC) CFLAGS='-W -Wall -g -O1' >/dev/null

$(BEAR_FUZZ): $(FETCHED)
	$(MAKE) -s -C $(BEARSRC) lib BUILD=$(abspath $(@D)) \
		CC=$(CLANG) CFLAGS='-g -O1 $(SAN) -fsanitize=fuzzer-no-link' \
		>/dev/null

# ---- release -------------------------------------------------------------

$(B)/rel/%.o: src/%.c $(FETCHED)
	@mkdir -p $(@D)
	$(MUSLGCC) $(REL_CFLAGS) -c $< -o $@

$(B)/rel/tools/%.o: src/tools/%.c $(FETCHED)
	@mkdir -p $(@D)
	$(MUSLGCC) $(REL_CFLAGS) -c $< -o $@

$(B)/source-pylon: $(B)/rel/main.o $(REL_OBJ) $(BEAR_REL)
	$(MUSLGCC) $(REL_LDFLAGS) -o $@ $(B)/rel/main.o $(REL_OBJ) $(BEAR_REL)

$(TOOLS): $(B)/%: $(B)/rel/tools/%.o $(REL_OBJ) $(BEAR_REL)
	$(MUSLGCC) $(REL_LDFLAGS) -o $@ $^

# ---- sanitizer build and unit tests ----------------------------------------

$(B)/asan/%.o: src/%.c $(FETCHED)
	@mkdir -p $(@D)
	$(HOSTCC) $(ASAN_CFLAGS) -c $< -o $@

$(B)/asan/test_%.o: tests/unit/test_%.c $(FETCHED)
	@mkdir -p $(@D)
	$(HOSTCC) $(ASAN_CFLAGS) -Itests/unit -c $< -o $@

$(B)/asan/test_%: $(B)/asan/test_%.o $(ASAN_OBJ) $(BEAR_ASAN)
	$(HOSTCC) $(SAN) -pthread -o $@ $^

# Drivers: small sanitizer-built programs that Python tests run with
# arguments (for example an HTTP client pointed at a local test server).
$(B)/asan/drv_%.o: tests/drivers/%.c $(FETCHED)
	@mkdir -p $(@D)
	$(HOSTCC) $(ASAN_CFLAGS) -Itests/unit -c $< -o $@

$(B)/asan/drv_%: $(B)/asan/drv_%.o $(ASAN_OBJ) $(BEAR_ASAN)
	$(HOSTCC) $(SAN) -pthread -o $@ $^

# The whole connector built with sanitizers (debugging, and the e2e tests
# that want the sanitizers' eyes on a real sync).
$(B)/asan/source-pylon: $(B)/asan/main.o $(ASAN_OBJ) $(BEAR_ASAN)
	$(HOSTCC) $(SAN) -pthread -o $@ $^

unit: $(UNITS) $(DRIVERS) $(B)/asan/source-pylon

# Benchmark programs: built exactly like the release binary.
$(B)/bench/%.o: tests/bench/%.c $(FETCHED)
	@mkdir -p $(@D)
	$(MUSLGCC) $(REL_CFLAGS) -c $< -o $@

$(B)/bench/%: $(B)/bench/%.o $(REL_OBJ) $(BEAR_REL)
	$(MUSLGCC) $(REL_LDFLAGS) -o $@ $^

benches: $(BENCHES)

# ---- plain debug build (valgrind cannot run sanitized code) ------------

$(B)/dbg/%.o: src/%.c $(FETCHED)
	@mkdir -p $(@D)
	$(HOSTCC) $(DBG_CFLAGS) -c $< -o $@

$(B)/dbg/source-pylon: $(B)/dbg/main.o $(DBG_OBJ) $(BEAR_DBG)
	$(HOSTCC) -pthread -o $@ $^

dbg: $(B)/dbg/source-pylon

# ---- fuzzing -------------------------------------------------------------

$(B)/fuzz/%.o: src/%.c $(FETCHED)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(B)/fuzz/fuzz_%.o: fuzz/fuzz_%.c $(FETCHED)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(B)/fuzz/fuzz_%: $(B)/fuzz/fuzz_%.o $(FUZZ_OBJ) $(BEAR_FUZZ)
	$(CLANG) $(SAN) -fsanitize=fuzzer -pthread -o $@ $^

fuzz: $(FUZZERS)

fuzz-long: deps $(FUZZERS)
	SP_BUILD=$(abspath $(B)) python3 tests/fuzz_run.py --seconds $(FUZZ_LONG) \
		--report

# ---- tests, demo, benchmarks ---------------------------------------------

deps:
	@tests/deps.sh

# Everything the tests run, built in parallel even when make was started
# without -j (as CI does).
test: deps
	$(MAKE) -j$(JOBS) all unit fuzz dbg
	SP_BUILD=$(abspath $(B)) python3 tests/run.py --fuzz-seconds $(FUZZ_SECONDS)

demo: deps all
	SP_BUILD=$(abspath $(B)) python3 tests/demo.py $(B)/source-pylon

bench: deps all benches
	SP_BUILD=$(abspath $(B)) python3 tests/bench/run.py

image: all
	tests/image/build.sh $(B)

fmt:
	clang-format -i $(SRC) $(wildcard src/*.h) $(TOOL_SRC) $(UNIT_SRC) \
		$(FUZZ_SRC)

clean:
	rm -rf $(B)/rel $(B)/asan $(B)/fuzz $(B)/source-pylon $(TOOLS) \
		$(B)/demo $(B)/test

distclean:
	rm -rf $(B) $(DL)

-include $(wildcard $(B)/*/*.d $(B)/*/*/*.d)
