#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# make bench: xdpshake against what users would otherwise run, every figure
# measured in this run, on the same veth, on this machine.
#
#   cli  10.77.0.1 xsc0 <--veth--> xss0 10.77.0.2  srv
#                                   + 10.192.0.0/12 answered by srv (AnyIP)
#        fd00:77::1                      fd00:77::2
#                                   + fd00:77:1::/112 answered by srv (AnyIP)
#
# Phases (each starts the instruments it needs and stops them after):
#   limit_afxdp      the ceiling: blaster (TX-only AF_XDP, prebuilt SYNs of
#                    the scan's 74 bytes, a socket a queue) -> XDP sink at
#                    the server: the most frames/s AF_XDP puts through
#   limit_xdptx      blaster -> XDP reflector at the server (XDP_TX, MACs
#                    swapped) -> XDP sink on our side: frames/s bounced
#   connect_kernel   kclient -> kserver (kernel listener)         baseline
#   connect_xdp      xdpshake connect --count -> kserver
#   connect_pass     the same with an XDP pass program on the server's
#                    veth, as connect_fast needs: the fast path's fair
#                    comparison (the veth copies every frame it receives
#                    once a program is on it, work the sender is charged)
#   scan_masscan     masscan BLOCK at its top rate                 baseline
#   scan_xdp         xdpshake scan --syn-only BLOCK
#   scan_fast        the same with --fast-path (XDP_TX answers the
#                    SYN-ACKs); connect_fast, rscan_fast, rss_fast_big,
#                    first_syn_fast_24 likewise beside their normal rows
#   rss_big/small    xdpshake scan of a /12 (1M targets) and a /24: peak RSS
#   rscan_masscan    scan_masscan and scan_xdp again against `xdpshake
#   rscan_xdp        listen --addr BLOCK` (every SYN to the block answered
#                    in XDP, timed there): the scanners' own rates
#   resp_kernel      BENCH_KCLIENTS kclients -> xdpshake listen
#   resp_xdp         xdpshake connect --count -> xdpshake listen
#   floor_afxdp      blaster (AF_XDP copy mode, as connect's frames) -> an
#                    XDP sink at the server, threaded NAPI as below: the
#                    server veth's CPU per client frame with a program
#                    that does nothing, what every server with an XDP
#                    program on that veth pays (the frame's copy into a
#                    page-pool page, its skb, the sender's TX completion)
#   ksrv_kernel      the kclients -> kserver, syncookies forced   baseline
#   ksrv_xdp         xdpshake connect --count -> the same         baseline
#   ksrv_fast        the same with --fast-path.  With the ksrv_kernel
#                    row: each client's own CPU a handshake (its process
#                    and its veth's kthreads) while the server's receive
#                    runs apart, in the server veth's kthreads
#   prot_kernel      the kclients -> kserver behind listen --protect
#   prot_xdp         xdpshake connect --count -> the same
#   prot_flood       the kclients -> kserver behind listen --protect,
#                    during a SYN flood (xsflood) at its port
#   ksrv_flood       the same flood and clients, kserver with syncookies
#                    forced                                       baseline
#                    (listen, alone or protecting kserver, against the
#                    kernel listener, same clients.  In these phases both
#                    veth ends run threaded NAPI, so the server's receive
#                    work (its XDP program, its kernel's TCP stack) runs in
#                    the server veth's own kthreads instead of the
#                    sender's softirq: server CPU = those kthreads + the
#                    server's processes, from /proc/PID/schedstat)
#   first_syn_24/8/0 xdpshake scan of a /24, a /8 and 0.0.0.0/0 (default
#                    exclude) after `xdpshake load`: from its start to its
#                    first SYN at the server's veth
#   first_syn_run_24 the /24 again without a load: the scan attaches (and
#                    verifies) the BPF programs for its run first
#   connect6_kernel  kclient -> kserver over IPv6 (fd00:77::1 -> ::2)
#   connect6_xdp     xdpshake connect --count -> kserver over IPv6
#   scan6_masscan    masscan BLOCK6 (an IPv6 /112, AnyIP at the server)
#   scan6_xdp        xdpshake scan --syn-only BLOCK6: the same veth and
#                    kernel listener as their IPv4 rows, ratios beside
#                    theirs
#   *_q1             limit_*, scan_* and rscan_* again with one queue a
#                    side (when BENCH_QUEUES > 1): the scaling factor;
#                    masscan's and the reflection's (no target reads
#                    them) run once, the rest BENCH_RUNS times
#
# Instruments: runstat (CPU seconds and peak RSS of each client, from
# wait4; of all the kclients together in the listen phases), kserver's
# accept count, the TC egress counter of the server's SYN-ACKs
# (resp_tc_synack), the XDP SYN/RST counter on the server side during
# scans (responder --count-only), xdpshake listen's own counters and
# times: the SYNs it answered and the RSTs that came back, their first
# and last (rscan_*), its valid final ACKs (resp_*); /proc/stat for the
# whole machine.  tests/bench/report.py turns the
# files into the table and build/bench/results.json.
#
# Every phase but rss_* runs BENCH_RUNS times (3), the two sides of a
# comparison alternating, and the table shows medians.
#
# Knobs (environment): BENCH_RUNS (3), BENCH_SECS (5) per connect run,
# BENCH_CONC (256) connects in flight for both clients, BENCH_BLOCK (10.200.0.0/14) scanned by
# both scanners, BENCH_BLOCK6 (fd00:77:1::/112) their IPv6 block, BENCH_SCAN_RATE (0: no limit) for xdpshake scan,
# BENCH_MASSCAN_RATE (10000000), BENCH_QUEUES (one per CPU, as a multi-queue
# NIC has) RX/TX queues on both veth ends, BENCH_KCLIENTS (one per CPU)
# kclient processes at once in the listen, ksrv and prot phases (each
# BENCH_CONC in flight), BENCH_RESULTS
# (build/bench/results.json), BENCH_ONLY (shell patterns of the phases to
# run, e.g. 'scan_* rscan_*'; default all), BENCH_LIMIT_SECS (2) per
# blaster run, BENCH_PROFILE (0; 1: profile the runs instead, see
# profile_start: `make bench-profile`), BENCH_WIRE (0; 1: the veth is two,
# joined by a patch cable in a third namespace, see topo_wire).
#
# Only the two namespaces created here (three with BENCH_WIRE=1) are
# touched (deleted by the EXIT trap); traffic stays on their veth.  Every wait is bounded; the whole
# run takes 6-9 minutes with the defaults.
. "$(dirname "$0")/../integration/lib.sh"

