# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Shared helpers for the netns integration tests (tests/integration/t_*.sh)
# and tests/demo.sh.  Source it, then call xs_init NAME first.
#
# Rules every test follows through these helpers:
#   - only namespaces created here are touched, named xs-<test>-<pid>-<role>,
#     and every one is deleted by the EXIT trap (also on INT/TERM/failure);
#     the host's own interfaces, routes and firewall are never changed;
#   - build/xdpshake always runs from the host's mount namespace with
#     --netns NAME (ip netns exec remounts /sys and would hide bpffs);
#     servers, tcpdump, ss, nft run under ip netns exec;
#   - every wait is bounded in count and time;
#   - each case prints exactly "PASS: name", "FAIL: name: why" or, when it
#     cannot run here (a missing tool, a kernel feature), "SKIP: name: why"
#     (tests/run.sh counts those lines);
#   - XS_CASE=name (tests/run.sh sets it from TESTS=t_file:name) reports
#     only that case: pass/fail/skip say nothing for the others, check does
#     not even run their command, and `xs_want NAME...` lets a test skip the
#     set-up of a section whose cases are not wanted.
#
# Bash with set -u; no set -e, so one failed case does not hide the others.

set -u

XS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XS_BIN=${XS_BIN:-$XS_ROOT/build/xdpshake}
XS_TSERVER=${XS_TSERVER:-$XS_ROOT/build/tests/helpers/tserver}
# Debian's python3 (make deps installs it, with python3-yaml and -lxml):
# a version manager's shim first in PATH (pyenv's) costs ~0.3 s a start,
# and the suite starts Python over a thousand times.
XS_PY=${XS_PY:-$(command -v /usr/bin/python3 || command -v python3)}
XS_PIN_ROOT=/sys/fs/bpf/xdpshake
# connect's default source port range (outside the kernel's ephemeral
# 32768-60999), and the one tests load explicitly.
XS_PORT_LO=${XS_PORT_LO:-61000}
XS_PORT_HI=${XS_PORT_HI:-61999}
# Upper bound for one xdpshake invocation, in seconds.
XS_RUN_TIMEOUT=${XS_RUN_TIMEOUT:-30}
# tserver --timeout for a server that serves a whole test or section: as
# long as tests/run.sh lets one test run (600 s).  Its lifetime must not
# depend on how fast the machine is (a section that takes 40 s here takes
# 90 s on a busy machine); the EXIT trap stops it when the test ends, so
# this only bounds a server whose test was killed.
XS_SRV_LIFE_MS=${XS_SRV_LIFE_MS:-600000}

XS_TEST=
XS_TMP=
XS_PASSED=0
XS_FAILED=0
XS_SKIPPED=0
XS_HIDDEN_FAIL= # the first failure XS_CASE kept quiet
XS_CLEANUP=()   # shell snippets, run in reverse order on exit
XS_BG_PIDS=()   # background processes we started (servers, tcpdump)

# ---------------------------------------------------------------- reporting

# xs_want NAME...: true unless XS_CASE asks for one case not among NAMEs.
xs_want() {
	local n
	[ -z "${XS_CASE:-}" ] && return 0
	for n in "$@"; do
		[ "$n" = "$XS_CASE" ] && return 0
	done
	return 1
}

# xs_reports NAME: NAME's line is printed: a wanted case, or the test's own
# name (what a failed set-up reports under, whatever case was asked for).
xs_reports() { [ "$1" = "$XS_TEST" ] || xs_want "$1"; }

pass() {
	xs_reports "$1" || return 0
	echo "PASS: $1"
	XS_PASSED=$((XS_PASSED + 1))
}

# fail NAME WHY...
fail() {
	local name=$1
	shift
	if ! xs_reports "$name"; then
		# Remembered: the wanted case may depend on this step.
		[ -n "$XS_HIDDEN_FAIL" ] || XS_HIDDEN_FAIL="$name: $*"
		return 0
	fi
	echo "FAIL: $name: $*"
	XS_FAILED=$((XS_FAILED + 1))
}

# skip NAME WHY...: the case cannot run here; counted apart, not passed.
skip() {
	local name=$1
	shift
	xs_reports "$name" || return 0
	echo "SKIP: $name: $*"
	XS_SKIPPED=$((XS_SKIPPED + 1))
}

