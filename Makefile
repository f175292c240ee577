# wordtally - exact parallel word counting. `make help` lists the targets.
#
# ---- user options (override on the command line: make OPTIMIZE=no DEBUG=yes) ----
CC       ?= cc
OPTIMIZE ?= yes        # -O3 (kernels for newer CPUs are chosen at run time)
DEBUG    ?= no         # -g
SANITIZE ?=            # e.g. address,undefined or thread (builds into build-san/ or build-tsan/)
WERROR   ?= no         # -Werror (CI)
# ---------------------------------------------------------------------------------

PKG_CONFIG ?= pkg-config
MPICC      ?= mpicc
CFLAGS     ?=
CFLAGS     += -std=c11 -D_GNU_SOURCE -Wall -Wextra -fopenmp
CPPFLAGS   += -Isrc -MMD -MP
CFLAGS     += $(if $(filter yes,$(strip $(OPTIMIZE))),-O3,-O0)
CFLAGS     += $(if $(filter yes,$(strip $(DEBUG))),-g)
CFLAGS     += $(if $(filter yes,$(strip $(WERROR))),-Werror)
ifneq ($(strip $(SANITIZE)),)
  CFLAGS  += -g -fno-omit-frame-pointer -fsanitize=$(strip $(SANITIZE))
  LDFLAGS += -fsanitize=$(strip $(SANITIZE))
endif

# Libraries: hwloc for the topology; the decoders' own libraries for compressed inputs (libdeflate
# for BGZF blocks decoded in parallel), libarchive for tar; libbz2 has no pkg-config file.
LIBS_PC      := hwloc zlib libdeflate libzstd liblzma libarchive
CFLAGS       += $(shell $(PKG_CONFIG) --cflags $(LIBS_PC))
# libarchive is loaded when the first tar is read (src/io/archive_lib.c): compiled against, not
# linked, as it and what it pulls in (libxml2, ICU, libstdc++) cost 2.3 ms of every start-up.
LDLIBS       += $(shell $(PKG_CONFIG) --libs $(filter-out libarchive,$(LIBS_PC))) -lbz2 -ldl
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check)

# Sanitizer builds go to their own folder so they never mix with the normal objects.
BUILD := build$(if $(strip $(SANITIZE)),-san)
comma := ,
# ThreadSanitizer needs an instrumented OpenMP runtime: GCC's libgomp is not, and TSan reports its
# barriers and reductions as races. LLVM's libomp (libomp-14-dev) with its Archer tool (loaded by
# libomp when the program is built with TSan) tells TSan what OpenMP synchronises, so
# SANITIZE=thread builds with clang unless CC is set on the command line; libomp and libhwloc
# are not instrumented, hence ignore_noninstrumented_modules=1.
ifneq ($(filter thread,$(subst $(comma), ,$(SANITIZE))),)
  ifeq ($(origin CC),default)
    CC := clang
  endif
  BUILD := build-tsan
  export TSAN_OPTIONS := ignore_noninstrumented_modules=1:halt_on_error=1 $(TSAN_OPTIONS)
endif

# The OpenMP runtime. libgomp reads OMP_WAIT_POLICY in its constructor, and wordtally sets it for
# itself (docs/HPC.md, "Waiting threads"). Linked statically (GCC ships libgomp.a), that
# constructor runs among the program's own, after the one of main.c that sets it; clang's libomp
# reads its variables at the first OpenMP call. A shared libgomp's constructor runs before any
# code of the program could set it, so the program starts itself again (about 2 ms of CPU):
# GOMP_STATIC=no links that one. The static runtime's API (omp_*) stays visible to preloaded
# tools, as a shared one's is: tests/fault_shim.c asks omp_in_parallel.
# A linker without --export-dynamic-symbol (GNU ld before 2.35) gets the shared runtime.
GOMP_STATIC ?= yes
IS_CLANG := $(if $(shell $(CC) -dM -E -x c /dev/null 2>/dev/null | grep __clang__),yes)
GOMP_A := $(if $(filter yes,$(strip $(GOMP_STATIC))),$(if $(IS_CLANG),,$(wildcard \
            $(shell $(CC) -print-file-name=libgomp.a))))