# Not a test: say what went wrong plainly, no PASS/FAIL lines; lib.sh's
# helpers call xs_done only after a failure.
fail() { echo "bench: $1: ${*:2}" >&2; }
xs_done() { exit 1; }

BENCH_BIN=$XS_ROOT/build/bench
BENCH_DIR=$XS_ROOT/tests/bench
RESULTS=$(realpath -m "${BENCH_RESULTS:-$BENCH_BIN/results.json}")
RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SECS:-5}
CONC=${BENCH_CONC:-256}
BLOCK=${BENCH_BLOCK:-10.200.0.0/14}
BIG=10.192.0.0/12
SMALL=10.200.1.0/24
SCAN_RATE=${BENCH_SCAN_RATE:-0}
MASSCAN_RATE=${BENCH_MASSCAN_RATE:-10000000}
QUEUES=${BENCH_QUEUES:-$(nproc)}
LIMIT_SECS=${BENCH_LIMIT_SECS:-2}
PROFILE=${BENCH_PROFILE:-0}
WIRE=${BENCH_WIRE:-0}
WIRE_NS=
PORT=8080       # kserver, and the port every scan probes
RPORT=9090      # xdpshake listen (the rscan_* and resp_* phases)
MASSCAN_IP=10.77.0.9 # masscan's own source address, unknown to the kernel
CLI6=fd00:77::1
SRV6=fd00:77::2
BLOCK6=${BENCH_BLOCK6:-fd00:77:1::/112}
MASSCAN_IP6=fd00:77::9
# Generous bound for one client run; runstat stops it (SIGINT) after this.
RUN_LIMIT=$((SECS * 3 + 60))
KCLIENTS=${BENCH_KCLIENTS:-$(nproc)}
FLOOD=$XS_ROOT/build/tests/helpers/xsflood

say() { printf '%s\n' "$*" >&2; }

need() {
	local f
	for f in blaster kclient kserver responder runstat responder.bpf.o \
		wire.bpf.o; do
		if [ ! -e "$BENCH_BIN/$f" ]; then
			say "bench: $BENCH_BIN/$f is missing: run 'make bench'"
			exit 1
		fi
	done
	if ! mountpoint -q /sys/fs/bpf; then
		say "bench: bpffs is not mounted at /sys/fs/bpf: run 'make deps'"
		exit 1
	fi
}

# xdpshake's load-test and scan commands, if this build has them.
HAVE_CONNECT=0
HAVE_SCAN=0
HAVE_FAST=0
probe_xdpshake() {
	[ -x "$XS_BIN" ] || return 0
	"$XS_BIN" connect -h 2>&1 | grep -q -- '--count' && HAVE_CONNECT=1
	"$XS_BIN" scan -h >/dev/null 2>&1 && HAVE_SCAN=1
	"$XS_BIN" scan -h 2>&1 | grep -q -- '--fast-path' && HAVE_FAST=1
	[ "$HAVE_FAST" = 1 ] || say "bench: xdpshake has no --fast-path: its rows are n/a"
	[ "$HAVE_CONNECT" = 1 ] || say "bench: xdpshake connect --count not built: its rows are n/a"
	[ "$HAVE_SCAN" = 1 ] || say "bench: xdpshake scan not built: its rows are n/a"
}

# masscan from Debian; installed if missing (never in CI).
HAVE_MASSCAN=0
MASSCAN=masscan
ensure_masscan() {
	if ! command -v masscan >/dev/null 2>&1; then
		say "bench: masscan is not installed: apt-get install -y masscan"
		DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q masscan >&2 ||
			{ timeout 120 apt-get update -q >&2 &&
			  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q masscan >&2; }
	fi
	if command -v masscan >/dev/null 2>&1; then
		HAVE_MASSCAN=1
		MASSCAN=$(command -v masscan)
	else
		say "bench: masscan could not be installed: SKIPPING the masscan figures (n/a)"
	fi
}

# ------------------------------------------------------------ instruments

# lines_gt FILE N: FILE has more than N lines.
lines_gt() { [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -gt "$2" ]; }

# inst_start NAME READY_SECONDS COMMAND...: a background instrument whose
# stdout goes to $PH/NAME.out; waits (bounded) for $PH/NAME.ready, which
# the command must create (--ready).  Sets INST_PID.
inst_start() {
	local name=$1 secs=$2
	shift 2
	"$@" >"$PH/$name.out" 2>"$PH/$name.err" &
	INST_PID=$!
	XS_BG_PIDS+=("$INST_PID")
	if ! xs_wait_for "$secs" test -e "$PH/$name.ready"; then
		say "bench: $name did not start: $(head -c 300 "$PH/$name.err")"
		exit 1
	fi
}

# inst_stop PID NAME: SIGINT, wait (bounded) for its final JSON line.
inst_stop() {
	kill -INT "$1" 2>/dev/null
	xs_wait_pid "$1" 10
	grep '"event":"final"' "$PH/$2.out" | tail -n 1 >"$PH/$2.json"
}

# The machine's CPU line and the server namespace's TCP counters; in a
# phase with threaded NAPI (napi_threaded), the server's CPU time too.
snapshot() {
	grep '^cpu ' /proc/stat >"$PH/cpu.$1"
	ip netns exec "$SRV_NS" cat /proc/net/snmp /proc/net/netstat >"$PH/snmp.$1" 2>/dev/null
	if [ -e "$PH/napi.srv" ]; then
		srv_cpu "$1"
		# Frames either veth end dropped (a receiver's ring full).
		{ ip -n "$SRV_NS" -s -j link show dev "$SRV_IF"
		  ip -n "$CLI_NS" -s -j link show dev "$CLI_IF"; } >"$PH/link.$1"
	fi
	return 0
}

# napi_pids IF: the NAPI kthreads of interfaces named IF (any namespace).
napi_pids() {
	ps -eo pid=,comm= | awk -v p="napi/$1-" 'index($2, p) == 1 { print $1 }' |
		sort
}

# napi_threaded 1|0: threaded NAPI on both veth ends, which NAPI on (an
# XDP program attached) each needs first.  On a same-host veth the
# receiver's work otherwise runs in the sender's softirq and is charged to
# whoever sends; threaded, it runs in the receiving veth's own kthreads,
# one a queue.  With 1, the kthreads that appeared (ours, not another
# run's of the same name) go to $PH/napi.srv and $PH/napi.cli.
napi_threaded() {
	local v=$1 side before
	local sides=("srv $SRV_NS $SRV_IF" "cli $CLI_NS $CLI_IF")
	[ -n "$WIRE_NS" ] && sides+=("wa $WIRE_NS xw0" "wb $WIRE_NS xw1")
	for side in "${sides[@]}"; do
		set -- $side
		[ "$v" = 1 ] && before=$(napi_pids "$3")
		ip netns exec "$2" sh -c "echo $v >/sys/class/net/$3/threaded" ||
			{ say "bench: threaded NAPI on $3 (no XDP program?)"; exit 1; }
		[ "$v" = 1 ] && comm -13 <(echo "$before") <(napi_pids "$3") \
			>"$PH/napi.$1"
		# Left at SCHED_OTHER: a kthread that waits for a core behind
		# other work can let the veth's 256-frame ring overflow
		# (link.* counts it), but it takes what came meanwhile in one
		# poll; at SCHED_FIFO (tried) it woke for nearly every frame
		# and the server's CPU per handshake doubled.
	done
	return 0
}