# check NAME WHY COMMAND...: PASS if COMMAND succeeds, else FAIL with WHY.
check() {
	local name=$1 why=$2
	shift 2
	xs_reports "$name" || return 0
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

# Print a file indented, for context after a FAIL (not counted by run.sh).
show() {
	local title=$1 file=$2
	echo "  --- $title ---"
	if [ -s "$file" ]; then sed 's/^/  | /' "$file" | head -n 80; else echo "  | (empty)"; fi
}

# show_cap FILE: a capture as text (tcpdump -r), for a FAIL's context.
show_cap() {
	echo "  --- capture $(basename "$1") ---"
	cap_text "$1" | sed 's/^/  | /' | head -n 80
}

# Last line of a test: exit status 1 if any case failed.
xs_done() {
	# One case asked for, never reached, after a step it may need failed.
	if [ -n "${XS_CASE:-}" ] && [ -n "$XS_HIDDEN_FAIL" ] &&
		[ $((XS_PASSED + XS_FAILED + XS_SKIPPED)) -eq 0 ]; then
		fail "$XS_CASE" "did not report; an earlier step failed: $XS_HIDDEN_FAIL"
	fi
	echo "# $XS_TEST: $XS_PASSED passed, $XS_FAILED failed, $XS_SKIPPED skipped"
	if [ "$XS_FAILED" -eq 0 ]; then exit 0; fi
	exit 1
}

# ------------------------------------------------------------ setup/cleanup

# xs_defer SNIPPET: run SNIPPET (with eval) at exit, last registered first.
xs_defer() { XS_CLEANUP+=("$1"); }

xs_cleanup() {
	local rc=$? i pid
	trap - EXIT INT TERM
	for ((i = ${#XS_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${XS_CLEANUP[$i]}" >/dev/null 2>&1
	done
	# Any background process still running: only the ones we started.
	for pid in "${XS_BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	if [ -n "$XS_TMP" ] && [ -d "$XS_TMP" ]; then
		if [ "${XS_KEEP:-0}" = 1 ]; then
			echo "# kept $XS_TMP" >&2
		else
			rm -rf "$XS_TMP"
		fi
	fi
	exit "$rc"
}

# xs_init NAME: call first.  Sets XS_TEST, XS_TMP, the traps.
xs_init() {
	XS_TEST=$1
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: $XS_TEST: needs root (network namespaces, BPF)"
		exit 0
	fi
	XS_TMP=$(mktemp -d "/tmp/xs-$XS_TEST-$$.XXXXXX") || exit 1
	# What a run writes by default in its working directory (a scan's
	# xdpshake-scan.state on Ctrl-C or a fault) lands here, never in the
	# checkout.
	cd "$XS_TMP" || exit 1
	trap xs_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# xs_need_bin: stop the test with one FAIL if the binaries are missing.
xs_need_bin() {
	local b
	for b in "$XS_BIN" "$XS_TSERVER"; do
		if [ ! -x "$b" ]; then
			fail "$XS_TEST" "$b not built (run make test-bins)"
			xs_done
		fi
	done
	if ! mountpoint -q /sys/fs/bpf; then
		fail "$XS_TEST" "bpffs not mounted at /sys/fs/bpf (run make deps)"
		xs_done
	fi
}

# xs_wait_for SECONDS COMMAND...: poll COMMAND every 50 ms until it succeeds
# or SECONDS pass.  Returns COMMAND's last status.
xs_wait_for() {
	local secs=$1 i n
	shift
	n=$((secs * 20))
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	"$@"
}

# xs_wait_pid PID SECONDS: wait for a background child to exit, killing it
# after SECONDS.  Returns its exit status (or 124 if it had to be killed).
xs_wait_pid() {
	local pid=$1 secs=$2 i n
	n=$((secs * 20))
	for ((i = 0; i < n; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid" 2>/dev/null
}

# ---------------------------------------------------------------- namespaces

# xs_ns_add VAR ROLE: create namespace xs-<test>-<pid>-<role>, lo up, IPv6
# off (no router solicitations in the captures); its name goes into VAR.
# A test that builds several topologies gets xs-<test>-<pid>-<role>2, 3...
# At exit: any xdpshake pins for it are removed, then the namespace.
XS_NTOPO=1
xs_ns_add() {
	local var=$1 name="xs-$XS_TEST-$$-$2"
	[ "$XS_NTOPO" -gt 1 ] && name+=$XS_NTOPO
	ip netns add "$name" || { fail "$XS_TEST" "ip netns add $name"; xs_done; }
	xs_defer "ip netns del '$name'; rm -rf '$XS_PIN_ROOT/$name'"
	ip -n "$name" link set lo up
	ip netns exec "$name" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
	printf -v "$var" '%s' "$name"
}

# xs_veth NS_A IF_A NS_B IF_B [MAC_A MAC_B]: a veth pair created directly
# inside the two namespaces (never in the host's), both ends up.  With
# XS_VETH_QUEUES=N, N RX and N TX queues a side (default: one).
xs_veth() {
	local nsa=$1 ifa=$2 nsb=$3 ifb=$4 maca=${5:-} macb=${6:-} q=()
	[ -n "${XS_VETH_QUEUES:-}" ] &&
		q=(numrxqueues "$XS_VETH_QUEUES" numtxqueues "$XS_VETH_QUEUES")
	ip -n "$nsa" link add "$ifa" "${q[@]}" type veth peer name "$ifb" \
		"${q[@]}" netns "$nsb" ||
		{ fail "$XS_TEST" "veth $ifa/$ifb"; xs_done; }
	[ -n "$maca" ] && ip -n "$nsa" link set dev "$ifa" address "$maca"
	[ -n "$macb" ] && ip -n "$nsb" link set dev "$ifb" address "$macb"
	ip -n "$nsa" link set dev "$ifa" up
	ip -n "$nsb" link set dev "$ifb" up
}

# Wait until a namespace's interface is operationally up (veth: both ends).
xs_link_up() { ip -n "$1" link show dev "$2" 2>/dev/null | grep -q 'state UP'; }

# mac_of NS IF: the interface's MAC address.
mac_of() { ip -n "$1" -br link show dev "$2" | awk '{print $3}'; }

# topo_pair [CLI_IP SRV_IP [PREFIXLEN [CLI_MAC SRV_MAC]]]
#
#   CLI_NS (CLI_IF, CLI_IP) <--veth--> SRV_NS (SRV_IF, SRV_IP)
#
# Defaults 10.11.0.1 and 10.11.0.2 /24.  Sets CLI_NS SRV_NS CLI_IF SRV_IF
# CLI_IP SRV_IP CLI_MAC SRV_MAC.
# xs_ipv6_on NS IF ADDR/PLEN: IPv6 on one interface (xs_ns_add turns it
# off in every namespace): no DAD, no router solicitations or adverts
# taken, and ADDR added nodad, so it is usable (not tentative) at once.
xs_ipv6_on() {
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0" \
		"net.ipv6.conf.$2.router_solicitations=0" \
		"net.ipv6.conf.$2.accept_ra=0" \
		"net.ipv6.conf.$2.disable_ipv6=0" >/dev/null
	ip -n "$1" addr add "$3" dev "$2" nodad
}

topo_pair() {
	local plen=${3:-24}
	CLI_IP=${1:-10.11.0.1}
	SRV_IP=${2:-10.11.0.2}
	CLI_IF=xsc0
	SRV_IF=xss0
	xs_ns_add CLI_NS cli
	xs_ns_add SRV_NS srv
	xs_veth "$CLI_NS" "$CLI_IF" "$SRV_NS" "$SRV_IF" "${4:-}" "${5:-}"
	ip -n "$CLI_NS" addr add "$CLI_IP/$plen" dev "$CLI_IF"
	ip -n "$SRV_NS" addr add "$SRV_IP/$plen" dev "$SRV_IF"
	xs_wait_for 5 xs_link_up "$CLI_NS" "$CLI_IF" ||
		{ fail "$XS_TEST" "$CLI_IF did not come up"; xs_done; }
	xs_wait_for 5 xs_link_up "$SRV_NS" "$SRV_IF"
	CLI_MAC=$(mac_of "$CLI_NS" "$CLI_IF")
	SRV_MAC=$(mac_of "$SRV_NS" "$SRV_IF")
	XS_NTOPO=$((XS_NTOPO + 1))
}

# topo_routed: the tutorial's three hosts, with a router in between.
#
#   hostB CLI_NS  CLI_IF 10.0.2.2/24
#        |  veth
#   RTR_NS  RTR_CLI_IF 10.0.2.1/24 | RTR_SRV_IF 10.0.5.1/24  (ip_forward=1)
#        |  veth
#   hostA SRV_NS  SRV_IF 10.0.5.5/24
#
# Each host's default route goes via the router.  Sets CLI_NS RTR_NS SRV_NS,
# the interface names, CLI_IP SRV_IP RTR_CLI_IP RTR_SRV_IP and the MACs
# CLI_MAC SRV_MAC RTR_CLI_MAC RTR_SRV_MAC.
topo_routed() {
	CLI_IP=10.0.2.2
	RTR_CLI_IP=10.0.2.1
	RTR_SRV_IP=10.0.5.1
	SRV_IP=10.0.5.5
	CLI_IF=xsb0
	RTR_CLI_IF=xsr0
	RTR_SRV_IF=xsr1
	SRV_IF=xsa0
	xs_ns_add CLI_NS hostB
	xs_ns_add RTR_NS router
	xs_ns_add SRV_NS hostA
	xs_veth "$CLI_NS" "$CLI_IF" "$RTR_NS" "$RTR_CLI_IF"
	xs_veth "$SRV_NS" "$SRV_IF" "$RTR_NS" "$RTR_SRV_IF"
	ip -n "$CLI_NS" addr add "$CLI_IP/24" dev "$CLI_IF"
	ip -n "$RTR_NS" addr add "$RTR_CLI_IP/24" dev "$RTR_CLI_IF"
	ip -n "$RTR_NS" addr add "$RTR_SRV_IP/24" dev "$RTR_SRV_IF"
	ip -n "$SRV_NS" addr add "$SRV_IP/24" dev "$SRV_IF"
	ip netns exec "$RTR_NS" sysctl -qw net.ipv4.ip_forward=1 >/dev/null
	ip -n "$CLI_NS" route add default via "$RTR_CLI_IP" dev "$CLI_IF"
	ip -n "$SRV_NS" route add default via "$RTR_SRV_IP" dev "$SRV_IF"
	xs_wait_for 5 xs_link_up "$CLI_NS" "$CLI_IF" ||
		{ fail "$XS_TEST" "$CLI_IF did not come up"; xs_done; }
	xs_wait_for 5 xs_link_up "$SRV_NS" "$SRV_IF"
	CLI_MAC=$(mac_of "$CLI_NS" "$CLI_IF")
	SRV_MAC=$(mac_of "$SRV_NS" "$SRV_IF")
	RTR_CLI_MAC=$(mac_of "$RTR_NS" "$RTR_CLI_IF")
	RTR_SRV_MAC=$(mac_of "$RTR_NS" "$RTR_SRV_IF")
	XS_NTOPO=$((XS_NTOPO + 1))
}

# ------------------------------------------------------------------- server

# srv_start NS IP PORT [tserver options...]: start tserver in NS and wait
# (5 s at most) until it listens.  Sets SRV_PID and SRV_OUT (its stdout and
# stderr).  Several servers may run; each call overwrites SRV_PID/SRV_OUT.
XS_NSRV=0
srv_start() {
	local ns=$1 ip=$2 port=$3 ready
	shift 3
	XS_NSRV=$((XS_NSRV + 1))
	ready=$XS_TMP/srv$XS_NSRV.ready
	SRV_OUT=$XS_TMP/srv$XS_NSRV.out
	ip netns exec "$ns" "$XS_TSERVER" --bind "$ip" --port "$port" \
		--ready "$ready" "$@" >"$SRV_OUT" 2>&1 &
	SRV_PID=$!
	XS_BG_PIDS+=("$SRV_PID")
	if ! xs_wait_for 5 test -e "$ready"; then
		fail "$XS_TEST" "tserver on $ip:$port did not start"
		show "tserver output" "$SRV_OUT"
		xs_done
	fi
}

# srv_wait [SECONDS]: wait for the last server to exit (default 10 s).
srv_wait() { xs_wait_pid "$SRV_PID" "${1:-10}"; }

# srv_saw PATTERN: the last server's output has a line matching PATTERN (ERE).
srv_saw() { grep -Eq "$1" "$SRV_OUT"; }

# -------------------------------------------------------------------- capture

# cap_start NS IF [FILTER]: tcpdump on IF inside NS into a pcap file, started
# and confirmed listening before returning.  Sets CAP_PID and CAP_FILE.
# Default filter: tcp.  --immediate-mode hands each packet to tcpdump at
# once (with TPACKET_V3 a packet otherwise waits up to a second in the ring
# and is lost if tcpdump is stopped meanwhile); -U writes it to the file at
# once; -Z root keeps the right to write into our private temporary folder.
XS_NCAP=0
cap_start() {
	local ns=$1 ifc=$2 filter=${3:-tcp}
	XS_NCAP=$((XS_NCAP + 1))
	CAP_FILE=$XS_TMP/cap$XS_NCAP.pcap
	ip netns exec "$ns" tcpdump -i "$ifc" -nn --immediate-mode -U -s 256 -Z root \
		-w "$CAP_FILE" "$filter" >"$CAP_FILE.log" 2>&1 &
	CAP_PID=$!
	XS_BG_PIDS+=("$CAP_PID")
	if ! xs_wait_for 5 grep -q 'listening on' "$CAP_FILE.log"; then
		fail "$XS_TEST" "tcpdump on $ns/$ifc did not start"
		show "tcpdump" "$CAP_FILE.log"
		xs_done
	fi
}

# cap_stop [PID]: stop a capture with SIGINT so it flushes, and wait for it.
# The short pause lets the last frames of the test reach the capture.
cap_stop() {
	local pid=${1:-$CAP_PID}
	sleep 0.2
	kill -INT "$pid" 2>/dev/null
	xs_wait_pid "$pid" 5
	return 0
}

# cap_text FILE: the capture as text, absolute sequence numbers, with MACs.
cap_text() { tcpdump -r "$1" -nn -tt -S -e 2>/dev/null; }

# cap_fields FILE: one line per TCP/IPv4 or TCP/IPv6 packet (IPv6 without
# extension headers: ipid is its flow label, ttl its hop limit, tos its
# traffic class; addresses in RFC 5952 form), space-separated:
#   ts smac dmac src sport dst dport flags seq ack win ipid ttl doff csum plen
#   tos ck
# flags as tcpdump writes them: S, S., ., R, R., P., F. ...; csum is the TCP
# checksum field as a number; ck says what it holds: "ok" (a valid checksum),
# "partial" (only the pseudo-header sum, CHECKSUM_PARTIAL from a same-host
# veth), "bad", or "cut" (segment not fully captured).
# Read with: while read -r ts smac dmac src sport dst dport flags seq ack \
#                win ipid ttl doff csum plen tos ck; do ...; done
cap_fields() {
	"$XS_PY" - "$1" <<'EOF'
import ipaddress, struct, sys

data = open(sys.argv[1], 'rb').read()
if len(data) < 24:
    sys.exit(0)
magic = struct.unpack('<I', data[:4])[0]
e = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
nano = struct.unpack(e + 'I', data[:4])[0] == 0xa1b23c4d
link = struct.unpack(e + 'I', data[20:24])[0]
off = 24
while off + 16 <= len(data):
    sec, frac, incl, _ = struct.unpack(e + 'IIII', data[off:off + 16])
    off += 16
    p = data[off:off + incl]
    off += incl
    if link == 1:            # Ethernet
        if len(p) < 14:
            continue
        dmac, smac = p[0:6], p[6:12]
        etype = struct.unpack('>H', p[12:14])[0]
        l3 = p[14:]
    elif link == 113:        # Linux cooked (any)
        if len(p) < 16:
            continue
        smac, dmac = p[6:12], b'\0' * 6
        etype = struct.unpack('>H', p[14:16])[0]
        l3 = p[16:]
    else:
        continue
    if etype == 0x86dd and len(l3) >= 60:
        # IPv6 without extension headers: ipid is the flow label, ttl the
        # hop limit, tos the traffic class
        ihl, totlen = 40, 40 + struct.unpack('>H', l3[4:6])[0]
        tos = (l3[0] & 0xf) << 4 | l3[1] >> 4
        ipid = struct.unpack('>I', l3[0:4])[0] & 0xfffff
        ttl, proto = l3[7], l3[6]
        if proto != 6:
            continue
        src = ipaddress.IPv6Address(l3[8:24]).compressed
        dst = ipaddress.IPv6Address(l3[24:40]).compressed
        addrs = l3[8:40]
    elif etype == 0x0800 and len(l3) >= 20:
        ihl = (l3[0] & 0xf) * 4
        tos, totlen, ipid = l3[1], struct.unpack('>H', l3[2:4])[0], struct.unpack('>H', l3[4:6])[0]
        ttl, proto = l3[8], l3[9]
        if proto != 6 or len(l3) < ihl + 20:
            continue
        src = '.'.join(str(b) for b in l3[12:16])
        dst = '.'.join(str(b) for b in l3[16:20])
        addrs = l3[12:20]
    else:
        continue
    t = l3[ihl:]
    sport, dport, seq, ack = struct.unpack('>HHII', t[:12])
    doff = t[12] >> 4
    fl = t[13]
    win, csum = struct.unpack('>HH', t[14:18])
    plen = totlen - ihl - doff * 4
    letters = ''.join(c for bit, c in ((1, 'F'), (2, 'S'), (4, 'R'), (8, 'P'),
                                       (32, 'U'), (64, 'E'), (128, 'W'))
                      if fl & bit)
    if fl & 16:
        letters += '.'
    seglen = totlen - ihl
    if len(t) < seglen:
        ck = 'cut'
    else:
        seg = bytearray(t[:seglen])
        pseudo = addrs + (struct.pack('>HH', 6, seglen) if etype == 0x0800
                          else struct.pack('>IxxxB', seglen, 6))
        def fold(b):
            if len(b) % 2:
                b = b + b'\0'
            s = sum(struct.unpack('>%dH' % (len(b) // 2), b))
            while s >> 16:
                s = (s & 0xffff) + (s >> 16)
            return s
        if fold(pseudo + bytes(seg)) == 0xffff:
            ck = 'ok'
        elif csum == fold(pseudo):
            ck = 'partial'
        else:
            ck = 'bad'
    mac = lambda m: ':'.join('%02x' % b for b in m)
    ts = '%d.%06d' % (sec, frac // 1000 if nano else frac)
    print(ts, mac(smac), mac(dmac), src, sport, dst, dport, letters or '-',
          seq, ack, win, ipid, ttl, doff, csum, plen, tos, ck)
EOF
}

# cap_flow FILE IP_A PORT_A IP_B PORT_B: cap_fields lines of one 4-tuple,
# both directions.
cap_flow() {
	cap_fields "$1" | awk -v a="$2" -v pa="$3" -v b="$4" -v pb="$5" \
		'($4 == a && $5 == pa && $6 == b && $7 == pb) ||
		 ($4 == b && $5 == pb && $6 == a && $7 == pa)'
}

# ------------------------------------------------------------------ xdpshake

# xs_run NAME ARGS...: run build/xdpshake ARGS (bounded by XS_RUN_TIMEOUT)
# from the host's mount namespace.  Output in $XS_TMP/NAME.out/.err, exit
# status in XS_RC; RUN_OUT/RUN_ERR name the files.
xs_run() {
	local name=$1
	shift
	RUN_OUT=$XS_TMP/$name.out
	RUN_ERR=$XS_TMP/$name.err
	timeout --kill-after=5 "$XS_RUN_TIMEOUT" "$XS_BIN" "$@" \
		>"$RUN_OUT" 2>"$RUN_ERR" </dev/null
	XS_RC=$?
	echo "xdpshake $* -> exit $XS_RC" >>"$XS_TMP/commands.log"
	return 0
}

# xs_run_full NAME ARGS...: as xs_run, with standard output on /dev/full,
# where every write fails (ENOSPC).  RUN_OUT is an empty file.
xs_run_full() {
	local name=$1
	shift
	RUN_OUT=$XS_TMP/$name.out
	RUN_ERR=$XS_TMP/$name.err
	: >"$RUN_OUT"
	timeout --kill-after=5 "$XS_RUN_TIMEOUT" "$XS_BIN" "$@" \
		>/dev/full 2>"$RUN_ERR" </dev/null
	XS_RC=$?
	echo "xdpshake $* >/dev/full -> exit $XS_RC" >>"$XS_TMP/commands.log"
	return 0
}

# write_error_once [FILE]: the last run's stderr (or FILE) says exactly once
# that something could not be written, with /dev/full's reason.
write_error_once() {
	local f=${1:-$RUN_ERR}
	[ "$(grep -c 'cannot write' "$f")" = 1 ] &&
		grep -q 'cannot write.*: No space left on device$' "$f"
}

# first_error: the last run's first stderr line that is not a warning.
first_error() { grep -v -m 1 -i 'warning' "$RUN_ERR"; }

# xs_show_run: the last xdpshake run's command output, for a FAIL's context.
xs_show_run() {
	show "xdpshake stdout" "$RUN_OUT"
	show "xdpshake stderr" "$RUN_ERR"
}

# xs_unload_at_exit NS IF: make sure programs and pins we loaded go away.
xs_unload_at_exit() {
	xs_defer "timeout 10 '$XS_BIN' unload -i '$2' --netns '$1'"
}

# json_valid FILE: FILE is JSON lines, read strictly: the bytes decode as
# UTF-8 with no error (read as bytes, so the locale cannot relax it), every
# line is one JSON value ended by a newline (no blank line, no line left
# unended), no object holds a name twice, nothing is NaN or Infinity, and
# no string escapes a lone UTF-16 surrogate (Python's json accepts both by
# default; RFC 8259 has no NaN, and a lone surrogate is no character).
json_valid() {
	"$XS_PY" -c '
import json, sys
def pairs(kv):
    names = [k for k, _ in kv]
    if len(set(names)) != len(names):
        raise ValueError("a name twice in %r" % names)
    return dict(kv)
def constant(c):
    raise ValueError("not JSON: %s" % c)
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8")
if not text.endswith("\n"):
    sys.exit(1)
for line in text[:-1].split("\n"):
    v = json.loads(line, object_pairs_hook=pairs, parse_constant=constant)
    # a lone surrogate does not encode
    json.dumps(v, ensure_ascii=False).encode("utf-8")
' "$1" 2>/dev/null
}

# json_packets FILE: from connect --json output, one line per packet event:
#   dir flags_bits seq ack src sport dst dport
# (flags_bits as a number; taken from tcp.flags_bits, or computed from a
# flags string such as "SYN,ACK" / "SA" if that is all there is.)
json_packets() {
	"$XS_PY" -c '
import json, sys
NAMES = {"FIN": 1, "SYN": 2, "RST": 4, "PSH": 8, "ACK": 16, "URG": 32,
         "ECE": 64, "CWR": 128}
def bits(tcp):
    if isinstance(tcp.get("flags_bits"), int):
        return tcp["flags_bits"]
    f = tcp.get("flags")
    if isinstance(f, int):
        return f
    if isinstance(f, list):
        return sum(NAMES.get(str(x).upper(), 0) for x in f)
    if isinstance(f, str):
        return sum(NAMES.get(x.strip().upper(), 0)
                   for x in f.replace("|", ",").replace("+", ",").split(","))
    return -1
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    o = json.loads(line)
    if o.get("event") != "packet":
        continue
    ip, tcp = o.get("ip", {}), o.get("tcp", {})
    print(o.get("dir", "-"), bits(tcp), tcp.get("seq"), tcp.get("ack"),
          ip.get("src", ip.get("saddr")), tcp.get("sport", tcp.get("src_port")),
          ip.get("dst", ip.get("daddr")), tcp.get("dport", tcp.get("dst_port")))
' "$1"
}

# json_result FILE KEY: a top-level field of the {"event":"result"} object.
json_result() {
	"$XS_PY" -c '
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        o = json.loads(line)
        if o.get("event") == "result":
            v = o.get(sys.argv[2])
            print(json.dumps(v) if isinstance(v, (dict, list)) else v)
' "$1" "$2" 2>/dev/null
}

# xs_counter NS IF NAME: value of one xs_stats counter for NS/IF, summed over
# CPUs.  Asks `xdpshake status --json` first ("counters": {...}); falls back
# to `bpftool map dump pinned` on the pinned stats map.  Prints nothing if
# neither works.
xs_counter() {
	local ns=$1 ifc=$2 name=$3 v pin f
	v=$(timeout 10 "$XS_BIN" status -i "$ifc" --netns "$ns" --json 2>/dev/null |
		"$XS_PY" -c '
import json, sys
def find(o):
    if isinstance(o, dict):
        if isinstance(o.get("counters"), dict) and sys.argv[1] in o["counters"]:
            return o["counters"][sys.argv[1]]
        for x in o.values():
            r = find(x)
            if r is not None:
                return r
    elif isinstance(o, list):
        for x in o:
            r = find(x)
            if r is not None:
                return r
    return None
try:
    r = find(json.load(sys.stdin))
except Exception:
    r = None
if r is not None:
    print(r)
' "$name" 2>/dev/null)
	if [ -n "$v" ]; then
		echo "$v"
		return 0
	fi
	pin=
	for f in stats xs_stats; do
		[ -e "$XS_PIN_ROOT/$ns/$ifc/$f" ] && pin=$XS_PIN_ROOT/$ns/$ifc/$f && break
	done
	[ -n "$pin" ] || return 1
	bpftool -j map dump pinned "$pin" 2>/dev/null | "$XS_PY" -c '
import json, sys
total = 0
for e in json.load(sys.stdin):
    vals = e.get("values") or e.get("formatted", {}).get("values") or []
    if not vals and isinstance(e.get("value"), dict):
        vals = [{"value": e["value"]}]
    for c in vals:
        v = c.get("value", {})
        if isinstance(v, dict) and sys.argv[1] in v:
            total += int(v[sys.argv[1]])
print(total)
' "$name"
}

# ----------------------------------------------------------- what is attached

# tcx_progs NS IF: the programs attached to IF's tcx hooks, one line each:
#   tcx-ingress: prog_id N / tcx-egress: prog_id N
# Debian bookworm's bpftool (7.1) and tc (6.1) do not know tcx links, so ask
# the kernel directly: BPF_PROG_QUERY on the interface (run inside NS, where
# the ifindex means IF).  Prints nothing on a kernel without tcx.
tcx_progs() {
	local ifindex
	ifindex=$(ip -n "$1" -o link show dev "$2" 2>/dev/null | cut -d: -f1)
	[ -n "$ifindex" ] || return 0
	ip netns exec "$1" "$XS_PY" - "$ifindex" <<'PYEOF' 2>/dev/null
import ctypes, platform, struct, sys
SYS_BPF = {'x86_64': 321, 'aarch64': 280}.get(platform.machine())
BPF_PROG_QUERY = 16
HOOKS = (('tcx-ingress', 46), ('tcx-egress', 47))  # BPF_TCX_INGRESS/EGRESS
if SYS_BPF is None:
    sys.exit(0)
libc = ctypes.CDLL(None, use_errno=True)
for name, atype in HOOKS:
    ids = (ctypes.c_uint32 * 64)()
    # union bpf_attr, query part: target_ifindex, attach_type, query_flags,
    # attach_flags, prog_ids (u64), count, pad, prog_attach_flags,
    # link_ids, link_attach_flags, revision.
    attr = ctypes.create_string_buffer(struct.pack(
        '=IIIIQIIQQQQ', int(sys.argv[1]), atype, 0, 0,
        ctypes.addressof(ids), 64, 0, 0, 0, 0, 0), 128)
    if libc.syscall(SYS_BPF, BPF_PROG_QUERY, attr, 128) != 0:
        continue
    count = struct.unpack_from('=I', attr.raw, 24)[0]
    for i in range(min(count, 64)):
        print('%s: prog_id %d' % (name, ids[i]))
PYEOF
}

# xs_attached NS IF: print, one per line, what BPF/XDP state of ours is on
# IF in NS or in bpffs for it; nothing at all means the interface is clean.
#   link-xdp: ...        `ip link` shows an XDP program
#   bpftool-xdp: ...     `bpftool net show` lists an XDP program on IF
#   bpftool-tc: ...      `bpftool net show` lists a tc program on IF
#   tcx-egress: ...      a tcx program on IF (see tcx_progs)
#   tc-egress: ...       `tc filter show dev IF egress` is not empty
#   qdisc: clsact        a clsact qdisc is left (a fresh veth has none)
#   pin: PATH            something under /sys/fs/bpf/xdpshake/NS/IF
xs_attached() {
	local ns=$1 ifc=$2
	ip -n "$ns" -d link show dev "$ifc" 2>/dev/null |
		grep -Eo '(xdp[a-z]*|prog/xdp[a-z]* id [0-9]+)' | sed 's/^/link-xdp: /'
	ip netns exec "$ns" bpftool -j net show 2>/dev/null | "$XS_PY" -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except Exception:
    sys.exit(0)
for sect in doc if isinstance(doc, list) else [doc]:
    for kind in ("xdp", "tc"):
        for e in sect.get(kind, []):
            if e.get("devname") == sys.argv[1]:
                print("bpftool-%s: %s" % (kind, json.dumps(e, sort_keys=True)))
' "$ifc"
	tcx_progs "$ns" "$ifc"
	tc -n "$ns" filter show dev "$ifc" egress 2>/dev/null | sed 's/^/tc-egress: /'
	tc -n "$ns" qdisc show dev "$ifc" 2>/dev/null | grep -q clsact && echo "qdisc: clsact"
	if [ -e "$XS_PIN_ROOT/$ns/$ifc" ]; then
		find "$XS_PIN_ROOT/$ns/$ifc" | sed 's/^/pin: /'
	fi
	return 0
}

# xs_clean NS IF: true if nothing of ours is left on IF (see xs_attached);
# what is left goes to $XS_TMP/attached.txt for the FAIL's context.
xs_clean() {
	xs_attached "$1" "$2" >"$XS_TMP/attached.txt"
	[ ! -s "$XS_TMP/attached.txt" ]
}
