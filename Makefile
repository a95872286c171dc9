# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# make            build BPF objects, skeletons and build/xdpshake
# make deps       install what a fresh Debian machine lacks, mount bpffs
# make test       unit, BPF_PROG_TEST_RUN and netns integration tests
# make demo       a handshake in namespaces it creates itself
# make vmlinux    regenerate vmlinux.h from this kernel's BTF
# make fuzz-bpf   the BPF programs' mutation fuzzer for FUZZ_SECONDS
# make bench      xdpshake against the kernel, masscan and the machine's
#                 own AF_XDP limit, as ratios from one run
# make bench-profile  where the time goes (perf, BPF run times)
# make install    binary, man pages, bash completion (PREFIX, DESTDIR)
# make uninstall  remove exactly what make install put there
# V=1             show full commands

CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc
PKG_CONFIG ?= pkg-config
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

# What --version says: VERSION, the commit (git describe, "unknown" outside
# a git checkout), and libxdp's version as pkg-config saw it, for when the
# loaded library cannot tell (libxdp has no version call).
VERSION := 0.1.0
GIT_COMMIT := $(shell [ -e .git ] && git describe --always --dirty 2>/dev/null || echo unknown)
LIBXDP_VERSION := $(shell $(PKG_CONFIG) --modversion libxdp 2>/dev/null || echo unknown)
# Man page dates from the last commit (reproducible), else the build's day.
SOURCE_DATE_EPOCH ?= $(shell [ -e .git ] && git log -1 --format=%ct 2>/dev/null)

# make install: the binary goes to sbin, as xdp-tools and bpftool do (it
# needs CAP_NET_ADMIN and CAP_BPF: an administrator's tool).
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL ?= install

BUILD := build
CFLAGS ?= -O2 -g
XS_CFLAGS := $(CFLAGS) -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Iinclude -I$(BUILD) -MMD -MP -D_GNU_SOURCE
# user/ by layer: each sees only its own headers and those below it, so an
# upward include does not compile (core < sys < engine < cmd).
INC_core := -Iuser/core
INC_sys := $(INC_core) -Iuser/sys
INC_engine := $(INC_sys) -Iuser/engine
INC_cmd := $(INC_engine) -Iuser/cmd
LAYERS := core sys engine cmd
layer_inc = $(INC_$(notdir $(patsubst %/,%,$(dir $(1)))))
LIBS := $(shell $(PKG_CONFIG) --libs libxdp libbpf libmnl 2>/dev/null || \
	echo -lxdp -lbpf -lelf -lz -lmnl) -lpcap -lpthread
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-Iinclude -I. -MMD -MP

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