# srv_cpu TAG: CPU time so far (ns, /proc/PID/schedstat) of the server's
# NAPI kthreads and processes ($SRV_PIDS: kserver, listen), and of the
# client veth's kthreads (the client's receiving half), as JSON.
srv_cpu() {
	local p n s=0 k=0 c=0
	for p in $(cat "$PH/napi.srv"); do
		n=$(cut -d' ' -f1 "/proc/$p/schedstat" 2>/dev/null) && k=$((k + n))
	done
	for p in $SRV_PIDS; do
		n=$(cut -d' ' -f1 "/proc/$p/schedstat" 2>/dev/null) && s=$((s + n))
	done
	for p in $(cat "$PH/napi.cli"); do
		n=$(cut -d' ' -f1 "/proc/$p/schedstat" 2>/dev/null) && c=$((c + n))
	done
	printf '{"server_napi_ns":%s,"server_procs_ns":%s,"client_napi_ns":%s,"server_bpf_ns":%s}\n' \
		"$k" "$s" "$c" "$(bpf_run_ns $BPF_PIDS)" >"$PH/srvcpu.$1"
}

# bpf_run_ns PID...: the run_time_ns (kernel.bpf_stats_enabled) of every
# BPF program those processes hold (/proc/PID/fdinfo), summed.
bpf_run_ns() {
	local ids id n t=0
	ids=$(cat $(printf '/proc/%s/fdinfo/* ' "$@") 2>/dev/null |
		awk '$1 == "prog_id:" { print $2 }' | sort -u)
	for id in $ids; do
		n=$(bpftool -j prog show id "$id" 2>/dev/null |
			"$XS_PY" -c 'import json,sys; print(json.load(sys.stdin).get("run_time_ns", 0))' 2>/dev/null) &&
			t=$((t + ${n:-0}))
	done
	echo "$t"
}

# bpf_stats 1|0: kernel.bpf_stats_enabled for the run (it costs every
# program run two clock reads), then back to what it was.
BPF_STATS_WAS=
bpf_stats() {
	if [ "$1" = 1 ]; then
		BPF_STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
		sysctl -qw kernel.bpf_stats_enabled=1
	else
		sysctl -qw kernel.bpf_stats_enabled="${BPF_STATS_WAS:-0}"
	fi
}

# phase NAME.RUN: start a phase; its files go to $XS_TMP/NAME.RUN.
phase() {
	PH=$XS_TMP/$1
	mkdir -p "$PH"
	say "bench: $1"
}

# BENCH_PROFILE=1: each measured client runs under `perf record -a -g`
# (the whole machine: softirq work lands on whatever runs), and with
# kernel.bpf_stats_enabled=1 the BPF programs' run_cnt and run_time_ns are
# sampled meanwhile (a program loaded for the run is gone after it).
# profile.py turns both into each phase's top costs.
PERF_PID=
BPFS_PID=
profile_start() {
	[ "$PROFILE" = 1 ] || return 0
	perf record -a -g -F 499 -o "$PH/perf.data" -- sleep "$RUN_LIMIT" \
		>"$PH/perf.err" 2>&1 &
	PERF_PID=$!
	XS_BG_PIDS+=("$PERF_PID")
	# Also which programs are this run's (other runs share the machine):
	# those attached to our veth, and those using the stats map xdpshake
	# pins for its run.
	timeout "$RUN_LIMIT" bash -c "while :; do bpftool -j prog show \
		>>'$PH/bpf.samples' 2>/dev/null; echo >>'$PH/bpf.samples'; \
		{ ip netns exec '$CLI_NS' bpftool -j net show dev '$CLI_IF'; echo; \
		  ip netns exec '$SRV_NS' bpftool -j net show dev '$SRV_IF'; echo; \
		  for m in '$XS_PIN_ROOT/$CLI_NS/$CLI_IF/stats' \
			'$XS_PIN_ROOT/$SRV_NS/$SRV_IF/stats'; do \
			bpftool -j map show pinned \$m && echo; done; \
		} >>'$PH/bpf.ours' 2>/dev/null; sleep 0.2; done" &
	BPFS_PID=$!
	XS_BG_PIDS+=("$BPFS_PID")
	# perf needs a moment to open its events on every CPU.
	xs_wait_for 5 test -s "$PH/bpf.samples"
	sleep 0.5
}

profile_stop() {
	[ "$PROFILE" = 1 ] || return 0
	kill "$BPFS_PID" 2>/dev/null
	xs_wait_pid "$BPFS_PID" 5
	bpftool -j prog show >>"$PH/bpf.samples" 2>/dev/null
	kill -INT "$PERF_PID" 2>/dev/null
	xs_wait_pid "$PERF_PID" 30
}

# client CMD...: the measured client, under runstat, with snapshots
# around it.  Output in $PH/client.out/.err, cost in $PH/client.rs.json.
client() {
	profile_start
	snapshot before
	"$BENCH_BIN/runstat" -o "$PH/client.rs.json" -t "$RUN_LIMIT" -- "$@" \
		>"$PH/client.out" 2>"$PH/client.err" </dev/null
	echo $? >"$PH/client.rc"
	snapshot after
	profile_stop
	echo "$*" >"$PH/client.cmd"
}

# netns_client NS CMD...: the same, inside NS (kclient, masscan).
netns_client() {
	local ns=$1
	shift
	profile_start
	snapshot before
	ip netns exec "$ns" "$BENCH_BIN/runstat" -o "$PH/client.rs.json" \
		-t "$RUN_LIMIT" -- "$@" >"$PH/client.out" 2>"$PH/client.err" </dev/null
	echo $? >"$PH/client.rc"
	snapshot after
	profile_stop
	echo "$*" >"$PH/client.cmd"
}

# kserver_start [6]: listening on every IPv4 address, or (6) every IPv6 one.
kserver_start() {
	local bind=()
	[ "${1:-}" = 6 ] && bind=(--bind ::)
	inst_start kserver 5 ip netns exec "$SRV_NS" "$BENCH_BIN/kserver" \
		"${bind[@]}" --port "$PORT" --ready "$PH/kserver.ready" \
		--timeout 600
	KS_PID=$INST_PID
}

