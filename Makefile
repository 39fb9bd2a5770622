# gluefake - see README.md.
#
#   make            the libraries and the gluefake program (build/)
#   make test       every cmocka suite, the shell suites, the header and export checks
#   make asan       the suites under AddressSanitizer + UndefinedBehaviorSanitizer (clang)
#   make memcheck   the suites under valgrind memcheck
#   make tsan       the C suites under ThreadSanitizer
#   make coverage   line and branch coverage of fake/ (gcovr)
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (default 60)
#   make run        gluefake serve on 127.0.0.1:$(RUN_PORT) with fixtures/demo.json
#   make demo       the in-process tour of the API
#   make bench      performance figures (BENCH_ARGS="--quick" for a short run)
#   make soak       gluefake serve under load and control-plane chaos (SOAK_SECONDS=600)
#   make install PREFIX=/usr/local    (the three libraries, their headers and .pc files)
#
# `make test`, `make run` and .ci/run install the Debian packages they need
# (tools/deps.sh); every other target only says what is missing.

PREFIX   ?= /usr/local
BUILD    ?= build
CC       ?= cc
OPT      ?= -O2 -g
SAN      ?=
VERSION   = 0.4.0
# The shared libraries' ABI, bumped when a public type or slot changes
# layout (1: ConnectionPasswordEncryption's boolean gained its has_ flag;
# 2: the current service model's members and the GetResourcePolicies slot).
SOVERSION = 2

PKGS      = libcjson libcrypto libmicrohttpd libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcjson -lcrypto -lmicrohttpd -lcurl)
CORE_LIBS  := $(shell pkg-config --libs libcjson libcrypto 2>/dev/null || echo -lcjson -lcrypto) -lm
AWS_LIBS   := $(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl) -pthread

WARNINGS  = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wcast-qual -Wformat=2
CFLAGS   ?=
CFLAGS   += -std=c11 $(WARNINGS) -D_POSIX_C_SOURCE=200809L $(OPT) $(SAN) \
            -Iinclude -Ifake $(PKG_CFLAGS) -MMD -MP
LDLIBS   += $(PKG_LIBS) -lm -pthread
TEST_LIBS = -lcmocka