USER_SRCS := $(wildcard $(LAYERS:%=user/%/*.c))
USER_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS))
MAIN_OBJ := $(BUILD)/user/cmd/main.o
# One archive per layer, linked top to bottom: a program pulls in only the
# objects it uses (a unit test of core links no BPF loader).
LAYER_LIBS := $(patsubst %,$(BUILD)/libxs-%.a,cmd engine sys core)
LIB_OBJS := $(LAYER_LIBS)
ALL_INC := $(INC_cmd)

TEST_SRCS := $(wildcard tests/unit/*.c tests/bpf/*.c)
TEST_BINS := $(patsubst %.c,$(BUILD)/tests/%,$(notdir $(TEST_SRCS)))
# The unit tests again under ASan, UBSan and LeakSanitizer.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
UNIT_SRCS := $(wildcard tests/unit/*.c)
ASAN_BINS := $(patsubst tests/unit/%.c,$(BUILD)/asan/tests/%,$(UNIT_SRCS))
ASAN_LIB_OBJS := $(patsubst $(BUILD)/%,$(BUILD)/asan/%,$(LAYER_LIBS))

# libFuzzer target over the frame parser and printers (clang only).
FUZZ_OBJS := $(BUILD)/fuzz/packet.o $(BUILD)/fuzz/icmp.o $(BUILD)/fuzz/logfmt.o $(BUILD)/fuzz/json.o \
	$(BUILD)/fuzz/validate.o $(BUILD)/fuzz/addr.o $(BUILD)/fuzz/parse.o
FUZZ_SECONDS ?= 60

# make bench: its own programs (kernel-stack client and server, XDP counters,
# sink and reflector, the AF_XDP blaster).
BENCH_BPF_OBJS := $(patsubst tests/bench/%.bpf.c,$(BUILD)/bench/%.bpf.o,$(wildcard tests/bench/*.bpf.c))
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(filter-out %.bpf.c,$(wildcard tests/bench/*.c)))

HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(HELPER_SRCS))

.DELETE_ON_ERROR:
# Objects built through pattern chains (sanitizer, fuzz) are kept.
.SECONDARY:
.PHONY: all deps test demo vmlinux clean test-bins format fuzz fuzz-bpf bench man \
	bench-profile \
	completion install uninstall FORCE

all: $(BUILD)/xdpshake man completion

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c vmlinux.h | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

# Every user object may include any skeleton: build them all first.
$(BUILD)/user/%.o: user/%.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(XS_CFLAGS) $(call layer_inc,$<) -c $< -o $@

# $(1): layer, $(2): build folder ($(BUILD) or $(BUILD)/asan)
define layer_lib
$(2)/libxs-$(1).a: $(filter-out $(2)/user/cmd/main.o,$(patsubst user/%.c,$(2)/user/%.o,$(wildcard user/$(1)/*.c)))
	$$(call msg,AR,$$@)
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_lib,$(l),$(BUILD))))
$(foreach l,$(LAYERS),$(eval $(call layer_lib,$(l),$(BUILD)/asan)))

# Linked beside and renamed into place: a test running the binary while
# a `make install` (t_install) relinks it never finds it half-written.
$(BUILD)/xdpshake: $(MAIN_OBJ) $(LAYER_LIBS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(XS_CFLAGS) $^ $(LIBS) -o $@.tmp && mv -f $@.tmp $@

# Rewritten only when a value changed, so that a build without changes
# relinks nothing.
$(BUILD)/version_build.h: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)printf '#define XS_BUILD_VERSION "%s"\n#define XS_BUILD_COMMIT "%s"\n#define XS_BUILD_LIBXDP "%s"\n' \
		'$(VERSION)' '$(GIT_COMMIT)' '$(LIBXDP_VERSION)' > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/user/cmd/version.o $(BUILD)/asan/user/cmd/version.o: $(BUILD)/version_build.h

# Man pages and completion come from the option tables, through the
# binary's hidden __man and __complete commands, with the hand-written
# sections of doc/*.mdoc (doc.h).
MAN_DIR := $(BUILD)/man
$(MAN_DIR)/.stamp: $(BUILD)/xdpshake $(wildcard doc/*.mdoc) | $(MAN_DIR)
	$(call msg,MAN,$(MAN_DIR))
	$(Q)rm -f $(MAN_DIR)/*.8
	$(Q)$(if $(SOURCE_DATE_EPOCH),SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH)) \
		$(BUILD)/xdpshake __man --dir $(MAN_DIR) doc
	$(Q)touch $@

$(BUILD)/completion/xdpshake: $(BUILD)/xdpshake | $(BUILD)/completion
	$(call msg,GEN,$@)
	$(Q)$(BUILD)/xdpshake __complete bash > $@

man: $(MAN_DIR)/.stamp
completion: $(BUILD)/completion/xdpshake

install: all
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0755 $(BUILD)/xdpshake $(DESTDIR)$(SBINDIR)/xdpshake
	$(INSTALL) -m 0644 $(MAN_DIR)/*.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 $(BUILD)/completion/xdpshake \
		$(DESTDIR)$(BASHCOMPDIR)/xdpshake

# The page names from the same build: no list kept by hand.
uninstall: man
	rm -f $(DESTDIR)$(SBINDIR)/xdpshake $(DESTDIR)$(BASHCOMPDIR)/xdpshake
	for f in $(MAN_DIR)/*.8; do rm -f "$(DESTDIR)$(MANDIR)/man8/$${f##*/}"; done

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(XS_CFLAGS) $(ALL_INC) -Itests $< $(LIB_OBJS) $(LIBS) -o $@

$(BUILD)/tests/%: tests/bpf/%.c $(LIB_OBJS) $(BPF_OBJS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(XS_CFLAGS) $(ALL_INC) -Itests $< $(LIB_OBJS) $(LIBS) -o $@

$(BUILD)/tests/helpers/%: tests/helpers/%.c | $(BUILD)/tests/helpers
	$(call msg,CC,$@)
	$(Q)$(CC) $(XS_CFLAGS) $< -lpthread -o $@

$(BUILD)/asan/user/%.o: user/%.c | $(SKELS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(XS_CFLAGS) $(SAN_FLAGS) $(call layer_inc,$<) -c $< -o $@

$(BUILD)/asan/tests/%: tests/unit/%.c $(ASAN_LIB_OBJS) | $(BUILD)/asan/tests
	$(call msg,CC-SAN,$@)
	$(Q)$(CC) $(XS_CFLAGS) $(SAN_FLAGS) $(ALL_INC) -Itests $< $(ASAN_LIB_OBJS) $(LIBS) -o $@

$(BUILD)/fuzz/%.o: user/core/%.c | $(BUILD)/fuzz
	$(call msg,CC-FUZZ,$@)
	$(Q)$(CLANG) $(XS_CFLAGS) $(INC_core) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

$(BUILD)/fuzz/fuzz_parse: tests/fuzz/fuzz_parse.c $(FUZZ_OBJS) | $(BUILD)/fuzz
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(XS_CFLAGS) $(INC_core) -fsanitize=fuzzer,address,undefined $(filter %.c %.o,$^) -o $@

$(BUILD)/fuzz/mkseeds: tests/fuzz/mkseeds.c tests/bpf/frames6.h tests/hostile/cases.h \
		$(BUILD)/user/core/packet.o | $(BUILD)/fuzz
	$(Q)$(CC) $(XS_CFLAGS) $(INC_core) -Itests $(filter %.c %.o,$^) -o $@

$(BUILD)/bench/%.bpf.o: tests/bench/%.bpf.c vmlinux.h | $(BUILD)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/%: tests/bench/%.c $(LIB_OBJS) | $(BUILD)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(XS_CFLAGS) $(ALL_INC) -Itests $< $(LIB_OBJS) $(LIBS) -o $@

# Long runs live here, never in make test: figures are ratios against
# baselines measured in the same run.
bench: deps all $(HELPER_BINS) $(BENCH_BPF_OBJS) $(BENCH_BINS)
	$(Q)tests/bench/bench.sh

# The top costs (perf record -a -g, BPF programs' run_time_ns) of the
# ceiling, a SYN-only scan against xdpshake listen and connect --count.
BENCH_PROFILE_PHASES ?= limit_afxdp rscan_xdp connect_xdp
bench-profile: deps all $(HELPER_BINS) $(BENCH_BPF_OBJS) $(BENCH_BINS)
	$(Q)BENCH_PROFILE=1 BENCH_RUNS=1 BENCH_ONLY='$(BENCH_PROFILE_PHASES)' \
		tests/bench/bench.sh

$(BUILD)/bpf $(BUILD)/tests $(BUILD)/tests/helpers $(BUILD)/bench \
$(BUILD)/asan/tests $(BUILD)/fuzz $(MAN_DIR) $(BUILD)/completion:
	$(Q)mkdir -p $@

# The bench's programs are built too, so a change that breaks them fails
# make test, not the next make bench.
test-bins: all $(TEST_BINS) $(HELPER_BINS) $(ASAN_BINS) \
	$(BUILD)/fuzz/fuzz_parse $(BUILD)/fuzz/mkseeds \
	$(BENCH_BINS) $(BENCH_BPF_OBJS)

# make fuzz [FUZZ_SECONDS=N]: a bounded libFuzzer run from the seed corpus;
# the corpus grows in build/fuzz/corpus across runs.
fuzz: $(BUILD)/fuzz/fuzz_parse $(BUILD)/fuzz/mkseeds
	$(Q)mkdir -p $(BUILD)/fuzz/corpus && $(BUILD)/fuzz/mkseeds $(BUILD)/fuzz/corpus
	$(BUILD)/fuzz/fuzz_parse -max_total_time=$(FUZZ_SECONDS) -max_len=2048 \
		-print_final_stats=1 $(BUILD)/fuzz/corpus

# make fuzz-bpf [FUZZ_SECONDS=N] [FUZZ_SEED=S]: the mutation fuzzer of the
# compiled BPF programs (tests/bpf/test_fuzz_bpf.c, as root: a network
# namespace of its own) for N seconds; make test runs 200000 frames of it.
fuzz-bpf: $(BUILD)/tests/test_fuzz_bpf
	XS_FUZZ_SECONDS=$(FUZZ_SECONDS) $(if $(FUZZ_SEED),XS_FUZZ_SEED=$(FUZZ_SEED)) \
		$(BUILD)/tests/test_fuzz_bpf

test: test-bins
	$(Q)tests/run.sh

demo: deps all $(HELPER_BINS)
	$(Q)tests/demo.sh

deps:
	$(Q).ci/deps.sh

# vmlinux.h is generated, never edited: from the running kernel's BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h

format:
	clang-format -i $(wildcard bpf/*.c bpf/*.h user/*/*.c user/*/*.h include/*.h tests/*/*.c tests/*.h)

clean:
	rm -rf $(BUILD)

-include $(wildcard $(BUILD)/*.d $(BUILD)/*/*.d $(BUILD)/*/*/*.d $(BUILD)/*/*/*/*.d)