synack_counter_start() {
	inst_start tc 10 ip netns exec "$SRV_NS" "$BENCH_BIN/responder" \
		-i "$SRV_IF" --port "$PORT" --tc-synack \
		--ready "$PH/tc.ready" --timeout 600
	TC_PID=$INST_PID
}

syn_counter_start() {
	inst_start xdp 10 ip netns exec "$SRV_NS" "$BENCH_BIN/responder" \
		-i "$SRV_IF" --port "$PORT" --count-only \
		--ready "$PH/xdp.ready" --timeout 600
	XDP_PID=$INST_PID
}

# listen_start [PORT [ADDR [--protect]]]: xdpshake listen answering
# SRV_IP:RPORT (or PORT; ADDR: that address, or every address of that
# block, as the scans' server; --protect: shielding kserver there), from
# the host's mount namespace as every xdpshake run, until it says it
# listens.
listen_start() {
	: >"$PH/xdp.out" # there before the wait below reads it
	"$XS_BIN" listen -i "$SRV_IF" --netns "$SRV_NS" -p "${1:-$RPORT}" \
		--addr "${2:-$SRV_IP}" ${3:-} --json >"$PH/xdp.out" \
		2>"$PH/xdp.err" </dev/null &
	XDP_PID=$!
	XS_BG_PIDS+=("$XDP_PID")
	if ! xs_wait_for 10 grep -q '"event":"listening"' "$PH/xdp.out"; then
		say "bench: listen did not start: $(head -c 300 "$PH/xdp.err")"
		exit 1
	fi
}

# listen_stop: SIGINT, its summary into xdp.json.
listen_stop() {
	kill -INT "$XDP_PID" 2>/dev/null
	xs_wait_pid "$XDP_PID" 10
	grep '"event":"summary"' "$PH/xdp.out" | tail -n 1 >"$PH/xdp.json"
}

# ------------------------------------------------------------------ phases

# masscan_scan PORT [6]: masscan over BLOCK (6: BLOCK6, from its own IPv6
# source address, the server's MAC as the IPv6 router's) at its maximum
# rate, one try.  Debian's masscan 1.3.2 takes an IPv6 block only after
# --range (as a bare argument: "unknown command-line parameter").
masscan_scan() {
	local target=("$BLOCK") src=(--adapter-ip "$MASSCAN_IP")
	local router=(--router-mac "$SRV_MAC")
	if [ "${2:-}" = 6 ]; then
		target=(--range "$BLOCK6")
		src=(--adapter-ip "$MASSCAN_IP6")
		router=(--router-mac-ipv6 "$SRV_MAC")
	fi
	netns_client "$CLI_NS" "$MASSCAN" "${target[@]}" -p "$1" \
		--rate "$MASSCAN_RATE" --wait 1 --retries 0 \
		"${router[@]}" "${src[@]}" -e "$CLI_IF" -oL "$PH/results.txt"
}

# xdpshake_scan TARGETS PORT [fast]: the same with xdpshake scan
# --syn-only (fast: with --fast-path).
xdpshake_scan() {
	local fast=()
	[ "${3:-}" = fast ] && fast=(--fast-path)
	client "$XS_BIN" scan -i "$CLI_IF" --netns "$CLI_NS" "$1" -p "$2" \
		--syn-only --rate "$SCAN_RATE" --retries 0 --wait 1 "${fast[@]}" \
		-o "$PH/results.ndjson" --format ndjson --status-json
}

# srv_pass_start: an XDP program on the server's veth that passes every
# frame.  The fast path's XDP_TX answers reach a veth peer only if it runs
# one (else the kernel drops them, xdp_tx_errors): its rows against the
# kernel server have it, costing that server a program run a frame.
srv_pass_start() {
	inst_start spass 10 ip netns exec "$SRV_NS" "$BENCH_BIN/responder" \
		-i "$SRV_IF" --pass --ready "$PH/spass.ready" --timeout 600
	SPASS_PID=$INST_PID
}

# connect_phase NAME kernel|xdpshake|pass|fast [6]: a load test of the
# kernel listener, over IPv4 or (6) IPv6; pass: xdpshake with the pass
# program at the server that fast needs.
connect_phase() {
	local name=$1 who=$2 dst=$SRV_IP:$PORT spass=0
	[ "${3:-}" = 6 ] && dst=[$SRV6]:$PORT
	[ "$who" = fast ] || [ "$who" = pass ] && spass=1
	phase "$name"
	kserver_start "${3:-}"
	synack_counter_start
	[ "$spass" = 1 ] && srv_pass_start
	if [ "$who" = kernel ]; then
		netns_client "$CLI_NS" "$BENCH_BIN/kclient" "$dst" \
			--duration "$SECS" --count 100000000 \
			--concurrency "$CONC" --json
	else
		local fast=()
		[ "$who" = fast ] && fast=(--fast-path)
		client "$XS_BIN" connect -i "$CLI_IF" --netns "$CLI_NS" \
			"$dst" --count 100000000 --duration "$SECS" \
			--concurrency "$CONC" --close rst -q --json "${fast[@]}"
	fi
	[ "$spass" = 1 ] && inst_stop "$SPASS_PID" spass
	inst_stop "$TC_PID" tc
	inst_stop "$KS_PID" kserver
}

# scan_phase NAME masscan|xdpshake|fast [6]: a SYN-only scan of BLOCK, or
# (6) of BLOCK6, against the kernel listener (AnyIP).
scan_phase() {
	local name=$1 who=$2 block=$BLOCK
	[ "${3:-}" = 6 ] && block=$BLOCK6
	phase "$name"
	kserver_start "${3:-}"
	synack_counter_start
	syn_counter_start
	if [ "$who" = masscan ]; then
		masscan_scan "$PORT" "${3:-}"
	else
		xdpshake_scan "$block" "$PORT" "$who"
	fi
	inst_stop "$XDP_PID" xdp
	inst_stop "$TC_PID" tc
	inst_stop "$KS_PID" kserver
}

