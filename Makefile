# neardup - plain Makefile.  `make help` lists the targets.
#
# Sources: src/lib/ (the library: stages and jobs), src/cli/ (the neardup
# command: one file per command plus option parsing), src/mpi/ (the Open MPI
# driver).  Library files see only include/ and src/lib/, so the library
# cannot depend on the CLI; MPI files see src/lib/ and src/mpi/, so the
# driver depends on the library, not on the CLI.  Tests: tests/test_*.c (CMocka), one binary each,
# and tests/cli/*.sh (golden tests of the binary).  New files need no edit
# here; header dependencies are tracked by the compiler (-MMD -MP).

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -mtune=generic
SAN     ?=
CFLAGS  ?=
PKGS    := libxxhash libsodium libutf8proc zlib libzstd jansson libcjson gumbo uchardet
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lxxhash -lsodium -lutf8proc -lz -lzstd -ljansson -lcjson -lgumbo -luchardet)
ND_CFLAGS  := -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -Wall -Wextra -Wshadow \
              -Wno-unused-parameter -g $(OPT) $(SAN) -Iinclude -Isrc/lib $(PKG_CFLAGS) $(CFLAGS)
LDLIBS     := $(PKG_LIBS) -lstemmer -lpthread -lm
# simdjson (C++) parses JSONL records first when found (src/json_simd.cc, the
# library's only C++ file); ND_SIMDJSON=0 builds plain C, cJSON + jansson only.
ND_SIMDJSON ?= $(shell pkg-config --exists simdjson 2>/dev/null && echo 1 || echo 0)
CXX        ?= g++
ND_CXXFLAGS := -std=c++17 -Wall -Wextra -Wno-unused-parameter -g $(OPT) $(SAN) -Iinclude -Isrc/lib $(CXXFLAGS)
ifeq ($(ND_SIMDJSON),1)
CXX_SRC    := $(wildcard src/lib/*.cc)
ND_CFLAGS  += -DND_HAVE_SIMDJSON
SIMDJSON_LIBS := $(shell pkg-config --libs simdjson 2>/dev/null || echo -lsimdjson) -lstdc++
LDLIBS     += $(SIMDJSON_LIBS)
else
SIMDJSON_LIBS :=
CXX_SRC    :=
endif
# Open MPI: with mpicc on the PATH (and CC not given), a second binary,
# neardup-mpi, is built with it (-DND_HAVE_MPI); neardup itself never loads
# the MPI libraries (3 ms of every start-up) and, when started by mpirun or
# srun, runs the neardup-mpi beside it instead (src/mpi/mpi_dedup.c).
MPICC      := $(shell command -v mpicc 2>/dev/null)
MPI_BIN    :=
ifneq ($(MPICC),)
ifeq ($(origin CC),default)
MPI_BIN    := $(BUILD)/neardup-mpi
endif
endif
LDFLAGS    ?=

CLI_CFLAGS := -Isrc/cli -Isrc/mpi
LIB_SRC  := $(wildcard src/lib/*.c)
CLI_SRC  := $(wildcard src/cli/*.c) $(wildcard src/mpi/*.c)
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o) $(CXX_SRC:src/%.cc=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
MPI_OBJ  := $(CLI_SRC:src/%.c=$(BUILD)/obj-mpi/%.o)
LIB_A    := $(BUILD)/libneardup.a
BIN      := $(BUILD)/neardup
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
# Objects also depend on this Makefile: a change of flags here (which files
# get -DND_HAVE_MPI, say) must not leave stale objects in an old build tree.
# Header dependencies come from the .d files the compiler writes (-MMD -MP).
DEPFLAGS  = -MMD -MP
HEADERS  := Makefile

VERSION  := 0.3.0
SO_MAJOR := 1
SO_FILE  := $(BUILD)/libneardup.so.$(VERSION)
PIC_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/pic/%.o) $(CXX_SRC:src/%.cc=$(BUILD)/pic/%.o)
PREFIX   ?= /usr/local
DESTDIR  ?=

FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_REGRESS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%-regress)
FUZZ_SECONDS ?= 60

.PHONY: all deps deps-build demo-run test test-run asan ubsan demo clean help bench bench-pan bench-python fuzz install uninstall python

all: $(BIN) $(MPI_BIN) $(SO_FILE) ## build the libraries (.a, .so) and the neardup binary (default)

deps: ## install missing Debian packages for the tests too (apt-get as root; otherwise print the command)
	@sh scripts/install-deps.sh test

# `make demo` needs only the build's packages (about 40 MB), not Chromium,
# valgrind or Open MPI, which only the tests use.
deps-build:
	@sh scripts/install-deps.sh build

$(BUILD)/obj/lib/%.o: src/lib/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ND_CFLAGS) $(DEPFLAGS) -c $< -o $@

# The MPI driver sees the library and itself, not the CLI (it depends on the
# library only); the CLI sees all three.
$(BUILD)/obj/mpi/%.o: src/mpi/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ND_CFLAGS) -Isrc/mpi $(DEPFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ND_CFLAGS) $(CLI_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: src/%.cc $(HEADERS)
	@mkdir -p $(dir $@)
	$(CXX) $(ND_CXXFLAGS) $(DEPFLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The shared library: position-independent objects with only the public
# neardup_* functions exported (NEARDUP_API), a soname for the ABI.
$(BUILD)/pic/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ND_CFLAGS) $(DEPFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(BUILD)/pic/%.o: src/%.cc $(HEADERS)
	@mkdir -p $(dir $@)
	$(CXX) $(ND_CXXFLAGS) $(DEPFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(SO_FILE): $(PIC_OBJ)
	$(CC) $(ND_CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libneardup.so.$(SO_MAJOR) -o $@ $^ $(LDLIBS)

# The Python module (python/): a CPython extension, python/*.c, linked with
# the position-independent objects of the shared library put in an archive,
# so the module carries the library inside (no LD_LIBRARY_PATH, no rpath into
# a build tree, never a different installed libneardup) and exports nothing
# but PyInit__neardup (-fvisibility=hidden, --exclude-libs).  Debian's
# python3 and python3-dev; the package goes to build/python/neardup/.
PYTHON    ?= $(shell command -v /usr/bin/python3 || command -v python3)
PY_INC     = $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
PY_EXT_SUFFIX = $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
PY_SITE    = $(shell $(PYTHON) scripts/python-site.py $(PREFIX))
PY_SRC    := $(wildcard python/*.c)
PY_PKG_SRC := $(wildcard python/neardup/*.py)
PY_PKG    := $(PY_PKG_SRC:python/%=$(BUILD)/python/%)
PY_EXT     = $(BUILD)/python/neardup/_neardup$(PY_EXT_SUFFIX)
PIC_A     := $(BUILD)/libneardup_pic.a

$(PIC_A): $(PIC_OBJ)
	rm -f $@ && ar rcs $@ $^

$(PY_EXT): $(PY_SRC) python/py_neardup.h $(PIC_A) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ND_CFLAGS) -I$(PY_INC) -fPIC -fvisibility=hidden -shared -o $@ $(PY_SRC) $(PIC_A) $(LDLIBS) \
		-Wl,--exclude-libs,ALL

$(BUILD)/python/neardup/%.py: python/neardup/%.py
	@mkdir -p $(dir $@)
	cp $< $@

python: $(PY_EXT) $(PY_PKG) ## build the Python module into build/python (PYTHONPATH=build/python python3 -c 'import neardup')

$(BIN): $(CLI_OBJ) $(LIB_A)
	$(CC) $(ND_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB_A) $(LDLIBS)

$(BUILD)/obj-mpi/mpi/%.o: src/mpi/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(MPICC) $(ND_CFLAGS) -Isrc/mpi $(DEPFLAGS) -DND_HAVE_MPI -c $< -o $@

$(BUILD)/obj-mpi/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(MPICC) $(ND_CFLAGS) $(CLI_CFLAGS) $(DEPFLAGS) -DND_HAVE_MPI -c $< -o $@

$(BUILD)/neardup-mpi: $(MPI_OBJ) $(LIB_A)
	$(MPICC) $(ND_CFLAGS) -DND_HAVE_MPI $(LDFLAGS) -o $@ $(MPI_OBJ) $(LIB_A) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(LIB_A) $(HEADERS) tests/nd_test.h
	@mkdir -p $(dir $@)
	$(CC) $(ND_CFLAGS) $(DEPFLAGS) -Itests -o $@ $< $(LIB_A) $(LDLIBS) -lcmocka

test: deps ## install, build and run every test (unit, CLI golden, examples)
	@$(MAKE) --no-print-directory test-run

# Each fuzz target also builds as a plain driver that replays fuzz/corpus/<target>/.
$(BUILD)/fuzz/%-regress: fuzz/fuzz_%.c fuzz/driver.c $(LIB_A) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ND_CFLAGS) $(DEPFLAGS) -o $@ fuzz/driver.c $< $(LIB_A) $(LDLIBS)

# The sanitizer builds leave the Python module out: a sanitized extension
# cannot load into an unsanitized python3 (tests/cli/python.sh skips them).
test-run: $(BIN) $(MPI_BIN) $(SO_FILE) $(TEST_BIN) $(FUZZ_REGRESS) $(if $(SAN),,python)
	@sh tests/run.sh $(BUILD)

asan: deps ## build and run all tests under AddressSanitizer (build/asan)
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1" \
		SAN="-fsanitize=address -fno-omit-frame-pointer" test-run

ubsan: deps ## build and run all tests under UndefinedBehaviorSanitizer (build/ubsan)
	@$(MAKE) --no-print-directory BUILD=build/ubsan OPT="-O1" \
		SAN="-fsanitize=undefined -fno-sanitize-recover=all" test-run

# A second make, so that the pkg-config flags above are read after the
# packages are installed (on a fresh machine pkg-config itself is missing).
demo: deps-build ## install, build and run neardup on the bundled sample in tests/data/
	@$(MAKE) --no-print-directory demo-run

demo-run: $(BIN)
	@sh scripts/demo.sh $(BIN)

bench: $(BIN) $(MPI_BIN) $(BUILD)/stage_speed $(BUILD)/html_speed $(BUILD)/json_speed ## run the benchmarks in bench/ (needs ../shared/corpora)
	@sh bench/run.sh $(BIN)

# PAN 2013 text alignment (bench/pan13.py): PAN_ARGS=--check for the targets,
# PAN_ARGS="-j 1" for one core.  Skips when the corpus is absent.
PAN_ARGS ?=
bench-pan: $(BIN) ## PAN 2013 text alignment: plagdet per subset vs published, pairs/s, source retrieval (needs ../shared/corpora)
	@/usr/bin/python3 bench/pan13.py --neardup $(BIN) $(PAN_ARGS)

# The Python module against the command (bench/python_dedup.py): dedup of
# news-40k from a Python list vs neardup dedup on the file.  Skips without it.
bench-python: $(BIN) python ## neardup.dedup from Python vs neardup dedup on news-40k (needs ../shared/corpora)
	@$(PYTHON) bench/python_dedup.py --neardup $(BIN) --module $(BUILD)/python

# HTML reader and encoding detection throughput (bench/html_speed.c; libxml2
# only for the comparison, the library does not link it), used by bench/run.sh.
$(BUILD)/html_speed: bench/html_speed.c $(LIB_A) $(HEADERS)
	$(CC) $(ND_CFLAGS) $(DEPFLAGS) $(shell pkg-config --cflags libxml-2.0) -o $@ $< $(LIB_A) $(LDLIBS) $(shell pkg-config --libs libxml-2.0)

# Per-stage single-core throughput (bench/stage_speed.c), used by bench/run.sh.
$(BUILD)/stage_speed: bench/stage_speed.c $(LIB_A) $(HEADERS)
	$(CC) $(ND_CFLAGS) $(DEPFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

# JSON parsers on every line of a JSONL file (bench/json_speed.c), used by bench/run.sh;
# the reader against zstd -dc (bench/reader_speed.c).
$(BUILD)/json_speed $(BUILD)/reader_speed: $(BUILD)/%: bench/%.c $(LIB_A) $(HEADERS)
	$(CC) $(ND_CFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

# What nd_record_parse makes of each line of a file (fuzz/json_dump.c): run from this
# build and the plain C one by fuzz/json_paths_diff.sh.
$(BUILD)/json_dump: fuzz/json_dump.c $(LIB_A) $(HEADERS)
	$(CC) $(ND_CFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

fuzz: deps ## libFuzzer (clang) + ASan on every target for FUZZ_SECONDS each (default 60)
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CXX=clang++ OPT="-O1 -g" \
		SAN="-fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer" build/fuzz/libneardup.a
	@for t in $(FUZZ_TARGETS); do \
		clang $(ND_CFLAGS) -fsanitize=fuzzer,address -o build/fuzz/$$t fuzz/fuzz_$$t.c \
			build/fuzz/libneardup.a $(LDLIBS) || exit 1; \
		mkdir -p build/fuzz/corpus-$$t; \
		echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
		build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=fuzz/corpus/$$t/ -print_final_stats=1 \
			build/fuzz/corpus-$$t fuzz/corpus/$$t 2>&1 | grep -E "ERROR|SUMMARY|stat::number_of_executed_units|stat::new_units_added" ; \
	done

install: all python ## install binary, libraries, header, pkg-config file, man page, Python module (PREFIX=/usr/local, DESTDIR)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PY_SITE)/neardup
	install -m 644 $(PY_PKG) $(DESTDIR)$(PY_SITE)/neardup/
	install -m 755 $(PY_EXT) $(DESTDIR)$(PY_SITE)/neardup/
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/neardup
	$(if $(MPI_BIN),install -m 755 $(MPI_BIN) $(DESTDIR)$(PREFIX)/bin/neardup-mpi)
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/libneardup.a
	install -m 755 $(SO_FILE) $(DESTDIR)$(PREFIX)/lib/libneardup.so.$(VERSION)
	ln -sf libneardup.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libneardup.so.$(SO_MAJOR)
	ln -sf libneardup.so.$(SO_MAJOR) $(DESTDIR)$(PREFIX)/lib/libneardup.so
	install -m 644 include/neardup.h $(DESTDIR)$(PREFIX)/include/neardup.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@SIMDJSON_LIBS@|$(SIMDJSON_LIBS)|' neardup.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/neardup.pc
	install -m 644 man/neardup.1 $(DESTDIR)$(PREFIX)/share/man/man1/neardup.1
	@sh scripts/install-hint.sh "$(PREFIX)"

uninstall: ## remove exactly what install put there
	rm -f $(DESTDIR)$(PREFIX)/bin/neardup $(DESTDIR)$(PREFIX)/bin/neardup-mpi $(DESTDIR)$(PREFIX)/lib/libneardup.a \
		$(DESTDIR)$(PREFIX)/lib/libneardup.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libneardup.so.$(SO_MAJOR) \
		$(DESTDIR)$(PREFIX)/lib/libneardup.so $(DESTDIR)$(PREFIX)/include/neardup.h \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig/neardup.pc $(DESTDIR)$(PREFIX)/share/man/man1/neardup.1
	rm -f $(PY_PKG:$(BUILD)/python/neardup/%=$(DESTDIR)$(PY_SITE)/neardup/%) \
		$(DESTDIR)$(PY_SITE)/neardup/$(notdir $(PY_EXT))
	rm -rf $(DESTDIR)$(PY_SITE)/neardup/__pycache__
	rmdir $(DESTDIR)$(PY_SITE)/neardup 2>/dev/null || true

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(PIC_OBJ:.o=.d) $(MPI_OBJ:.o=.d) $(TEST_BIN:=.d) $(FUZZ_REGRESS:=.d) \
	$(BUILD)/stage_speed.d $(BUILD)/html_speed.d

clean: ## remove build outputs
	rm -rf build

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/' | expand -t 12
