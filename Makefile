# wordtally - exact parallel word counting.
#
# ---- user options (override on the command line: make OPTIMIZE=no DEBUG=yes) ----
CC       ?= cc
OPTIMIZE ?= yes        # -O3 (kernels for newer CPUs are chosen at run time)
DEBUG    ?= no         # -g
SANITIZE ?=            # e.g. address,undefined or thread (builds into build-san/)
WERROR   ?= no         # -Werror (CI)
# ---------------------------------------------------------------------------------

PKG_CONFIG ?= pkg-config
CFLAGS  ?=
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -fopenmp
LDLIBS  += -fopenmp

ifeq ($(strip $(OPTIMIZE)),yes)
  CFLAGS += -O3
else
  CFLAGS += -O0
endif
ifeq ($(strip $(DEBUG)),yes)
  CFLAGS += -g
endif
ifeq ($(strip $(WERROR)),yes)
  CFLAGS += -Werror
endif
ifneq ($(strip $(SANITIZE)),)
  CFLAGS  += -g -fno-omit-frame-pointer -fsanitize=$(strip $(SANITIZE))
  LDFLAGS += -fsanitize=$(strip $(SANITIZE))
endif

HWLOC_CFLAGS := $(shell $(PKG_CONFIG) --cflags hwloc)
HWLOC_LIBS   := $(shell $(PKG_CONFIG) --libs hwloc)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check)
# Compressed inputs and archives (src/unpack.c): the decoders' own libraries (libdeflate for the
# BGZF blocks decoded in parallel), libarchive for tar and zip. libbz2 has no pkg-config file.
UNPACK_CFLAGS := $(shell $(PKG_CONFIG) --cflags zlib libdeflate libzstd liblzma libarchive)
UNPACK_LIBS   := $(shell $(PKG_CONFIG) --libs zlib libdeflate libzstd liblzma libarchive) -lbz2
CFLAGS += $(HWLOC_CFLAGS) $(UNPACK_CFLAGS)
LDLIBS += $(HWLOC_LIBS) $(UNPACK_LIBS)

# Sanitizer builds go to their own folder so they never mix with the normal objects.
BUILD := build$(if $(strip $(SANITIZE)),-san)

# ThreadSanitizer needs an instrumented OpenMP runtime: GCC's libgomp is not, and TSan reports its
# barriers and reductions as races (a clean `omp parallel for reduction` gives a warning). LLVM's
# libomp (libomp-14-dev) with its Archer tool (libarcher.so, loaded by libomp automatically when the
# program is built with TSan) tells TSan what OpenMP synchronises, so SANITIZE=thread builds with
# clang unless CC is set on the command line. ignore_noninstrumented_modules=1 is what Archer asks
# for: libomp and libhwloc themselves are not instrumented. Own folder: TSan and ASan objects differ.
comma := ,
ifneq ($(filter thread,$(subst $(comma), ,$(SANITIZE))),)
  ifeq ($(origin CC),default)
    CC := clang
  endif
  BUILD := build-tsan
  export TSAN_OPTIONS := ignore_noninstrumented_modules=1:halt_on_error=1 $(TSAN_OPTIONS)
endif

LIB_SRC := src/cli.c src/chunks.c src/count.c src/input.c src/kernel.c src/kernel_scalar.c \
           src/names.c src/plan.c src/progress.c src/run.c src/buildinfo.c src/quote.c \
           src/report.c src/stdfd.c src/topo.c src/unpack.c src/verify.c src/words.c \
           src/sweep.c src/vocab.c src/vocab_count.c src/vocab_run.c