# The same scans against xdpshake listen answering every address of the
# block in XDP: the server costs little (a SipHash cookie and the
# checksums a SYN), so the figure is each scanner's own; listen's summary counts the
# SYNs it answered and the RSTs that came back, and times their first and
# last.  The client veth needs NAPI on to receive XDP_TX frames:
# xdpshake's filter turns it on, for masscan the pass program does.
rscan_phase() {
	local name=$1 who=$2 pass_pid= wake_pid=
	phase "$name"
	listen_start "$RPORT" "$BLOCK"
	if [ "$who" = masscan ]; then
		inst_start pass 10 ip netns exec "$CLI_NS" "$BENCH_BIN/responder" \
			-i "$CLI_IF" --pass --ready "$PH/pass.ready" --timeout 600
		pass_pid=$INST_PID
		# masscan's receive thread blocks in libpcap until a frame
		# comes, and only then sees that the scan is over: a kernel
		# server's SYN-ACK retransmissions wake it, listen sends
		# none.  Five UDP datagrams a second do (not TCP, not
		# counted), for at most the run's limit.
		ip netns exec "$SRV_NS" timeout "$RUN_LIMIT" bash -c \
			"while :; do echo >/dev/udp/$CLI_IP/9; sleep 0.2; done" \
			>/dev/null 2>&1 &
		wake_pid=$!
		XS_BG_PIDS+=("$wake_pid")
		masscan_scan "$RPORT"
		kill "$wake_pid" 2>/dev/null
		inst_stop "$pass_pid" pass
	else
		xdpshake_scan "$BLOCK" "$RPORT" "$who"
	fi
	listen_stop
}

# limit_phase NAME afxdp|xdptx: the ceiling.  The blaster sends for
# LIMIT_SECS on every queue (a TX-only AF_XDP socket each, prebuilt SYNs
# of the scan's size, nothing received).  afxdp: an XDP sink at the server
# counts and drops them: the most frames/s AF_XDP puts through here.
# xdptx: an XDP program at the server sends each back by XDP_TX, a sink on
# our side counts them: the frames/s an XDP program can bounce.
limit_phase() {
	local name=$1 mode=$2 what=--sink sink_pid=
	phase "$name"
	[ "$mode" = xdptx ] && what=--reflect
	inst_start xdp 10 ip netns exec "$SRV_NS" "$BENCH_BIN/responder" \
		-i "$SRV_IF" --port "$PORT" "$what" \
		--ready "$PH/xdp.ready" --timeout 600
	XDP_PID=$INST_PID
	if [ "$mode" = xdptx ]; then
		inst_start sink 10 ip netns exec "$CLI_NS" \
			"$BENCH_BIN/responder" -i "$CLI_IF" --port "$PORT" \
			--sink --ready "$PH/sink.ready" --timeout 600
		sink_pid=$INST_PID
	fi
	netns_client "$CLI_NS" "$BENCH_BIN/blaster" -i "$CLI_IF" \
		--src "$CLI_IP" --dst "${BLOCK%/*}" --dst-mac "$SRV_MAC" \
		--port "$PORT" --duration "$LIMIT_SECS" --json
	[ -n "$sink_pid" ] && inst_stop "$sink_pid" sink
	inst_stop "$XDP_PID" xdp
}

# topo_wire CLI_IP SRV_IP PLEN: topo_pair's two namespaces, but each end's
# peer is in a third one, WIRE_NS (xw0 facing the client, xw1 the server),
# where wire.bpf.o redirects every frame from one to the other (native
# XDP, fixed ifindexes 10 and 11).  A frame the client sends then reaches
# the server veth as an xdp_frame in a page-pool page, as from a NIC,
# instead of the client's skb: no copy before the server's XDP program, no
# client TX completion in the server's kthread (both go to xw0's).  The
# same for every server and client; ARP and all cross it untouched.
topo_wire() {
	CLI_IP=$1
	SRV_IP=$2
	CLI_IF=xsc0
	SRV_IF=xss0
	xs_ns_add CLI_NS cli
	xs_ns_add SRV_NS srv
	xs_ns_add WIRE_NS wire
	ip -n "$WIRE_NS" link add xw0 index 10 type veth peer name "$CLI_IF" \
		netns "$CLI_NS" &&
		ip -n "$WIRE_NS" link add xw1 index 11 type veth peer \
			name "$SRV_IF" netns "$SRV_NS" ||
		{ say "bench: cannot create the wire's veths"; exit 1; }
	ip -n "$CLI_NS" addr add "$CLI_IP/$3" dev "$CLI_IF"
	ip -n "$SRV_NS" addr add "$SRV_IP/$3" dev "$SRV_IF"
	# An xdp_frame carries no CHECKSUM_PARTIAL: the kernel's own segments
	# (kclient's, kserver's) must leave with their checksums done, as
	# xdpshake's and the blaster's do, or the receiving kernel drops them.
	ip netns exec "$CLI_NS" ethtool -K "$CLI_IF" tx off >/dev/null &&
		ip netns exec "$SRV_NS" ethtool -K "$SRV_IF" tx off >/dev/null ||
		{ say "bench: cannot turn TX checksum offload off"; exit 1; }
	wire_attach 1
	ip -n "$WIRE_NS" link set dev xw0 up
	ip -n "$WIRE_NS" link set dev xw1 up
	ip -n "$CLI_NS" link set dev "$CLI_IF" up
	ip -n "$SRV_NS" link set dev "$SRV_IF" up
	xs_wait_for 5 xs_link_up "$CLI_NS" "$CLI_IF" &&
		xs_wait_for 5 xs_link_up "$SRV_NS" "$SRV_IF" ||
		{ say "bench: the wire's veths did not come up"; exit 1; }
	CLI_MAC=$(mac_of "$CLI_NS" "$CLI_IF")
	SRV_MAC=$(mac_of "$SRV_NS" "$SRV_IF")
}

# wire_attach 1|0: the wire's program on both its ends, or off.
wire_attach() {
	local w
	for w in xw0 xw1; do
		if [ "$1" = 1 ]; then
			ip -n "$WIRE_NS" link set dev "$w" xdpdrv \
				obj "$BENCH_BIN/wire.bpf.o" sec xdp
		else
			ip -n "$WIRE_NS" link set dev "$w" xdpdrv off
		fi || { say "bench: cannot set the wire on $w ($1)"; exit 1; }
	done
}

# set_queues N: N RX and TX queues on both ends of the veth, for every
# tool alike (xdpshake and the blaster run a socket and a thread per
# queue; the kernel spreads its flows over the TX queues).
set_queues() {
	local n=$1 side
	local sides=("$CLI_NS $CLI_IF" "$SRV_NS $SRV_IF")
	# A veth with an XDP program needs as many RX queues as its peer
	# has TX queues: the wire's ends change with theirs off.
	[ -n "$WIRE_NS" ] && sides+=("$WIRE_NS xw0" "$WIRE_NS xw1") &&
		wire_attach 0
	for side in "${sides[@]}"; do
		set -- $side
		ip netns exec "$1" ethtool -L "$2" rx "$n" tx "$n" ||
			{ say "bench: cannot set $n queues on $2"; exit 1; }
	done
	[ -n "$WIRE_NS" ] && wire_attach 1
	return 0
}

