# Makefile: builds trackdump, its tests, the sanitizer build, fuzzers, demo and bench.
#   make            build ./trackdump
#   make check      all tests, then the same tests on an ASan+UBSan build
#   make demo       decode a bundled capture
#   make fuzz       run every fuzz target for FUZZ_SECONDS each
#   make lint       cppcheck and clang-tidy (.clang-tidy) on every source file
#   make valgrind   the golden captures under valgrind: no memory error, no leak
#   make CC=clang   build with clang
#   make install    the binary, the man page and the bash completion under
#                   $(DESTDIR)$(PREFIX) (PREFIX=/usr/local); make uninstall removes them

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2
SANFLAGS ?=
WARN    = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude
LIBS    = -lpcap -lnids -lpcre2-8 -lncurses -lm
FUZZ_SECONDS ?= 60
VERSION = 0.1.0

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL ?= install

LIB_SRC = $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard dissectors/*.c)
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT    = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
TOOLS   = $(patsubst tests/sim/%.c,$(BUILD)/tests/%,$(wildcard tests/sim/*.c)) \
          $(patsubst tests/tools/%.c,$(BUILD)/tests/%,$(wildcard tests/tools/*.c))

.PHONY: all check test demo deps fuzz fuzz-build clean asan unit tools lint valgrind install uninstall FORCE
all: deps trackdump

deps:
	@sh tests/deps.sh build

trackdump: $(BUILD)/trackdump
	cp $< $@

$(BUILD)/trackdump: $(BUILD)/src/main.o $(BUILD)/libtrackdump.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libtrackdump.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# objects are rebuilt when the compiler or the flags change (make CC=clang after make)
FLAGS_STAMP = $(BUILD)/.flags
$(FLAGS_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(ALL_CFLAGS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS)' > $@
FORCE:

$(BUILD)/%.o: %.c $(wildcard include/*.h) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DTRK_VERSION=\"$(VERSION)\" -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtrackdump.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libtrackdump.a $(LIBS) -lm

$(BUILD)/tests/%: tests/sim/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< -lm

$(BUILD)/tests/%: tests/tools/%.c $(BUILD)/libtrackdump.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libtrackdump.a $(LIBS) -lm

unit: $(UNIT)
tools: $(TOOLS)

# the whole suite against one build directory
test: deps $(BUILD)/trackdump unit tools
	@sh tests/run.sh $(BUILD)

asan:
	$(MAKE) BUILD=build/asan OPT=-O1 SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" build/asan/trackdump unit tools

check: deps
	@sh tests/deps.sh test
	$(MAKE) trackdump unit tools
	$(MAKE) asan
	@sh tests/check.sh

demo: all
	./trackdump -r captures/demo.pcap

install: $(BUILD)/trackdump
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0755 $(BUILD)/trackdump $(DESTDIR)$(BINDIR)/trackdump
	$(INSTALL) -m 0644 doc/trackdump.1 $(DESTDIR)$(MANDIR)/man1/trackdump.1
	$(INSTALL) -m 0644 contrib/bash-completion/trackdump $(DESTDIR)$(BASHCOMPDIR)/trackdump

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/trackdump $(DESTDIR)$(MANDIR)/man1/trackdump.1 \
	      $(DESTDIR)$(BASHCOMPDIR)/trackdump

# fuzz targets: the library built once with clang's fuzzer instrumentation
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -g -O1 -Iinclude -fno-sanitize-recover=undefined
FUZZ_OBJ = $(LIB_SRC:%.c=build/fuzz/obj/%.o)
build/fuzz/obj/%.o: %.c $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
build/fuzz/libfuzz.a: $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^
build/fuzz/%: tests/fuzz/%.c build/fuzz/libfuzz.a $(wildcard tests/fuzz/*.h)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< build/fuzz/libfuzz.a $(LIBS)
fuzz-build: $(FUZZ_TARGETS)
fuzz: deps fuzz-build
	@sh tests/fuzz/run.sh long $(FUZZ_SECONDS)

# static checks; clang-tidy reads its checks from .clang-tidy
LINT_FLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Iinclude
lint:
	@sh tests/deps.sh test
	cppcheck --enable=warning,performance,portability -q --error-exitcode=1 -Iinclude src dissectors
	@ls src/*.c dissectors/*.c | xargs -P2 -I{} sh -c 'clang-tidy -quiet {} -- $(LINT_FLAGS) 2>/dev/null' && \
	    echo "lint: cppcheck and clang-tidy clean"

valgrind: deps $(BUILD)/trackdump
	@sh tests/deps.sh test
	@sh tests/hostile/valgrind.sh $(BUILD)

clean:
	rm -rf build trackdump

# benchmark (tests/bench/): the workload generator, the read-loop floors and the side-by-side run
#   make bench BENCH_DEVICES=100000 BENCH_MB=1000 BENCH_RUNS=5
BENCH_TOOLS = $(BUILD)/bench/genload $(BUILD)/bench/pcapread $(BUILD)/bench/nidsread $(BUILD)/bench/runstat
$(BUILD)/bench/genload: tests/bench/genload.c tests/sim/trksim.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< -lm
$(BUILD)/bench/pcapread: tests/bench/pcapread.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< -lpcap
$(BUILD)/bench/nidsread: tests/bench/nidsread.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< -lnids -lpcap
$(BUILD)/bench/runstat: tests/bench/runstat.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $<
bench-tools: $(BENCH_TOOLS)
bench: deps $(BUILD)/trackdump $(BENCH_TOOLS) $(BUILD)/tests/mkfleet
	@BENCH_DEVICES='$(BENCH_DEVICES)' BENCH_MB='$(BENCH_MB)' BENCH_MINUTES='$(BENCH_MINUTES)' \
	 BENCH_CONCURRENCY='$(BENCH_CONCURRENCY)' BENCH_RUNS='$(BENCH_RUNS)' BENCH_SCALE='$(BENCH_SCALE)' \
	 sh tests/bench/bench.sh $(BUILD)
	@sh tests/bench/top.sh $(BUILD); rc=$$?; [ $$rc = 0 ] || [ $$rc = 77 ]
# keys in `top` on a fleet of TOP_DEVICES (100000) devices only
bench-top: $(BUILD)/trackdump $(BUILD)/tests/mkfleet
	@sh tests/bench/top.sh $(BUILD)
.PHONY: bench bench-tools bench-top
