# gluefake - see README.md.
#
#   make            static and shared library (build/)
#   make test       every cmocka suite and the README example
#   make asan       the suites under AddressSanitizer + UndefinedBehaviorSanitizer (clang)
#   make memcheck   the suites under valgrind memcheck
#   make tsan       the C suites under ThreadSanitizer
#   make coverage   line and branch coverage of fake/ (gcovr)
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (default 60)
#   make run        gluefake serve on 127.0.0.1:4566 with fixtures/demo.json
#   make demo       the in-process tour of the API
#   make bench      performance figures (BENCH_ARGS="--quick" for a short run)
#   make install PREFIX=/usr/local
#
# Each target first checks the Debian packages it needs (tools/deps.sh).

PREFIX   ?= /usr/local
BUILD    ?= build
CC       ?= cc
OPT      ?= -O2 -g
SAN      ?=
VERSION   = 0.1.0

PKGS      = libcjson libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcjson -lmicrohttpd)

CFLAGS   ?=
CFLAGS   += -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L $(OPT) $(SAN) \
            -Iinclude -Ifake $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lm -pthread
TEST_LIBS = -lcmocka

LIB_SRC  := $(wildcard fake/*.c)
LIB_OBJ  := $(LIB_SRC:fake/%.c=$(BUILD)/obj/%.o)
TESTS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c)) \
            $(BUILD)/tests/readme_example
HEADERS  := $(wildcard include/*.h include/gluefake/*.h include/gluefake/sys/*.h)

.PHONY: all deps deps-test test asan memcheck run demo install clean fixture bench tsan c-tests coverage fuzz fuzz-regressions

all: deps $(BUILD)/libgluefake.a $(BUILD)/libgluefake.so $(BUILD)/gluefake

$(BUILD)/gluefake: cli/gluefake.c $(BUILD)/libgluefake.a
	$(CC) $(CFLAGS) $< -o $@ $(BUILD)/libgluefake.a $(LDLIBS)

deps:
	@tools/deps.sh build
deps-test:
	@tools/deps.sh test

$(BUILD)/obj/%.o: fake/%.c $(HEADERS) $(wildcard fake/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -c $< -o $@

$(BUILD)/libgluefake.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/libgluefake.so: $(LIB_OBJ)
	$(CC) $(SAN) -shared -Wl,-soname,libgluefake.so.0 -o $@ $^ $(LDLIBS)

# Tests link the static library, and may use its internal headers (fake/).
$(BUILD)/tests/%: tests/%.c $(wildcard tests/*.h) $(BUILD)/libgluefake.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests $< -o $@ $(BUILD)/libgluefake.a $(TEST_LIBS) $(LDLIBS)

# The example client module is linked into its own test.
$(BUILD)/obj/glue_client.o: examples/glue_client.c examples/glue_client.h $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD)/tests/test_glue_client: tests/test_glue_client.c $(BUILD)/obj/glue_client.o $(BUILD)/libgluefake.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -Iexamples $< -o $@ $(BUILD)/obj/glue_client.o $(BUILD)/libgluefake.a $(TEST_LIBS) $(LDLIBS)

# The README's example is extracted and run, so that it cannot rot.
$(BUILD)/tests/readme_example.c: README.md
	@mkdir -p $(dir $@)
	awk '/<!-- example:begin -->/{on=1;next} /<!-- example:end -->/{on=0} on && !/^```/' $< > $@
$(BUILD)/tests/readme_example: $(BUILD)/tests/readme_example.c $(BUILD)/libgluefake.a
	$(CC) $(CFLAGS) $< -o $@ $(BUILD)/libgluefake.a $(TEST_LIBS) $(LDLIBS)

# Public headers must compile as C++ too.
$(BUILD)/headers-cxx.o: $(HEADERS)
	@mkdir -p $(dir $@)
	printf '#include <stdarg.h>\n#include <stddef.h>\n#include <setjmp.h>\n#include <cmocka.h>\n#include "gluefake.h"\n#include "gluefake/cmocka.h"\n#include "gluefake/sys/backend.h"\n#include "gluefake/sys/alloc.h"\nint main() { gf_backend b = GF_BACKEND_INIT; (void)b; return 0; }\n' | \
	  $${CXX:-c++} -std=c++11 -Wall -Wextra -Werror -Iinclude $(PKG_CFLAGS) -x c++ -c - -o $@

test: deps-test $(TESTS) $(BUILD)/headers-cxx.o $(BUILD)/gluefake
	@set -e; for t in $(TESTS); do echo "== $$t"; $(RUNNER) $$t; done; \
	for t in $(wildcard tests/test_*.sh); do echo "== $$t"; bash $$t $(BUILD)/gluefake; done; \
	echo "all tests passed"

asan:
	@tools/deps.sh test check
	$(MAKE) BUILD=build/asan CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

memcheck:
	@tools/deps.sh test check
	$(MAKE) BUILD=build/memcheck OPT="-O0 -g" \
	  RUNNER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all --show-leak-kinds=all" test

$(BUILD)/demo: examples/demo.c $(BUILD)/libgluefake.a
	$(CC) $(CFLAGS) $< -o $@ $(BUILD)/libgluefake.a $(LDLIBS)

# ThreadSanitizer over every C suite (the concurrency tests among them).
tsan:
	@tools/deps.sh test check
	$(MAKE) BUILD=build/tsan CC=clang OPT="-O1 -g" SAN="-fsanitize=thread" c-tests

# The C suites alone (what tsan runs; `test` adds the shell suites).
c-tests: deps-test $(TESTS)
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
	@tools/deps.sh test check
	rm -rf build/coverage
	$(MAKE) BUILD=build/coverage OPT="-O0 -g --coverage -fprofile-update=atomic" c-tests
	gcovr -r . --filter fake/ --object-directory build/coverage/obj \
	  --exclude-branches-by-pattern '$(COVERAGE_EXCLUDE_BRANCHES)' \
	  --json build/coverage/coverage.json build/coverage/obj
	gcovr -r . -a build/coverage/coverage.json --txt build/coverage/lines.txt
	gcovr -r . -a build/coverage/coverage.json -b --txt build/coverage/branches.txt --print-summary

# libFuzzer targets (fuzz/fuzz_*.c), each run FUZZ_SECONDS from its seed
# corpus in fuzz/corpus/<name>/; new inputs go to build/fuzz/corpus/<name>/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_LIB_SRC := $(filter-out fake/server.c,$(LIB_SRC))
FUZZ_FLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -Iinclude -Ifake $(PKG_CFLAGS) \
             -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
build/fuzz/%: fuzz/%.c $(FUZZ_LIB_SRC) $(HEADERS) $(wildcard fake/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $< $(FUZZ_LIB_SRC) -o $@ $(PKG_LIBS) -lm -pthread
fuzz: $(addprefix build/fuzz/,$(FUZZ_TARGETS))
	@tools/deps.sh test check
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t; echo "== $$t ($(FUZZ_SECONDS) s)"; \
	  build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build/fuzz/corpus/$$t fuzz/corpus/$$t 2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY|crash-" || true; \
	  for f in crash-* leak-* timeout-* oom-*; do [ -e "$$f" ] && { echo "finding: $$f"; exit 1; }; done; \
	done; echo "fuzzing found nothing"
# Every input kept in fuzz/regressions/<target>/ (crashes once found, now
# fixed) must run clean: part of make test.
fuzz-regressions: $(addprefix build/fuzz/,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do \
	  if [ -d fuzz/regressions/$$t ] && [ -n "$$(ls fuzz/regressions/$$t)" ]; then \
	    build/fuzz/$$t -runs=1 fuzz/regressions/$$t/* >/dev/null 2>&1 || { echo "regression: $$t"; exit 1; }; fi; \
	done; echo "fuzz regressions pass"

# Performance figures against the design's targets (median of runs).
$(BUILD)/bench: bench/bench.c $(BUILD)/libgluefake.a
	$(CC) $(CFLAGS) $< -o $@ $(BUILD)/libgluefake.a $(LDLIBS)
bench: all $(BUILD)/bench
	@tools/deps.sh bench
	$(BUILD)/bench $(BENCH_ARGS)

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
run: all
	@echo "gluefake: serving fixtures/demo.json on http://127.0.0.1:$(RUN_PORT) (Ctrl-C stops it)"
	@echo "  point the AWS CLI at it from another terminal:"
	@echo "  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws glue get-security-configurations --region us-east-1 --endpoint-url http://127.0.0.1:$(RUN_PORT)"
	@echo "  boto3: boto3.client('glue', endpoint_url='http://127.0.0.1:$(RUN_PORT)', region_name='us-east-1')"
	$(BUILD)/gluefake serve --host 127.0.0.1 --port $(RUN_PORT) --fixture fixtures/demo.json

# The in-process tour: the typed API and the JSON level, printed.
demo: all $(BUILD)/demo
	$(BUILD)/demo

$(BUILD)/gluefake.pc: Makefile
	@mkdir -p $(dir $@)
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: gluefake\nDescription: in-process fake of the AWS Glue Security API\nVersion: %s\nRequires: libcjson libmicrohttpd\nLibs: -L$${libdir} -lgluefake -lm -pthread\nCflags: -I$${includedir}\n' \
	  '$(PREFIX)' '$(VERSION)' > $@

install: all $(BUILD)/gluefake.pc
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/gluefake/sys
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/gluefake $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/libgluefake.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/libgluefake.so $(DESTDIR)$(PREFIX)/lib/libgluefake.so.0
	ln -sf libgluefake.so.0 $(DESTDIR)$(PREFIX)/lib/libgluefake.so
	install -m 644 include/gluefake.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 include/gluefake/*.h $(DESTDIR)$(PREFIX)/include/gluefake/
	install -m 644 include/gluefake/sys/*.h $(DESTDIR)$(PREFIX)/include/gluefake/sys/
	install -m 644 $(BUILD)/gluefake.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/

clean:
	rm -rf build