# first_syn_phase NAME TARGETS [fast]: a slow SYN-only scan, stopped (SIGINT) by
# runstat after 2 s; the XDP counter's first SYN against runstat's start
# (both CLOCK_MONOTONIC) is the time to the first SYN.  The /8 and the /0
# go by the default route the phase adds, the /24 by the /12's route; the
# /0 includes the client's own link, whose ARP sweep runs meanwhile.
first_syn_phase() {
	local name=$1 targets=$2 large=()
	phase "$name"
	"$XS_BIN" scan -h 2>&1 | grep -q -- --allow-large && large=(--allow-large)
	[ "${3:-}" = fast ] && large+=(--fast-path)
	syn_counter_start
	"$BENCH_BIN/runstat" -o "$PH/client.rs.json" -t 2 -- \
		"$XS_BIN" scan -i "$CLI_IF" --netns "$CLI_NS" "$targets" -p "$PORT" \
		"${large[@]}" --syn-only --rate 1000 --retries 0 --wait 0 -q \
		-o /dev/null --state-file "$PH/scan.state" \
		>"$PH/client.out" 2>"$PH/client.err" </dev/null
	echo $? >"$PH/client.rc"
	echo "scan $targets" >"$PH/client.cmd"
	inst_stop "$XDP_PID" xdp
}

rss_phase() {
	local name=$1 targets=$2
	phase "$name"
	kserver_start
	[ "${3:-}" = fast ] && srv_pass_start
	xdpshake_scan "$targets" "$PORT" "${3:-}"
	[ "${3:-}" = fast ] && inst_stop "$SPASS_PID" spass
	inst_stop "$KS_PID" kserver
}

# kclients DST: BENCH_KCLIENTS kclient processes at once, each BENCH_CONC
# in flight, as one measured client (runstat's wait4 sums them): one
# epoll thread would be the bottleneck before any server.
kclients() {
	local i cmd=
	for ((i = 0; i < KCLIENTS; i++)); do
		cmd+="'$BENCH_BIN/kclient' $1 --duration $SECS --count 100000000 "
		cmd+="--concurrency $CONC --json & "
	done
	netns_client "$CLI_NS" bash -c "${cmd}wait"
}

# srv_client_run kernel|xdpshake DST: the measured client of the listen,
# ksrv and prot phases, the server already up.  An XDP program on
# both veth ends (NAPI: the kclients' veth receives XDP_TX frames only
# then, and threaded NAPI needs it; xdpshake's own filter, loaded first,
# on our side), threaded NAPI on both for the run.
srv_client_run() {
	local who=$1 dst=$2 pass_pid= fast=()
	[ "$who" = fast ] && fast=(--fast-path)
	if [ "$who" = kernel ]; then
		inst_start pass 10 ip netns exec "$CLI_NS" "$BENCH_BIN/responder" \
			-i "$CLI_IF" --pass --ready "$PH/pass.ready" --timeout 600
		pass_pid=$INST_PID
	else
		"$XS_BIN" load -i "$CLI_IF" --netns "$CLI_NS" >&2
	fi
	bpf_stats 1
	napi_threaded 1
	if [ "$who" = kernel ]; then
		kclients "$dst"
	else
		client "$XS_BIN" connect -i "$CLI_IF" --netns "$CLI_NS" \
			"$dst" --count 100000000 --duration "$SECS" \
			--concurrency "$CONC" --close rst -q --json "${fast[@]}"
	fi
	napi_threaded 0
	bpf_stats 0
	if [ "$who" = kernel ]; then
		inst_stop "$pass_pid" pass
	else
		"$XS_BIN" unload -i "$CLI_IF" --netns "$CLI_NS" >&2
	fi
}

responder_phase() {
	local name=$1 who=$2
	phase "$name"
	listen_start
	SRV_PIDS=$XDP_PID
	BPF_PIDS=$XDP_PID
	srv_client_run "$who" "$SRV_IP:$RPORT"
	listen_stop
}

# floor_phase NAME: blaster -> XDP sink at the server (XDP_DROP, counted),
# both ends set up as srv_client_run sets them (a pass program at the
# client, bpf_stats, threaded NAPI), for BENCH_LIMIT_SECS.  A frame sent
# by AF_XDP in copy mode reaches the server veth as an skb whose head is
# kmalloc'd (not a page fragment), so a veth with an XDP program copies
# every one into a page-pool page before the program runs (veth.c,
# veth_convert_skb_to_xdp_buff), and the skb's destructor, the client's TX
# completion, runs in the server's kthread.  Server CPU: the kthreads
# alone (the sink's process only reads counters).
floor_phase() {
	local name=$1 pass_pid
	phase "$name"
	inst_start xdp 10 ip netns exec "$SRV_NS" "$BENCH_BIN/responder" \
		-i "$SRV_IF" --port "$PORT" --sink \
		--ready "$PH/xdp.ready" --timeout 600
	XDP_PID=$INST_PID
	inst_start pass 10 ip netns exec "$CLI_NS" "$BENCH_BIN/responder" \
		-i "$CLI_IF" --pass --ready "$PH/pass.ready" --timeout 600
	pass_pid=$INST_PID
	SRV_PIDS=
	BPF_PIDS=$XDP_PID
	bpf_stats 1
	napi_threaded 1
	netns_client "$CLI_NS" "$BENCH_BIN/blaster" -i "$CLI_IF" \
		--src "$CLI_IP" --dst "${BLOCK%/*}" --dst-mac "$SRV_MAC" \
		--port "$PORT" --duration "$LIMIT_SECS" --json
	napi_threaded 0
	bpf_stats 0
	inst_stop "$pass_pid" pass
	inst_stop "$XDP_PID" xdp
}

# flood_start: a SYN flood at kserver's port for the client's run (AF_PACKET,
# one 4-tuple, the client's address: its kernel resets the SYN-ACKs),
# as fast as xsflood sends.
flood_start() {
	ip netns exec "$CLI_NS" "$FLOOD" -i "$CLI_IF" --src-mac "$CLI_MAC" \
		--dst-mac "$SRV_MAC" --src "$CLI_IP" --dst "$SRV_IP" \
		--sport 4444 --dport "$PORT" --count 1000000000 --flags S \
		--max-ms $((SECS * 1000 + 1000)) >"$PH/flood.out" 2>&1 &
	FLOOD_PID=$!
	XS_BG_PIDS+=("$FLOOD_PID")
}

flood_stop() {
	kill -INT "$FLOOD_PID" 2>/dev/null
	xs_wait_pid "$FLOOD_PID" 10
}