# Vector kernels: target attributes inside; empty on other architectures.
LIB_SRC += src/kernel_avx2.c src/kernel_avx2_filter.c src/kernel_avx512.c src/kernel_vbmi.c \
           src/mapio.c
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
HEADERS := $(wildcard src/*.h)
TEST_SUITES := check_chunks check_kernel check_cli check_words check_verify
TEST_SUITES += check_sweep
TEST_SUITES += check_mapio
TEST_SUITES += check_count check_vocab
TEST_SUITES += check_quote
TEST_BIN := $(BUILD)/check_all

PROGRAM := $(if $(strip $(SANITIZE)),$(BUILD)/wordtally,wordtally)
GEN     := $(if $(strip $(SANITIZE)),$(BUILD)/wordtally-gen,wordtally-gen)

# ---- wordtally-mpi: `make mpi` builds the same sources with mpicc and -DWORDTALLY_MPI, plus
# src/ranks.c, into build-mpi/ (plain builds never see MPI headers) ----
MPI   ?= no
MPICC ?= mpicc
ifeq ($(strip $(MPI)),yes)
  CC      := $(MPICC)
  CFLAGS  += -DWORDTALLY_MPI
  BUILD   := build-mpi$(if $(strip $(SANITIZE)),-san)
  LIB_SRC += src/ranks.c
  LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
  TEST_BIN := $(BUILD)/check_all
  PROGRAM := $(if $(strip $(SANITIZE)),$(BUILD)/wordtally-mpi,wordtally-mpi)
endif

.PHONY: all run check check-unit check-integration clean corpus
all: $(PROGRAM)

$(BUILD)/%.o: src/%.c $(HEADERS) Makefile | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The release number lives in VERSION only; buildinfo.c is the one file that reads it.
VERSION := $(shell cat VERSION)
VERSION_FLAG := -DWORDTALLY_VERSION='"$(VERSION)"'
$(BUILD)/buildinfo.o: CFLAGS += $(VERSION_FLAG)
$(BUILD)/buildinfo.o: VERSION

$(BUILD)/tests/%.o: tests/%.c $(HEADERS) Makefile | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Isrc -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)/tests

$(PROGRAM): $(BUILD)/main.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ---- the corpus generator: big corpora with exact expected counts ----
$(GEN): $(BUILD)/corpus_gen.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lm

# Tests also run the VBMI kernel's code on SIMDe's portable AVX-512 (tests/emulated.h): machines
# without VBMI check it too.
EMULATED_OBJ := $(BUILD)/tests/kernel_vbmi_emulated.o
$(EMULATED_OBJ): src/kernel_vbmi.c $(HEADERS) Makefile | $(BUILD)
	$(CC) $(CFLAGS) -Wno-psabi -DKERNEL_VBMI_EMULATED -Isrc -c -o $@ $<

$(TEST_BIN): $(BUILD)/tests/check_all.o $(TEST_SUITES:%=$(BUILD)/tests/%.o) $(LIB_OBJ) $(EMULATED_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

# ---- the main job: a real 1 GB corpus, counted and verified against the oracle ----
CORPUS := data/gcide-1g.txt
corpus: $(CORPUS)
$(CORPUS): scripts/make-gcide-corpus.sh
	bash scripts/make-gcide-corpus.sh $@

run: $(PROGRAM) $(CORPUS)
	bash scripts/run-main-job.sh ./$(PROGRAM) $(CORPUS)

# ---- tests ----
check: check-unit check-integration

check-unit: $(TEST_BIN)
	CK_FORK=yes ./$(TEST_BIN)

check-integration: $(PROGRAM)
	python3 tests/integration.py ./$(PROGRAM)

# ---- the bad-input table (docs/bad-inputs.md): exit codes and messages, SPEC §4 ----
.PHONY: check-bad-inputs
check: check-bad-inputs
check-bad-inputs: $(PROGRAM)
	python3 tests/bad_inputs.py ./$(PROGRAM) $(if $(strip $(SANITIZE)),--no-rss-bound)

# ---- the CSV, JSON and -q outputs as scripts read them (tests/outputs.py) ----
.PHONY: check-outputs
check: check-outputs
check-outputs: $(PROGRAM)
	python3 tests/outputs.py ./$(PROGRAM)

# ---- the documentation: README size, no path outside the repository, links that resolve ----
.PHONY: check-docs
check: check-docs
check-docs:
	python3 tests/docs.py

# ---- inputs as users have them: sizes that lie (procfs, sysfs), many inputs (tests/inputs.py) ----
.PHONY: check-inputs
check: check-inputs
check-inputs: $(PROGRAM)
	python3 tests/inputs.py ./$(PROGRAM) $(if $(strip $(SANITIZE)),--no-rss-bound)

# ---- injected read faults: tests/fault_shim.c (LD_PRELOAD) driven by tests/faults.py ----
FAULT_SHIM := $(BUILD)/fault_shim.so
.PHONY: check-faults
check: check-faults
check-faults: $(PROGRAM) $(FAULT_SHIM)
	python3 tests/faults.py ./$(PROGRAM) $(FAULT_SHIM)

# No sanitizer flags: the shim only forwards to the next read/pread (a sanitizer's, then libc's).
$(FAULT_SHIM): tests/fault_shim.c Makefile | $(BUILD)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra $(if $(filter yes,$(strip $(WERROR))),-Werror) -O2 -shared -fPIC \
	    -o $@ $< -ldl

# ---- valgrind memcheck on the integration inputs (tests/memcheck.py) ----
.PHONY: memcheck
memcheck: $(PROGRAM)
	python3 tests/memcheck.py ./$(PROGRAM)

# ---- static analysis: both must be clean. clang-tidy's checks, and why some are left out, are in
# .clang-tidy; a single wrong finding is silenced where it is, with its reason (cppcheck-suppress,
# NOLINTNEXTLINE). selfAssignment in run.c: without MPI, ranks_combine(..., err, ...) is a macro that
# returns err, so `err = ranks_combine(...)` reads as err = err; it is real code in the MPI build.
# The same in vocab_run.c: ranks_vocab_file(err, ...) is err, and ranks_any(mismatch) is mismatch,
# so its check for a mismatch on another rank reads as dead code without MPI. ----
# Not linted here: src/ranks.c needs mpi.h (MPI=yes builds only); src/corpus_gen.c is the test-data
# generator, whose two findings are a deliberate literal split after a hex escape ("fa\xe7" "ade")
# and memory not freed on its exit path.
LINT_SRC := $(filter-out src/ranks.c src/corpus_gen.c,$(wildcard src/*.c)) $(wildcard tests/*.c) \
            tests/fuzz/fuzz_count.c
.PHONY: lint
lint:
	cppcheck --error-exitcode=1 --enable=warning,style,performance,portability --std=c11 --quiet \
	    --inline-suppr --suppress=missingIncludeSystem --suppress=selfAssignment:src/run.c \
	    --suppress=selfAssignment:src/vocab_run.c --suppress=oppositeInnerCondition:src/vocab_run.c \
	    -D_GNU_SOURCE $(VERSION_FLAG) -Isrc $(LINT_SRC)
	clang-tidy --quiet $(LINT_SRC) -- -std=c11 -D_GNU_SOURCE $(VERSION_FLAG) -fopenmp -Isrc -Itests \
	    $(HWLOC_CFLAGS) $(CHECK_CFLAGS)

# ---- differential fuzzing: tests/fuzz/fuzz_count.c checks every kernel (kernel_get) and the serial,
# parallel, verify, mmap and pipe paths against a simple reference tokenizer. `make fuzz` runs
# libFuzzer (clang, libclang-rt-14-dev) for FUZZ_SECONDS; an input that fails is written to
# tests/fuzz/regressions/, to be committed: `make check` replays those and the seeds with any
# compiler (-DFUZZ_REPLAY). ----
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_REPLAY  := $(BUILD)/fuzz_replay
FUZZ_INPUTS   = $(wildcard tests/fuzz/seeds/* tests/fuzz/regressions/*)
.PHONY: fuzz check-fuzz-replay
check: check-fuzz-replay
check-fuzz-replay: $(FUZZ_REPLAY)
	./$(FUZZ_REPLAY) $(FUZZ_INPUTS)

$(FUZZ_REPLAY): $(BUILD)/tests/fuzz_count.o $(LIB_OBJ) $(EMULATED_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/fuzz_count.o: tests/fuzz/fuzz_count.c $(HEADERS) Makefile | $(BUILD)
	$(CC) $(CFLAGS) -DFUZZ_REPLAY -Isrc -Itests -c -o $@ $<

FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fopenmp -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=all $(VERSION_FLAG) -Isrc -Itests $(HWLOC_CFLAGS)
build-fuzz/fuzz_count: tests/fuzz/fuzz_count.c $(LIB_SRC) $(HEADERS) Makefile
	mkdir -p build-fuzz/corpus
	$(FUZZ_CC) $(FUZZ_FLAGS) -DKERNEL_VBMI_EMULATED -c -o build-fuzz/kernel_vbmi_emulated.o \
	    src/kernel_vbmi.c
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_count.c $(LIB_SRC) \
	    build-fuzz/kernel_vbmi_emulated.o $(HWLOC_LIBS) $(UNPACK_LIBS)

fuzz: build-fuzz/fuzz_count
	./build-fuzz/fuzz_count -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=30 \
	    -artifact_prefix=tests/fuzz/regressions/ -print_final_stats=1 build-fuzz/corpus tests/fuzz/seeds

clean: clean-fuzz
clean-fuzz:
	rm -rf build-fuzz

.PHONY: clean-tsan
clean: clean-tsan
clean-tsan:
	rm -rf build-tsan

clean:
	rm -rf build build-san wordtally

# ---- MPI + OpenMP (docs/HPC.md) ----
.PHONY: mpi check-mpi clean-mpi
mpi:
	$(MAKE) MPI=yes

check-mpi: mpi
	python3 tests/mpi_integration.py ./wordtally-mpi

clean: clean-mpi
clean-mpi:
	rm -rf build-mpi build-mpi-san wordtally-mpi

# make lint leaves out src/ranks.c (it needs mpi.h): this lints it with mpicc's include flags.
.PHONY: lint-mpi
lint-mpi:
	cppcheck --error-exitcode=1 --enable=warning,style,performance,portability --std=c11 --quiet \
	    --inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE -DWORDTALLY_MPI -Isrc src/ranks.c
	clang-tidy --quiet src/ranks.c -- -std=c11 -D_GNU_SOURCE -DWORDTALLY_MPI -fopenmp -Isrc \
	    $(shell $(MPICC) --showme:compile) $(HWLOC_CFLAGS)

# ---- HPC workflow: --sweep, --repeat, --topology, job scripts, scaling plot ----
.PHONY: check-hpc
check: check-hpc
check-hpc: $(PROGRAM) $(GEN) $(FAULT_SHIM)
	python3 tests/hpc.py ./$(PROGRAM) ./$(GEN) $(FAULT_SHIM)

# ---- scale and I/O: the corpus generator; generator vs oracle, memory bound, changed
# files, per-chunk (tests/scale.py) ----
ifneq ($(strip $(MPI)),yes)
all: $(GEN)
endif
.PHONY: check-scale clean-gen
check: check-scale
check-scale: $(PROGRAM) $(GEN)
	python3 tests/scale.py ./$(PROGRAM) ./$(GEN) $(if $(strip $(SANITIZE)),--no-rss-bound)

clean: clean-gen
clean-gen:
	rm -f wordtally-gen

# ---- make bench: wordtally per mode and word list against the pread+sum probe and, when FASTLWC
# and FASTLWC_MT name binaries of that public wc built by the user, fastlwc (scripts/bench.py) ----
.PHONY: bench
PREADSUM := $(BUILD)/preadsum
# A local probe, built for this machine's widest loads (it is never installed or shipped).
$(PREADSUM): scripts/preadsum.c | $(BUILD)
	$(CC) -O3 -march=native -fopenmp -Wall -Wextra -o $@ $<
bench: $(PROGRAM) $(CORPUS) $(PREADSUM)
	python3 scripts/bench.py ./$(PROGRAM) $(CORPUS) $(PREADSUM) data/bench.csv

# ---- cold/warm page-cache benchmark against cat (not a test: timings only) ----
BENCH_IO_FILE ?= data/gen-2g.txt
.PHONY: bench-io
bench-io: $(PROGRAM) $(BENCH_IO_FILE)
	python3 scripts/bench-io.py --warm --rounds 3 --wordtally ./$(PROGRAM) $(BENCH_IO_FILE)
data/gen-2g.txt: | $(GEN)
	./$(GEN) -s 1 2G $@

# ---- make kernel-bench: every kernel alone on real text (each 256 KiB block counted once, after
# an untimed copy), and pread alone and pread + sum (CPU time); KERNEL_BENCH_ARGS for others ----
KERNEL_BENCH_ARGS ?= all $(CORPUS)
.PHONY: kernel-bench
kernel-bench: $(BUILD)/kernel-bench $(CORPUS)
	./$(BUILD)/kernel-bench $(KERNEL_BENCH_ARGS)
$(BUILD)/kernel-bench: scripts/kernel-bench.c $(LIB_OBJ) $(HEADERS)
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(LIB_OBJ) $(LDLIBS)

# ---- every long option in --help, the man page and the bash completion; VERSION agrees with
# --version and CHANGELOG.md (tests/documented.py) ----
.PHONY: check-documented
check: check-documented
check-documented: $(PROGRAM) $(GEN)
	python3 tests/documented.py ./$(PROGRAM) ./$(GEN)

# ---- install: the directory variables of the GNU coding standards; DESTDIR for staged installs
# (packages). wordtally-mpi is installed too once `make mpi` has built it. ----
PREFIX        ?= /usr/local
BINDIR        ?= $(PREFIX)/bin
MANDIR        ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL       ?= install
MPI_BUILT      = $(wildcard wordtally-mpi)

.PHONY: install uninstall check-install
# A wordtally-mpi from an earlier `make mpi` is brought up to date before it is installed.
install: wordtally wordtally-gen $(if $(MPI_BUILT),mpi)
	$(INSTALL) -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(MANDIR)/man1' '$(DESTDIR)$(COMPLETIONDIR)'
	$(INSTALL) -m 755 wordtally wordtally-gen $(MPI_BUILT) '$(DESTDIR)$(BINDIR)'
	$(INSTALL) -m 644 man/wordtally.1 man/wordtally-gen.1 '$(DESTDIR)$(MANDIR)/man1'
	$(INSTALL) -m 644 completion/wordtally.bash '$(DESTDIR)$(COMPLETIONDIR)/wordtally'
	ln -sf wordtally '$(DESTDIR)$(COMPLETIONDIR)/wordtally-gen'
ifneq ($(MPI_BUILT),)
	ln -sf wordtally '$(DESTDIR)$(COMPLETIONDIR)/wordtally-mpi'
	echo '.so man1/wordtally.1' > '$(DESTDIR)$(MANDIR)/man1/wordtally-mpi.1'
endif

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/wordtally' '$(DESTDIR)$(BINDIR)/wordtally-gen' \
	    '$(DESTDIR)$(BINDIR)/wordtally-mpi' '$(DESTDIR)$(MANDIR)/man1/wordtally.1' \
	    '$(DESTDIR)$(MANDIR)/man1/wordtally-gen.1' '$(DESTDIR)$(MANDIR)/man1/wordtally-mpi.1' \
	    '$(DESTDIR)$(COMPLETIONDIR)/wordtally' '$(DESTDIR)$(COMPLETIONDIR)/wordtally-gen' \
	    '$(DESTDIR)$(COMPLETIONDIR)/wordtally-mpi'

# A staged install into build/, the installed programs run, the man pages rendered and linted,
# then uninstall must leave no file behind (tests/install.py).
check-install: wordtally wordtally-gen
	python3 tests/install.py $(CURDIR)/$(BUILD)/staged-install

# ---- the Debian package: built with dpkg-buildpackage from a copy (build/deb), installed with apt,
# run and purged (scripts/check-deb.sh; root, scripts/install-deps.sh --all) ----
.PHONY: check-deb
check-deb:
	bash scripts/check-deb.sh $(CURDIR)/build/deb

# ---- the README's two quick-start commands in fresh minimal Debian 12 roots, in either order
# (scripts/fresh-root.sh; root, mmdebstrap, the network to this machine's Debian mirror) ----
.PHONY: check-fresh-root
check-fresh-root:
	bash scripts/fresh-root.sh

# ---- --top and --vocab against collections.Counter (tests/vocab.py; VOCAB_BIG=yes adds gcide x1);
# make bench-vocab: against Counter and tr | sort | uniq -c, and a vocabulary over --max-memory ----
.PHONY: check-vocab
check: check-vocab
check-vocab: $(PROGRAM) $(GEN)
	python3 tests/vocab.py ./$(PROGRAM) ./$(GEN) $(if $(filter yes,$(strip $(VOCAB_BIG))),--big) \
	    $(if $(strip $(SANITIZE)),--no-rss-bound)

.PHONY: bench-vocab
bench-vocab: $(PROGRAM) $(CORPUS)
	python3 scripts/bench-vocab.py ./$(PROGRAM) $(CORPUS)

# ---- make bench-inputs: compressed files and archives against their own decompressors in a pipe,
# many small files against one file (scripts/bench-inputs.py; the files it makes are kept in
# /tmp/wordtally-bench-inputs); BENCH_INPUTS_ARGS e.g. --quick, --rounds 1, --formats gzip,zip.
# check-bench-inputs: the script itself, on a small generated text, and a count that differs
# failing it (exit 1); only with gzip and tar, which every Debian has (make check runs it after the
# base scripts/install-deps.sh, without --all) ----
BENCH_INPUTS_ARGS ?=
BENCH_INPUTS_TEST := $(BUILD)/bench-inputs-test
.PHONY: bench-inputs check-bench-inputs
bench-inputs: $(PROGRAM)
	python3 scripts/bench-inputs.py --wordtally ./$(PROGRAM) --corpus $(CORPUS) $(BENCH_INPUTS_ARGS)
check: check-bench-inputs
check-bench-inputs: $(PROGRAM) $(GEN)
	rm -rf $(BENCH_INPUTS_TEST) && mkdir -p $(BENCH_INPUTS_TEST)
	./$(GEN) -s 5 3M $(BENCH_INPUTS_TEST)/t.txt > /dev/null
	python3 scripts/bench-inputs.py --wordtally ./$(PROGRAM) --corpus $(BENCH_INPUTS_TEST)/t.txt \
	    --work $(BENCH_INPUTS_TEST) --csv $(BENCH_INPUTS_TEST)/t.csv --quick --rounds 1 \
	    --formats gzip,tar.gz > $(BENCH_INPUTS_TEST)/out.md
	grep -q '^| gzip -9 |.*| equal |$$' $(BENCH_INPUTS_TEST)/out.md
	grep -q '^| tar.gz of the small files |.*| equal |$$' $(BENCH_INPUTS_TEST)/out.md
	grep -q '^many,-r DIR,.*,equal' $(BENCH_INPUTS_TEST)/t.csv
	echo dog | gzip > $(BENCH_INPUTS_TEST)/t.txt-3145728/t.txt.gz
	python3 scripts/bench-inputs.py --wordtally ./$(PROGRAM) --corpus $(BENCH_INPUTS_TEST)/t.txt \
	    --work $(BENCH_INPUTS_TEST) --csv $(BENCH_INPUTS_TEST)/t.csv --rounds 1 --formats gzip \
	    > $(BENCH_INPUTS_TEST)/fail.md 2>&1; test $$? -eq 1
	grep -q '^bench-inputs: FAILED: gzip: .wordtally -q .* counted 1 0 0 0, the plain text ' \
	    $(BENCH_INPUTS_TEST)/fail.md
	@echo 'check-bench-inputs: passed'

# ---- the Spack package through a stand-in for Spack's package API (tests/spack_package.py) ----
.PHONY: check-spack-package
check: check-spack-package
check-spack-package:
	python3 tests/spack_package.py

# ---- the job scripts under a real single-node Slurm (tests/slurm.py; root, Debian's slurm-wlm) ----
.PHONY: check-slurm
check-slurm: $(PROGRAM) $(GEN) $(FAULT_SHIM)
	python3 tests/slurm.py ./$(PROGRAM) ./$(GEN) $(FAULT_SHIM)