GOMP_A := $(if $(GOMP_A),$(if $(shell printf 'int main(void){return 0;}' | $(CC) -x c - \
            -o /dev/null -Wl,--export-dynamic-symbol=omp_x 2>/dev/null && echo yes),$(GOMP_A)))
OMP_LDLIBS := $(if $(GOMP_A),-Wl$(comma)--push-state$(comma)-Bstatic -lgomp \
                -Wl$(comma)--pop-state -pthread '-Wl$(comma)--export-dynamic-symbol=omp_*',-fopenmp)
OMP_ENV_FLAG := $(if $(GOMP_A)$(IS_CLANG),-DOMP_ENV_READ_AFTER_CONSTRUCTORS)
CPPFLAGS += $(OMP_ENV_FLAG)
LDLIBS   += $(OMP_LDLIBS)

# ---- sources, one folder per layer (docs/DESIGN.md; make check-layers keeps the order) ----
LAYERS   := base kernels io engine vocab report mpi app gen
LIB_SRC  := $(foreach d,base kernels io engine vocab report app,$(wildcard src/$(d)/*.c))
LIB_SRC  := $(filter-out src/app/main.c,$(LIB_SRC))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
ONE_RANK := $(BUILD)/mpi/ranks_none.o   # plain wordtally: one process
MPI_RANK := $(BUILD)/mpi/ranks.o $(BUILD)/mpi/ranks_vocab.o   # wordtally-mpi: built with mpicc
TESTS_C  := $(wildcard tests/check_*.c)
TEST_BIN := $(BUILD)/check_all
# Tests also run the VBMI kernel's code on SIMDe's portable AVX-512 (tests/emulated.h), so
# machines without VBMI check it too.
EMULATED_OBJ := $(BUILD)/tests/kernel_vbmi_emulated.o

PROGRAM := $(if $(strip $(SANITIZE)),$(BUILD)/wordtally,wordtally)
GEN     := $(if $(strip $(SANITIZE)),$(BUILD)/wordtally-gen,wordtally-gen)
MPIPROG := $(if $(strip $(SANITIZE)),$(BUILD)/wordtally-mpi,wordtally-mpi)

# The release number lives in VERSION only; buildinfo.c is the one file that reads it.
VERSION      := $(shell cat VERSION)
VERSION_FLAG := -DWORDTALLY_VERSION='"$(VERSION)"'

.PHONY: all mpi
all: $(PROGRAM) $(GEN)
mpi: $(MPIPROG)

$(BUILD)/%.o: src/%.c Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(BUILD)/app/buildinfo.o: CPPFLAGS += $(VERSION_FLAG)
$(BUILD)/app/buildinfo.o: VERSION
$(MPI_RANK): $(BUILD)/mpi/%.o: src/mpi/%.c Makefile
	@mkdir -p $(@D)
	$(MPICC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(BUILD)/tests/%.o: tests/%.c Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<
$(BUILD)/tests/fuzz_count.o: tests/fuzz/fuzz_count.c Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -DFUZZ_REPLAY -c -o $@ $<
$(EMULATED_OBJ): src/kernels/kernel_vbmi.c Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -Wno-psabi -DKERNEL_VBMI_EMULATED -c -o $@ $<

# Which runtime main.o was built for (static or shared libgomp): a change rebuilds it and relinks,
# so main.c's way of setting the wait policy always matches the runtime linked.
OMP_MODE := $(if $(OMP_ENV_FLAG),after-constructors,shared)
$(BUILD)/omp-mode: FORCE
	@mkdir -p $(@D)
	@echo '$(OMP_MODE)' | cmp -s - $@ || echo '$(OMP_MODE)' > $@
.PHONY: FORCE
$(BUILD)/app/main.o: $(BUILD)/omp-mode
$(PROGRAM): $(BUILD)/app/main.o $(LIB_OBJ) $(ONE_RANK)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(MPIPROG): $(BUILD)/app/main.o $(LIB_OBJ) $(MPI_RANK)
	$(MPICC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
# The start-up with a shared libgomp (main.c's re-exec), which the default static link skips:
# built beside the program for check-gomp-shared.
GOMP_SHARED := $(BUILD)/gomp-shared/wordtally
$(GOMP_SHARED): src/app/main.c $(LIB_OBJ) $(ONE_RANK) Makefile
	@mkdir -p $(@D)
	$(CC) $(filter-out -MMD -MP -DOMP_ENV_READ_AFTER_CONSTRUCTORS,$(CPPFLAGS)) $(CFLAGS) \
	    $(LDFLAGS) -o $@ src/app/main.c $(LIB_OBJ) $(ONE_RANK) \
	    $(filter-out $(OMP_LDLIBS),$(LDLIBS)) -fopenmp
$(GEN): $(BUILD)/gen/corpus_gen.o $(LIB_OBJ) $(ONE_RANK)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lm
$(TEST_BIN): $(TESTS_C:tests/%.c=$(BUILD)/tests/%.o) $(LIB_OBJ) $(ONE_RANK) $(EMULATED_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)
FUZZ_REPLAY := $(BUILD)/fuzz_replay
$(FUZZ_REPLAY): $(BUILD)/tests/fuzz_count.o $(LIB_OBJ) $(ONE_RANK) $(EMULATED_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
# The read-fault shim (tests/fault_shim.c, LD_PRELOAD): no sanitizer flags, it only forwards to
# the next read/pread (a sanitizer's, then libc's).
FAULT_SHIM := $(BUILD)/fault_shim.so
$(FAULT_SHIM): tests/fault_shim.c Makefile
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra $(if $(filter yes,$(strip $(WERROR))),-Werror) \
	    -O2 -shared -fPIC -o $@ $< -ldl

# --tokens=words: `make tables` writes the generated tables again from the Unicode data files (the
# same bytes from the same files); the segmenter's test driver for tests/wordbreak.py and words.py.
UNICODE_DATA ?= /usr/share/unicode
.PHONY: tables
tables:
	python3 scripts/gen-wordbreak.py $(UNICODE_DATA) > src/base/wordbreak_tables.c.new
	mv src/base/wordbreak_tables.c.new src/base/wordbreak_tables.c
# The speed anchor of --tokens=words: ICU's word BreakIterator on one core (libicu-dev).
$(BUILD)/icu-words: scripts/icu-words.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -o $@ $< $(shell $(PKG_CONFIG) --cflags --libs icu-uc)
WORDBREAK_TOOL := $(BUILD)/wordbreak-tool
$(WORDBREAK_TOOL): $(BUILD)/tests/wordbreak_tool.o $(BUILD)/base/wordbreak.o $(BUILD)/base/wordbreak_tables.o
	$(CC) $(LDFLAGS) -o $@ $^

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*.d)

# ---- the main job: a real 1 GB corpus, counted and verified against the oracle ----
CORPUS := data/gcide-1g.txt
.PHONY: corpus run
corpus: $(CORPUS)
$(CORPUS): scripts/make-gcide-corpus.sh
	bash scripts/make-gcide-corpus.sh $@
run: $(PROGRAM) $(CORPUS)
	bash scripts/run-main-job.sh ./$(PROGRAM) $(CORPUS)

# ---- tests: one target per driver (make check-NAME runs tests/NAME.py alone) ----
# A sanitizer's shadow memory makes RSS no measure of the program's own memory.
NO_RSS := $(if $(strip $(SANITIZE)),--no-rss-bound)
PY_CHECKS := integration bad-inputs outputs docs inputs faults hpc scale documented vocab \
             spack-package wordbreak words casefold vocab-words
ARGS_integration   = ./$(PROGRAM)
ARGS_bad-inputs    = ./$(PROGRAM) $(NO_RSS)
ARGS_outputs       = ./$(PROGRAM)
ARGS_inputs        = ./$(PROGRAM) $(NO_RSS)
ARGS_faults        = ./$(PROGRAM) $(FAULT_SHIM)
ARGS_hpc           = ./$(PROGRAM) ./$(GEN) $(FAULT_SHIM)
ARGS_scale         = ./$(PROGRAM) ./$(GEN) $(NO_RSS)
ARGS_documented    = ./$(PROGRAM) ./$(GEN)
ARGS_vocab         = ./$(PROGRAM) ./$(GEN) $(NO_RSS) $(if $(filter yes,$(strip $(VOCAB_BIG))),--big)
ARGS_slurm         = ./$(PROGRAM) ./$(GEN) $(FAULT_SHIM)
ARGS_memcheck      = ./$(PROGRAM)
ARGS_mpi           = ./$(MPIPROG) ./$(PROGRAM) # tests/mpi_integration.py
ARGS_wordbreak     = ./$(WORDBREAK_TOOL)
ARGS_words         = ./$(PROGRAM) ./$(WORDBREAK_TOOL)
ARGS_casefold      = ./$(PROGRAM)
ARGS_vocab-words   = ./$(PROGRAM) ./$(WORDBREAK_TOOL)

# The README's test command: every suite, the kernel differential at reduced size (CI also runs
# check-kernels, the whole of it); the sanitizer builds in CI run SANITIZED_CHECKS.
CHECKS := unit kernels-quick $(PY_CHECKS) fuzz-replay bench-inputs gomp-shared layers
SANITIZED_CHECKS := unit kernels-quick integration bad-inputs outputs inputs faults vocab \
                    fuzz-replay

.PHONY: check check-sanitized $(addprefix check-,$(CHECKS) kernels-quick slurm memcheck mpi)
check: $(addprefix check-,$(CHECKS))
check-sanitized: $(addprefix check-,$(SANITIZED_CHECKS))

$(addprefix check-,$(PY_CHECKS) slurm): check-%: $(PROGRAM) $(GEN) $(FAULT_SHIM)
	python3 tests/$(subst -,_,$*).py $(ARGS_$*)
check-wordbreak check-words check-vocab-words: $(WORDBREAK_TOOL)
check-memcheck memcheck: $(PROGRAM)
	python3 tests/memcheck.py $(ARGS_memcheck)
check-mpi: $(MPIPROG) $(PROGRAM)
	python3 tests/mpi_integration.py $(ARGS_mpi)
# Check suites: check-unit is every suite but the kernels' exhaustive differential, which is
# check-kernels (every kernel, mode, length 0-300, alignment and chunk size against the
# reference tokenizer).
check-unit: $(TEST_BIN)
	CK_FORK=yes CK_EXCLUDE_TAGS=exhaustive ./$(TEST_BIN)
check-kernels: $(TEST_BIN) # two halves side by side (KERNEL_CHECK_PART): each runs on one CPU
	CK_FORK=yes CK_INCLUDE_TAGS=exhaustive KERNEL_CHECK_PART=0/2 ./$(TEST_BIN) & half=$$!; \
	CK_FORK=yes CK_INCLUDE_TAGS=exhaustive KERNEL_CHECK_PART=1/2 ./$(TEST_BIN); rc=$$?; \
	wait $$half && exit $$rc
check-kernels-quick: $(TEST_BIN)
	CK_FORK=yes CK_INCLUDE_TAGS=exhaustive KERNEL_CHECK=quick ./$(TEST_BIN)
# Fuzz seeds and committed regressions, replayed with any compiler.
check-gomp-shared: $(GOMP_SHARED) # the wait policy's checks of tests/hpc.py, on that build
	HPC_ONLY=wait_policy python3 tests/hpc.py ./$(GOMP_SHARED)
check-fuzz-replay: $(FUZZ_REPLAY)
	./$(FUZZ_REPLAY) $(wildcard tests/fuzz/seeds/* tests/fuzz/regressions/*)
check-bench-inputs: $(PROGRAM) $(GEN)
	bash tests/bench_inputs.sh ./$(PROGRAM) ./$(GEN) $(BUILD)/bench-inputs-test
check-layers layers:
	python3 scripts/layers.py src

# ---- static analysis: cppcheck and clang-tidy must both be clean (.clang-tidy says which
# checks and why); a single wrong finding is silenced where it is, with its reason. the MPI files are
# linted with mpicc's include flags; corpus_gen.c is the test-data generator (a deliberate literal
# split after a hex escape, memory not freed on its exit path). ----
MPI_SRC  := src/mpi/ranks.c src/mpi/ranks_vocab.c
LINT_SRC := $(filter-out $(MPI_SRC) src/gen/corpus_gen.c,$(wildcard src/*/*.c)) \
            $(wildcard tests/*.c) tests/fuzz/fuzz_count.c
LINT_FLAGS := -D_GNU_SOURCE $(VERSION_FLAG) -Isrc -Itests
.PHONY: lint lint-mpi
lint:
	cppcheck --error-exitcode=1 --enable=warning,style,performance,portability --std=c11 --quiet \
	    --inline-suppr --suppress=missingIncludeSystem $(LINT_FLAGS) $(LINT_SRC)
	clang-tidy --quiet $(LINT_SRC) -- -std=c11 $(LINT_FLAGS) -fopenmp \
	    $(shell $(PKG_CONFIG) --cflags hwloc) $(CHECK_CFLAGS)
lint-mpi:
	cppcheck --error-exitcode=1 --enable=warning,style,performance,portability --std=c11 --quiet \
	    --inline-suppr --suppress=missingIncludeSystem $(LINT_FLAGS) $(MPI_SRC)
	clang-tidy --quiet $(MPI_SRC) -- -std=c11 $(LINT_FLAGS) -fopenmp $(shell $(MPICC) --showme:compile) \
	    $(shell $(PKG_CONFIG) --cflags hwloc)

# ---- differential fuzzing with libFuzzer (clang): tests/fuzz/fuzz_count.c checks every kernel
# and the serial, parallel, verify, mmap and pipe paths against a reference tokenizer; a failing
# input is written to tests/fuzz/regressions/, to be committed (check-fuzz-replay replays it) ----
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fopenmp -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=all $(VERSION_FLAG) -Isrc -Itests \
              $(shell $(PKG_CONFIG) --cflags $(LIBS_PC))
FUZZ_LIB   := $(LIB_SRC) src/mpi/ranks_none.c
.PHONY: fuzz
build-fuzz/fuzz_count: tests/fuzz/fuzz_count.c $(FUZZ_LIB) $(wildcard src/*/*.h tests/*.h) Makefile
	mkdir -p build-fuzz/corpus
	$(FUZZ_CC) $(FUZZ_FLAGS) -DKERNEL_VBMI_EMULATED -c -o build-fuzz/kernel_vbmi_emulated.o \
	    src/kernels/kernel_vbmi.c
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_count.c $(FUZZ_LIB) \
	    build-fuzz/kernel_vbmi_emulated.o $(filter-out $(OMP_LDLIBS),$(LDLIBS))
fuzz: build-fuzz/fuzz_count
	./build-fuzz/fuzz_count -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=30 \
	    -artifact_prefix=tests/fuzz/regressions/ -print_final_stats=1 build-fuzz/corpus tests/fuzz/seeds

# ---- benchmarks (timings only, never tests; docs/BENCHMARKS.md) ----
PREADSUM := $(BUILD)/preadsum
# A local probe built for this machine's widest loads (never installed or shipped).
$(PREADSUM): scripts/preadsum.c
	@mkdir -p $(@D)
	$(CC) -O3 -march=native -fopenmp -Wall -Wextra -o $@ $<
$(BUILD)/kernel-bench: scripts/kernel-bench.c $(LIB_OBJ) $(ONE_RANK)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(LDLIBS)
BENCH_IO_FILE     ?= data/gen-2g.txt
KERNEL_BENCH_ARGS ?= all $(CORPUS)
BENCH_INPUTS_ARGS ?=
# COUNTWORDS=DIR: a copy of Ben Hoyt's countwords (its C sources, output.txt, make-input.sh); when
# given, bench-vocab also times wordtally --vocab -i against its C programs (bench-countwords).
COUNTWORDS        ?=
.PHONY: bench bench-io kernel-bench bench-vocab bench-countwords bench-inputs
bench: $(PROGRAM) $(CORPUS) $(PREADSUM)
	python3 scripts/bench.py ./$(PROGRAM) $(CORPUS) $(PREADSUM) data/bench.csv
bench-io: $(PROGRAM) $(BENCH_IO_FILE)
	python3 scripts/bench-io.py --warm --rounds 3 --wordtally ./$(PROGRAM) $(BENCH_IO_FILE)
data/gen-2g.txt: | $(GEN)
	./$(GEN) -s 1 2G $@
kernel-bench: $(BUILD)/kernel-bench $(CORPUS)
	./$(BUILD)/kernel-bench $(KERNEL_BENCH_ARGS)
bench-vocab: $(PROGRAM) $(CORPUS)
	python3 scripts/bench-vocab.py ./$(PROGRAM) $(CORPUS)
	$(if $(COUNTWORDS),$(MAKE) --no-print-directory bench-countwords)
bench-countwords: $(PROGRAM)
	@test -n "$(COUNTWORDS)" || { echo 'bench-countwords: set COUNTWORDS=DIR (countwords sources)'; exit 2; }
	bash scripts/install-deps.sh --bench
	python3 scripts/bench-countwords.py ./$(PROGRAM) $(COUNTWORDS) $(BUILD)/countwords
bench-inputs: $(PROGRAM)
	python3 scripts/bench-inputs.py --wordtally ./$(PROGRAM) --corpus $(CORPUS) $(BENCH_INPUTS_ARGS)

# ---- install: the GNU directory variables; DESTDIR for staged installs (packages).
# wordtally-mpi is installed too once `make mpi` has built it (and is brought up to date). ----
PREFIX        ?= /usr/local
BINDIR        ?= $(PREFIX)/bin
MANDIR        ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
MODULEDIR     ?= $(PREFIX)/share/modulefiles
INSTALL       ?= install
MPI_BUILT      = $(wildcard wordtally-mpi)
# The modulefiles (Lmod Lua, Tcl for environment-modules) name the installed folders.
MODULE_SED     = sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@MANDIR@|$(MANDIR)|g' \
                     -e 's|@COMPLETIONDATA@|$(patsubst %/bash-completion/completions,%,$(COMPLETIONDIR))|g'
.PHONY: install uninstall check-install check-deb check-fresh-root
install: wordtally wordtally-gen $(if $(MPI_BUILT),mpi)
	$(INSTALL) -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(MANDIR)/man1' '$(DESTDIR)$(COMPLETIONDIR)'
	$(INSTALL) -m 755 wordtally wordtally-gen $(MPI_BUILT) '$(DESTDIR)$(BINDIR)'
	$(INSTALL) -m 644 man/wordtally.1 man/wordtally-gen.1 '$(DESTDIR)$(MANDIR)/man1'
	$(INSTALL) -m 644 completion/wordtally.bash '$(DESTDIR)$(COMPLETIONDIR)/wordtally'
	ln -sf wordtally '$(DESTDIR)$(COMPLETIONDIR)/wordtally-gen'
	$(INSTALL) -d '$(DESTDIR)$(MODULEDIR)/wordtally'
	$(MODULE_SED) packaging/modulefiles/wordtally.lua.in > '$(DESTDIR)$(MODULEDIR)/wordtally/$(VERSION).lua'
	$(MODULE_SED) packaging/modulefiles/wordtally.tcl.in > '$(DESTDIR)$(MODULEDIR)/wordtally/$(VERSION)'
ifneq ($(MPI_BUILT),)
	ln -sf wordtally '$(DESTDIR)$(COMPLETIONDIR)/wordtally-mpi'
	echo '.so man1/wordtally.1' > '$(DESTDIR)$(MANDIR)/man1/wordtally-mpi.1'
endif
uninstall:
	rm -f $(foreach p,wordtally wordtally-gen wordtally-mpi,'$(DESTDIR)$(BINDIR)/$(p)' \
	    '$(DESTDIR)$(MANDIR)/man1/$(p).1' '$(DESTDIR)$(COMPLETIONDIR)/$(p)') \
	    '$(DESTDIR)$(MODULEDIR)/wordtally/$(VERSION).lua' '$(DESTDIR)$(MODULEDIR)/wordtally/$(VERSION)'
	rmdir '$(DESTDIR)$(MODULEDIR)/wordtally' 2>/dev/null || true
# A staged install, the installed programs run, the man pages rendered and linted; uninstall
# leaves no file behind (tests/install.py).
check-install: wordtally wordtally-gen
	python3 tests/install.py $(CURDIR)/$(BUILD)/staged-install
# The Debian package built with dpkg-buildpackage from a copy, installed with apt, run, purged
# (root; scripts/install-deps.sh --all).
check-deb:
	bash scripts/check-deb.sh $(CURDIR)/build/deb
# The README's two quick-start commands in fresh minimal Debian 12 roots, in either order (root,
# mmdebstrap, this machine's Debian mirror).
check-fresh-root:
	bash scripts/fresh-root.sh
# The AArch64 build (cross, -Werror) tested under qemu-user: NEON-only, SVE 128/512/2048-bit and
# 64 KiB-page CPUs (scripts/install-deps.sh --arm64; what is left out: tests/check_arm64.sh).
.PHONY: check-arm64
check-arm64:
	bash tests/check_arm64.sh

.PHONY: clean help
clean:
	rm -rf build build-san build-tsan build-fuzz wordtally wordtally-gen wordtally-mpi

help:
	@echo 'make                 wordtally and wordtally-gen      make mpi       wordtally-mpi (mpicc)'
	@echo 'make run             the main job: the 1 GB GCIDE corpus counted and verified'
	@echo 'make check           the tests below but slurm, mpi, memcheck; kernels at reduced size'
	@echo '  check-unit         the Check suites but the kernel differential (a few CPU-seconds)'
	@echo '  check-kernels      every kernel against the reference tokenizer, exhaustively'
	@echo '  check-kernels-quick  the same at reduced size (make check runs this one)'
	@echo '  check-NAME         one driver, tests/NAME.py: $(PY_CHECKS)'
	@echo '  check-fuzz-replay  the fuzz seeds and regressions     check-layers  the include rule'
	@echo '  check-bench-inputs the bench-inputs script on a small text'
	@echo 'make check-sanitized the reduced set CI runs under SANITIZE=address,undefined or thread'
	@echo 'make check-mpi | check-slurm | memcheck | lint | lint-mpi | fuzz     (install-deps --all)'
	@echo 'make check-install | check-deb | check-fresh-root                   (root)'
	@echo 'make check-arm64     the aarch64 build under qemu-user (install-deps --arm64; root once)'
	@echo 'make bench | bench-io | kernel-bench | bench-vocab [COUNTWORDS=DIR] | bench-countwords | bench-inputs    (docs/BENCHMARKS.md)'
	@echo 'make install | uninstall   PREFIX=$(PREFIX) DESTDIR=...'
	@echo 'options: OPTIMIZE=yes DEBUG=no SANITIZE= WERROR=no CC=cc MPICC=mpicc GOMP_STATIC=yes'