# ksrv_phase NAME kernel|xdpshake [protect] [flood]: the kernel listener
# as the server, syncookies forced (every SYN answered with a cookie, as
# listen does; the SYN queue is bypassed), the same clients as
# responder_phase; protect: behind `listen --protect` on its port (the
# setting stays: --protect needs it non-zero); flood: during a SYN flood.
# An XDP pass program on the server's veth without listen (NAPI, as
# listen's program gives it).
ksrv_phase() {
	local name=$1 who=$2 prot=${3:-} flood=${4:-}
	phase "$name"
	ip netns exec "$SRV_NS" sysctl -qw net.ipv4.tcp_syncookies=2
	kserver_start
	SRV_PIDS=$KS_PID
	if [ "$prot" = protect ]; then
		listen_start "$PORT" "$SRV_IP" --protect
		SRV_PIDS="$KS_PID $XDP_PID"
		BPF_PIDS=$XDP_PID
	else
		srv_pass_start
		BPF_PIDS=$SPASS_PID
	fi
	[ "$flood" = flood ] && flood_start
	srv_client_run "$who" "$SRV_IP:$PORT"
	[ "$flood" = flood ] && flood_stop
	if [ "$prot" = protect ]; then
		listen_stop
	else
		inst_stop "$SPASS_PID" spass
	fi
	inst_stop "$KS_PID" kserver
	ip netns exec "$SRV_NS" sysctl -qw net.ipv4.tcp_syncookies=1
}

# --------------------------------------------------------------------- main

xs_init bench
# Tools that drop files in the current folder (masscan's paused.conf) drop
# them in our temporary one.
cd "$XS_TMP" || exit 1
need
probe_xdpshake
ensure_masscan

# Other work on a 2-core machine shows in every figure: say so.
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
case ${LOAD_START%% *} in
0.[0-4]*) ;;
*) say "bench: load average $LOAD_START: other work is running, figures will be noisy" ;;
esac

# bpf_stats turns kernel.bpf_stats_enabled on for the listen phases: back
# to what it is now whatever happens.
xs_defer "sysctl -qw kernel.bpf_stats_enabled=$(sysctl -n kernel.bpf_stats_enabled)"
if [ "$WIRE" = 1 ]; then
	topo_wire 10.77.0.1 10.77.0.2 24
else
	topo_pair 10.77.0.1 10.77.0.2 24
fi
# veth starts with one queue a side; give it one per CPU, as a multi-queue
# NIC has (the *_q1 phases go back to one at the end).
set_queues "$QUEUES"
if [ "$PROFILE" = 1 ]; then
	# perf from Debian (linux-perf), installed if missing, as masscan.
	if ! command -v perf >/dev/null 2>&1; then
		say "bench: perf is not installed: apt-get install -y linux-perf"
		DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q linux-perf >&2 ||
			{ timeout 120 apt-get update -q >&2 &&
			  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q linux-perf >&2; }
	fi
	if ! command -v perf >/dev/null 2>&1 || ! command -v bpftool >/dev/null 2>&1; then
		say "bench: BENCH_PROFILE needs perf (linux-perf) and bpftool (make deps)"
		exit 1
	fi
	BPF_STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	xs_defer "sysctl -qw kernel.bpf_stats_enabled=$BPF_STATS_WAS"
fi
# A kernel listener that keeps up: big accept and SYN queues.
ip netns exec "$SRV_NS" sysctl -qw net.core.somaxconn=65535 \
	net.ipv4.tcp_max_syn_backlog=65535 >/dev/null
# AnyIP: the server answers for the whole /12; the client routes it there.
ip -n "$SRV_NS" route add local "$BIG" dev lo
ip -n "$CLI_NS" route add "$BIG" via "$SRV_IP" dev "$CLI_IF"
# The same over IPv6 on the same veth (xs_ns_add turns it off; nodad:
# usable at once), its /112 answered by the server (IPv6 on its lo too).
xs_ipv6_on "$CLI_NS" "$CLI_IF" "$CLI6/64"
xs_ipv6_on "$SRV_NS" "$SRV_IF" "$SRV6/64"
ip netns exec "$SRV_NS" sysctl -qw net.ipv6.conf.lo.disable_ipv6=0
ip -n "$SRV_NS" -6 route add local "$BLOCK6" dev lo &&
	ip -n "$CLI_NS" -6 route add "$BLOCK6" via "$SRV6" dev "$CLI_IF" ||
	{ say "bench: cannot set up IPv6 on the veth"; exit 1; }
# Whatever a run leaves attached goes before the namespace does.
[ -x "$XS_BIN" ] && xs_unload_at_exit "$CLI_NS" "$CLI_IF"

# want PHASE: is PHASE (connect_kernel, scan_xdp...) among BENCH_ONLY's
# shell patterns (all of them when it is empty)?
want() {
	local pat pats
	[ -z "${BENCH_ONLY:-}" ] && return 0
	# Split on blanks, never expanded as file names (we run in XS_TMP,
	# among the phases' folders).
	read -ra pats <<<"$BENCH_ONLY"
	for pat in "${pats[@]}"; do
		# shellcheck disable=SC2053 # a pattern on purpose
		[[ $1 == $pat ]] && return 0
	done
	return 1
}

for ((r = 1; r <= RUNS; r++)); do
	want connect_kernel && connect_phase "connect_kernel.$r" kernel
	want connect_xdp && [ "$HAVE_CONNECT" = 1 ] &&
		connect_phase "connect_xdp.$r" xdpshake
	want connect_pass && [ "$HAVE_CONNECT" = 1 ] &&
		connect_phase "connect_pass.$r" pass
	want connect_fast && [ "$HAVE_FAST" = 1 ] &&
		connect_phase "connect_fast.$r" fast
done
# IPv6: the same clients, listener and veth as the rows above, right
# after them (the machine's load is the closest to theirs).
for ((r = 1; r <= RUNS; r++)); do
	want connect6_kernel && connect_phase "connect6_kernel.$r" kernel 6
	want connect6_xdp && [ "$HAVE_CONNECT" = 1 ] &&
		connect_phase "connect6_xdp.$r" xdpshake 6
done
for ((r = 1; r <= RUNS; r++)); do
	want scan_masscan && [ "$HAVE_MASSCAN" = 1 ] &&
		scan_phase "scan_masscan.$r" masscan
	want scan_xdp && [ "$HAVE_SCAN" = 1 ] && scan_phase "scan_xdp.$r" xdpshake
	want scan_fast && [ "$HAVE_FAST" = 1 ] && scan_phase "scan_fast.$r" fast