# The layers, bottom up: the client core (what any Glue client links); on
# it, side by side, the fake (store, validation, operations, decorators,
# fixtures, transcripts, sweeps) with its server, and the real backend
# (fake/aws/: AWS Glue over HTTPS); the CLI (cli/) on top of them all.
CORE_SRC := $(wildcard fake/core/*.c)
FAKE_SRC := $(wildcard fake/double/*.c) $(wildcard fake/server/*.c)
AWS_SRC  := $(wildcard fake/aws/*.c)
CORE_OBJ := $(CORE_SRC:fake/%.c=$(BUILD)/obj/%.o)
FAKE_OBJ := $(FAKE_SRC:fake/%.c=$(BUILD)/obj/%.o)
AWS_OBJ  := $(AWS_SRC:fake/%.c=$(BUILD)/obj/%.o)
# What a program of the fake and the real backend links, statically.
LIBS_A   := $(BUILD)/libgluefake.a $(BUILD)/libgluefake-aws.a $(BUILD)/libgluefake-core.a
TESTS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c)) \
            $(BUILD)/tests/readme_example

.PHONY: all check-deps deps deps-test test asan memcheck run demo install clean fixture bench soak \
        tsan c-tests coverage fuzz fuzz-regressions check-exports check-headers check-layers

all: check-deps $(BUILD)/libgluefake-core.a $(BUILD)/libgluefake-core.so \
     $(BUILD)/libgluefake.a $(BUILD)/libgluefake.so \
     $(BUILD)/libgluefake-aws.a $(BUILD)/libgluefake-aws.so $(BUILD)/gluefake

check-deps:
	@tools/deps.sh --check build
deps:
	@tools/deps.sh build
deps-test:
	@tools/deps.sh test

# Library objects export only what a public header marks GF_API.
$(BUILD)/obj/%.o: fake/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(BUILD)/libgluefake-core.a: $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/libgluefake.a: $(FAKE_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/libgluefake-aws.a: $(AWS_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libgluefake-core.so: $(CORE_OBJ)
	$(CC) $(SAN) -shared -Wl,-soname,libgluefake-core.so.$(SOVERSION) -o $@ $^ $(CORE_LIBS)
$(BUILD)/libgluefake.so: $(FAKE_OBJ) $(BUILD)/libgluefake-core.so
	$(CC) $(SAN) -shared -Wl,-soname,libgluefake.so.$(SOVERSION) -o $@ $(FAKE_OBJ) \
	  -L$(BUILD) -lgluefake-core $(LDLIBS)
$(BUILD)/libgluefake-aws.so: $(AWS_OBJ) $(BUILD)/libgluefake-core.so
	$(CC) $(SAN) -shared -Wl,-soname,libgluefake-aws.so.$(SOVERSION) -o $@ $(AWS_OBJ) \
	  -L$(BUILD) -lgluefake-core $(CORE_LIBS) $(AWS_LIBS)

$(BUILD)/gluefake: cli/gluefake.c $(LIBS_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< -o $@ $(LIBS_A) $(LDLIBS)

# The shared libraries export exactly the functions that the public headers
# declare by name (as jansson's check-exports).
check-exports: $(BUILD)/libgluefake-core.so $(BUILD)/libgluefake.so $(BUILD)/libgluefake-aws.so
	@tools/check-exports.sh $(BUILD)

# The library's files call each other without cycles, and only down the
# layers (core; fake, server; aws beside them).
check-layers: $(CORE_OBJ) $(FAKE_OBJ) $(AWS_OBJ)
	@/usr/bin/python3 tools/check-layers.py $^

# Every public header compiles on its own, in C and in C++.
check-headers:
	@tools/check-headers.sh $(BUILD)/headers $(PKG_CFLAGS)

# Tests link the static libraries, and may use the internal headers (fake/).
$(BUILD)/tests/%: tests/%.c $(LIBS_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests $< -o $@ $(LIBS_A) $(TEST_LIBS) $(LDLIBS)

# The example client module is linked into its own test.
$(BUILD)/examples/glue_client.o: examples/glue_client.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD)/tests/test_glue_client: tests/test_glue_client.c $(BUILD)/examples/glue_client.o $(LIBS_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -Iexamples $< -o $@ $(BUILD)/examples/glue_client.o $(LIBS_A) \
	  $(TEST_LIBS) $(LDLIBS)

# The same module in a program against the real backend (the README's
# walkthrough; tests/test_aws_cli.sh runs it against gluefake serve): it
# links the real backend and the core, never the fake.
$(BUILD)/examples/glue_main: examples/glue_main.c $(BUILD)/examples/glue_client.o \
                             $(BUILD)/libgluefake-aws.a $(BUILD)/libgluefake-core.a
	$(CC) $(CFLAGS) $< -o $@ $(BUILD)/examples/glue_client.o $(BUILD)/libgluefake-aws.a \
	  $(BUILD)/libgluefake-core.a $(CORE_LIBS) $(AWS_LIBS)

# The README's example is extracted and run, so that it cannot rot.
$(BUILD)/tests/readme_example.c: README.md
	@mkdir -p $(dir $@)
	awk '/<!-- example:begin -->/{on=1;next} /<!-- example:end -->/{on=0} on && !/^```/' $< > $@
$(BUILD)/tests/readme_example: $(BUILD)/tests/readme_example.c $(LIBS_A)
	$(CC) $(CFLAGS) $< -o $@ $(LIBS_A) $(TEST_LIBS) $(LDLIBS)

test: deps-test $(TESTS) check-headers check-exports check-layers $(BUILD)/gluefake \
      $(BUILD)/examples/glue_main
	@set -e; for t in $(TESTS); do echo "== $$t"; $(RUNNER) $$t; done; \
	for t in $(wildcard tests/test_*.sh); do echo "== $$t"; bash $$t $(BUILD)/gluefake; done; \
	echo "all tests passed"

asan:
	@tools/deps.sh --check test check
	$(MAKE) BUILD=build/asan CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

memcheck:
	@tools/deps.sh --check test check
	$(MAKE) BUILD=build/memcheck OPT="-O0 -g" \
	  RUNNER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all --show-leak-kinds=all" test

$(BUILD)/demo: examples/demo.c $(LIBS_A)
	$(CC) $(CFLAGS) $< -o $@ $(LIBS_A) $(LDLIBS)

# ThreadSanitizer over every C suite (the concurrency tests among them).
tsan:
	@tools/deps.sh --check test check
	$(MAKE) BUILD=build/tsan CC=clang OPT="-O1 -g" SAN="-fsanitize=thread" c-tests

# The C suites alone (what tsan runs; `test` adds the shell suites).
c-tests: $(TESTS)
	@set -e; for t in $(TESTS); do echo "== $$t"; $(RUNNER) $$t; done; echo "C suites passed"

# Line and branch coverage of fake/ by the C suites (gcovr).
# -fprofile-update=atomic: several suites are multi-threaded (server, threads,
# stress), and racy counters come out negative, which gcovr refuses to parse.
# The branches that uthash's HASH_FIND/ADD/DEL/VALUE macros expand to (bucket
# growth, bloom filters, hash-function internals) are not counted: they are
# uthash's, not ours; the lines stay counted.  gcovr 5.2 (Debian 12) has no
# --txt-metric: -b makes the text report list branches.
COVERAGE_EXCLUDE_BRANCHES = .*\bHASH_(FIND|ADD|DEL|VALUE)\w*\(
coverage:
	@tools/deps.sh --check test check
	rm -rf build/coverage
	$(MAKE) BUILD=build/coverage OPT="-O0 -g --coverage -fprofile-update=atomic" c-tests
	gcovr -r . --filter fake/ --object-directory build/coverage/obj \
	  --exclude-branches-by-pattern '$(COVERAGE_EXCLUDE_BRANCHES)' \
	  --json build/coverage/coverage.json build/coverage/obj
	gcovr -r . -a build/coverage/coverage.json --txt build/coverage/lines.txt
	gcovr -r . -a build/coverage/coverage.json -b --txt build/coverage/branches.txt --print-summary

# libFuzzer targets (fuzz/fuzz_*.c), each run FUZZ_SECONDS from its seed
# corpus in fuzz/corpus/<name>/; new inputs go to build/fuzz/corpus/<name>/.
# They build the core and the fake from source (not the server).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_LIB_SRC := $(CORE_SRC) $(wildcard fake/double/*.c)
FUZZ_FLAGS = -std=c11 $(WARNINGS) -D_POSIX_C_SOURCE=200809L -g -O1 -Iinclude -Ifake $(PKG_CFLAGS) \
             -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
build/fuzz/%: fuzz/%.c $(FUZZ_LIB_SRC) $(wildcard include/*.h include/*/*.h include/*/*/*.h) \
              $(wildcard fake/*/*.h) $(wildcard fuzz/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $< $(FUZZ_LIB_SRC) -o $@ $(PKG_LIBS) -lm -pthread
fuzz: $(addprefix build/fuzz/,$(FUZZ_TARGETS))
	@tools/deps.sh --check test check
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t; echo "== $$t ($(FUZZ_SECONDS) s)"; \
	  build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build/fuzz/corpus/$$t fuzz/corpus/$$t 2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY|crash-" || true; \
	  for f in crash-* leak-* timeout-* oom-*; do [ -e "$$f" ] && { echo "finding: $$f"; exit 1; }; done; \
	done; echo "fuzzing found nothing"
# Every input kept in fuzz/regressions/<target>/ (crashes once found, now
# fixed) must run without a finding.
fuzz-regressions: $(addprefix build/fuzz/,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do \
	  if [ -d fuzz/regressions/$$t ] && [ -n "$$(ls fuzz/regressions/$$t)" ]; then \
	    build/fuzz/$$t -runs=1 fuzz/regressions/$$t/* >/dev/null 2>&1 || { echo "regression: $$t"; exit 1; }; fi; \
	done; echo "fuzz regressions pass"

# Performance figures against the design's targets (median of runs).
$(BUILD)/bench: bench/bench.c $(LIBS_A)
	$(CC) $(CFLAGS) $< -o $@ $(LIBS_A) $(LDLIBS)
bench: all $(BUILD)/bench
	@tools/deps.sh --check bench
	$(BUILD)/bench $(BENCH_ARGS)

# The server under a mixed load with control-plane chaos: resident size over
# time, requests served, errors (CI runs SOAK_SECONDS=30).
SOAK_SECONDS ?= 600
$(BUILD)/soak: bench/soak.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< -o $@ $(AWS_LIBS)
soak: all $(BUILD)/soak
	$(BUILD)/soak $(BUILD)/gluefake $(SOAK_SECONDS)

# A large fixture for load tests: make fixture N=10000
N ?= 10000
$(BUILD)/genfixture: tools/genfixture.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< -o $@
fixture: $(BUILD)/genfixture
	@mkdir -p $(BUILD)/fixtures
	$(BUILD)/genfixture $(N) > $(BUILD)/fixtures/configs-$(N).json
	@echo "wrote $(BUILD)/fixtures/configs-$(N).json"

# The main job: the fake served over HTTP with the demo state, until Ctrl-C.
RUN_PORT ?= 4566
run: deps all
	@echo "gluefake: serving fixtures/demo.json on http://127.0.0.1:$(RUN_PORT) (Ctrl-C stops it)"
	@echo "  point the AWS CLI at it from another terminal:"
	@echo "  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws glue get-security-configurations --region us-east-1 --endpoint-url http://127.0.0.1:$(RUN_PORT)"
	@echo "  boto3: boto3.client('glue', endpoint_url='http://127.0.0.1:$(RUN_PORT)', region_name='us-east-1')"
	$(BUILD)/gluefake serve --host 127.0.0.1 --port $(RUN_PORT) --fixture fixtures/demo.json

# The in-process tour: the typed API and the JSON level, printed.
demo: all $(BUILD)/demo
	$(BUILD)/demo

# pkg-config modules: gluefake-core for a client of the core alone,
# gluefake for the fake and its server (which need the core too).
$(BUILD)/gluefake-core.pc: Makefile
	@mkdir -p $(dir $@)
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: gluefake-core\nDescription: the AWS Glue Security API for C clients: types, calls, backend vtable, JSON codec\nVersion: %s\nRequires.private: libcjson libcrypto\nLibs: -L$${libdir} -lgluefake-core\nLibs.private: -lm\nCflags: -I$${includedir}\n' \
	  '$(PREFIX)' '$(VERSION)' > $@
$(BUILD)/gluefake-aws.pc: Makefile
	@mkdir -p $(dir $@)
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: gluefake-aws\nDescription: the real AWS Glue Security API backend (HTTPS, SigV4, retries) for clients written against gluefake\nVersion: %s\nRequires: gluefake-core libcjson\nRequires.private: libcurl libcrypto\nLibs: -L$${libdir} -lgluefake-aws\nLibs.private: -pthread\nCflags: -I$${includedir}\n' \
	  '$(PREFIX)' '$(VERSION)' > $@
$(BUILD)/gluefake.pc: Makefile
	@mkdir -p $(dir $@)
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: gluefake\nDescription: in-process fake of the AWS Glue Security API\nVersion: %s\nRequires: gluefake-core libcjson\nRequires.private: libmicrohttpd\nLibs: -L$${libdir} -lgluefake\nLibs.private: -lm -pthread\nCflags: -I$${includedir}\n' \
	  '$(PREFIX)' '$(VERSION)' > $@

install: all $(BUILD)/gluefake.pc $(BUILD)/gluefake-core.pc $(BUILD)/gluefake-aws.pc
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/gluefake/sys
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/gluefake $(DESTDIR)$(PREFIX)/bin/
	for lib in gluefake-core gluefake gluefake-aws; do \
	  install -m 644 $(BUILD)/lib$$lib.a $(DESTDIR)$(PREFIX)/lib/ && \
	  install -m 755 $(BUILD)/lib$$lib.so $(DESTDIR)$(PREFIX)/lib/lib$$lib.so.$(SOVERSION) && \
	  ln -sf lib$$lib.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/lib$$lib.so && \
	  install -m 644 $(BUILD)/$$lib.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/ || exit 1; \
	done
	install -m 644 include/gluefake.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 include/gluefake/*.h $(DESTDIR)$(PREFIX)/include/gluefake/
	install -m 644 include/gluefake/sys/*.h $(DESTDIR)$(PREFIX)/include/gluefake/sys/

clean:
	rm -rf build

# Header dependencies as the compiler found them (-MMD -MP).
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