done
for ((r = 1; r <= RUNS; r++)); do
	want scan6_masscan && [ "$HAVE_MASSCAN" = 1 ] &&
		scan_phase "scan6_masscan.$r" masscan 6
	want scan6_xdp && [ "$HAVE_SCAN" = 1 ] &&
		scan_phase "scan6_xdp.$r" xdpshake 6
done
# The ceiling beside the scans against listen, run for run: the
# machine's other work changes over a run, and these rows are read
# against it most closely.
for ((r = 1; r <= RUNS; r++)); do
	want limit_afxdp && limit_phase "limit_afxdp.$r" afxdp
	want limit_xdptx && limit_phase "limit_xdptx.$r" xdptx
	want rscan_masscan && [ "$HAVE_MASSCAN" = 1 ] &&
		rscan_phase "rscan_masscan.$r" masscan
	want rscan_xdp && [ "$HAVE_SCAN" = 1 ] &&
		rscan_phase "rscan_xdp.$r" xdpshake
	want rscan_fast && [ "$HAVE_FAST" = 1 ] &&
		rscan_phase "rscan_fast.$r" fast
done
# Memory needs no repeats: a 1M-target scan and a /24, same options.
if [ "$HAVE_SCAN" = 1 ]; then
	want rss_big && rss_phase rss_big.1 "$BIG"
	want rss_small && rss_phase rss_small.1 "$SMALL"
	want rss_fast_big && [ "$HAVE_FAST" = 1 ] &&
		rss_phase rss_fast_big.1 "$BIG" fast
fi
if [ "$HAVE_SCAN" = 1 ] && { want first_syn_24 || want first_syn_8 ||
	want first_syn_0 || want first_syn_run_24 || want first_syn_fast_24; }; then
	ip -n "$CLI_NS" route add default via "$SRV_IP" dev "$CLI_IF"
	for ((r = 1; r <= RUNS; r++)); do
		want first_syn_run_24 &&
			first_syn_phase "first_syn_run_24.$r" "$SMALL"
	done
	# What grows with the target set, without the BPF verifier's
	# constant (the same for every size) in front of it.
	"$XS_BIN" load -i "$CLI_IF" --netns "$CLI_NS" >&2
	for ((r = 1; r <= RUNS; r++)); do
		want first_syn_24 && first_syn_phase "first_syn_24.$r" "$SMALL"
		want first_syn_8 && first_syn_phase "first_syn_8.$r" 11.0.0.0/8
		want first_syn_0 && first_syn_phase "first_syn_0.$r" 0.0.0.0/0
		want first_syn_fast_24 && [ "$HAVE_FAST" = 1 ] &&
			first_syn_phase "first_syn_fast_24.$r" "$SMALL" fast
	done
	"$XS_BIN" unload -i "$CLI_IF" --netns "$CLI_NS" >&2
	ip -n "$CLI_NS" route del default via "$SRV_IP" dev "$CLI_IF"
fi
for ((r = 1; r <= RUNS; r++)); do
	want floor_afxdp && floor_phase "floor_afxdp.$r"
	want resp_kernel && responder_phase "resp_kernel.$r" kernel
	want resp_xdp && [ "$HAVE_CONNECT" = 1 ] &&
		responder_phase "resp_xdp.$r" xdpshake
	want ksrv_kernel && ksrv_phase "ksrv_kernel.$r" kernel
	want ksrv_xdp && [ "$HAVE_CONNECT" = 1 ] &&
		ksrv_phase "ksrv_xdp.$r" xdpshake
	want ksrv_fast && [ "$HAVE_FAST" = 1 ] &&
		ksrv_phase "ksrv_fast.$r" fast
	want prot_kernel && ksrv_phase "prot_kernel.$r" kernel protect
	want prot_xdp && [ "$HAVE_CONNECT" = 1 ] &&
		ksrv_phase "prot_xdp.$r" xdpshake protect
	want prot_flood && [ -x "$FLOOD" ] &&
		ksrv_phase "prot_flood.$r" kernel protect flood
	want ksrv_flood && [ -x "$FLOOD" ] &&
		ksrv_phase "ksrv_flood.$r" kernel '' flood
done
# Scaling: the ceiling and the scans again with one queue a side.
if [ "$QUEUES" -gt 1 ]; then
	set_queues 1
	# masscan's and the reflection's rows run once here: no target
	# reads them, and the run stays bounded.
	for ((r = 1; r <= RUNS; r++)); do
		want limit_afxdp_q1 && limit_phase "limit_afxdp_q1.$r" afxdp
		[ "$r" = 1 ] && want limit_xdptx_q1 &&
			limit_phase "limit_xdptx_q1.$r" xdptx
		[ "$r" = 1 ] && want scan_masscan_q1 && [ "$HAVE_MASSCAN" = 1 ] &&
			scan_phase "scan_masscan_q1.$r" masscan
		want scan_xdp_q1 && [ "$HAVE_SCAN" = 1 ] &&
			scan_phase "scan_xdp_q1.$r" xdpshake
		want scan_fast_q1 && [ "$HAVE_FAST" = 1 ] &&
			scan_phase "scan_fast_q1.$r" fast
		[ "$r" = 1 ] && want rscan_masscan_q1 && [ "$HAVE_MASSCAN" = 1 ] &&
			rscan_phase "rscan_masscan_q1.$r" masscan
		want rscan_xdp_q1 && [ "$HAVE_SCAN" = 1 ] &&
			rscan_phase "rscan_xdp_q1.$r" xdpshake
		want rscan_fast_q1 && [ "$HAVE_FAST" = 1 ] &&
			rscan_phase "rscan_fast_q1.$r" fast
	done
	set_queues "$QUEUES"
fi

if [ "$PROFILE" = 1 ]; then
	"$XS_PY" "$BENCH_DIR/profile.py" "$XS_TMP"
	exit $?
fi

mkdir -p "$(dirname "$RESULTS")"
"$XS_PY" "$BENCH_DIR/report.py" "$XS_TMP" "$RESULTS" \
	"load_start=$LOAD_START" "runs=$RUNS" "secs=$SECS" "conc=$CONC" "block=$BLOCK" "big=$BIG" "small=$SMALL" \
	"kclients=$KCLIENTS" \
	"block6=$BLOCK6" \
	"scan_rate=$SCAN_RATE" "masscan_rate=$MASSCAN_RATE" "queues=$QUEUES" \
	"have_connect=$HAVE_CONNECT" "have_scan=$HAVE_SCAN" "have_fast=$HAVE_FAST" \
	"have_masscan=$HAVE_MASSCAN" "cli_if=$CLI_IF" "srv_if=$SRV_IF" \
	"wire=$WIRE"
