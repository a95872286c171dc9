# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Helpers shared by the fault and container tests (t_faults_*.sh,
# t_containers.sh), on top of lib.sh: runs in the background that a test
# kills or disturbs, the server-side RST count, CPU time of a process, and
# the two small C helpers in tests/helpers/.  Source lib.sh first.

XS_FLOOD=${XS_FLOOD:-$XS_ROOT/build/tests/helpers/xsflood}
XS_ETHTOOL=${XS_ETHTOOL:-$XS_ROOT/build/tests/helpers/xsethtool}
# Port a dropped-SYN rule swallows: a connect to it stays in flight.
XS_DROP_PORT=9999

# xs_need_helpers: stop with one FAIL if the helpers are missing.
xs_need_helpers() {
	local b
	for b in "$XS_FLOOD" "$XS_ETHTOOL"; do
		if [ ! -x "$b" ]; then
			fail "$XS_TEST" "$b not built (run make test-bins)"
			xs_done
		fi
	done
}

# nft_drop NS PORT: drop TCP to PORT in NS's input (table xs_drop).
nft_drop() {
	ip netns exec "$1" nft -f - <<EOF
table inet xs_drop {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport $2 drop
	}
}
EOF
}

# nft_undrop NS: remove what nft_drop added.
nft_undrop() { ip netns exec "$1" nft delete table inet xs_drop 2>/dev/null; }

# bg_run NAME ARGS...: start build/xdpshake ARGS in the background, from
# the host's mount namespace, without a timeout wrapper so that BG_PID is
# xdpshake itself (signals and /proc/PID go to it).  Output in
# $XS_TMP/NAME.out/.err (BG_OUT, BG_ERR).  Collect it with bg_wait.
bg_run() {
	local name=$1
	shift
	BG_OUT=$XS_TMP/$name.out
	BG_ERR=$XS_TMP/$name.err
	"$XS_BIN" "$@" >"$BG_OUT" 2>"$BG_ERR" </dev/null &
	BG_PID=$!
	XS_BG_PIDS+=("$BG_PID")
	echo "xdpshake $* (background, pid $BG_PID)" >>"$XS_TMP/commands.log"
}

# bg_wait PID SECONDS: wait for a background run to end; after SECONDS it
# gets SIGKILL (a run that blocks SIGTERM must not hang the test).  Sets
# BG_RC to its exit status (137 if it had to be killed) and BG_MS to the
# time waited.
bg_wait() {
	local pid=$1 secs=$2 i n t0
	t0=$(date +%s%N)
	n=$((secs * 50))
	for ((i = 0; i < n; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.02
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	BG_RC=$?
	BG_MS=$((($(date +%s%N) - t0) / 1000000))
}

# cap_syn_seen FILE DPORT [SPORT]: the capture holds a SYN to DPORT (from
# SPORT if given) from CLI_IP.
cap_syn_seen() {
	cap_fields "$1" | awk -v c="$CLI_IP" -v d="$2" -v s="${3:-}" \
		'$4 == c && $7 == d && $8 == "S" && (s == "" || $5 == s) { f = 1 }
		 END { exit !f }'
}

# wait_syn DPORT [SPORT]: wait until the running capture
# CAP_FILE shows our SYN: the run is in flight.
# Bounded at 20 s, returning as soon as the SYN is seen: a loaded machine
# took 2-2.6 s to load, verify and send (an idle one about 0.2 s).
wait_syn() { xs_wait_for 20 cap_syn_seen "$CAP_FILE" "$@"; }

# rst_escapes FILE [LO HI]: RSTs in a server-side capture sent from CLI_IP
# with a source port in LO-HI (default: the default port range).
rst_escapes() {
	cap_fields "$1" | awk -v c="$CLI_IP" -v lo="${2:-$XS_PORT_LO}" \
		-v hi="${3:-$XS_PORT_HI}" \
		'$4 == c && $5 >= lo && $5 <= hi && $8 ~ /R/ { n++ }
		 END { print n + 0 }'
}

# check_no_rst NAME FILE [LO HI]: PASS if no RST from our range is in FILE.
check_no_rst() {
	local n
	n=$(rst_escapes "$2" "${3:-$XS_PORT_LO}" "${4:-$XS_PORT_HI}")
	if [ "$n" -eq 0 ]; then
		pass "$1"
	else
		fail "$1" "$n kernel RSTs from $CLI_IP ports ${3:-$XS_PORT_LO}-${4:-$XS_PORT_HI} reached the server"
		cap_fields "$2" | awk -v c="$CLI_IP" '$4 == c && $8 ~ /R/' |
			head -n 10 | sed 's/^/  | /'
	fi
}

# cpu_ticks PID: user + system CPU time of PID so far (all its threads), in
# clock ticks; sets CPU_NOW to it and CPU_STATE to the process state letter.
# Reads /proc with builtins only: no process is started per sample.
cpu_ticks() {
	local stat f
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	# Fields after "(comm) ": state is 1st, utime 12th, stime 13th.
	read -ra f <<<"${stat##*) }"
	CPU_STATE=${f[0]}
	CPU_NOW=$((f[11] + f[12]))
}

# watch_cpu PID SECONDS: the CPU PID uses from now until it ends (or
# SECONDS pass), sampled every 20 ms.  Sets CPU_TICKS to the ticks used
# between the first and the last sample it could read, CPU_WINDOW_MS to
# the wall time between those samples.  Whatever PID used before (start-up:
# loading and verifying BPF programs, reading BTF, which differs from one
# machine to the next) is not counted.
watch_cpu() {
	local pid=$1 n=$(($2 * 50)) i c0 t0 t
	CPU_TICKS=0
	CPU_WINDOW_MS=0
	cpu_ticks "$pid" || return 0
	c0=$CPU_NOW
	t0=${EPOCHREALTIME//[!0-9]/}
	for ((i = 0; i < n; i++)); do
		sleep 0.02
		cpu_ticks "$pid" || break
		t=${EPOCHREALTIME//[!0-9]/}
		CPU_TICKS=$((CPU_NOW - c0))
		CPU_WINDOW_MS=$(((t - t0) / 1000))
		# A zombie's figures are final.
		[ "$CPU_STATE" = Z ] && break
	done
}

# cpu_quiet: the last watch_cpu saw a process that waited without a busy
# loop.  Sets CPU_ALLOWED.  A run waiting in poll() uses next to no CPU; a
# busy loop uses a whole CPU, 100 ticks per second of window (at least 50
# with two other CPU hogs on a 2-CPU machine).  Allowed: a quarter of the
# window, plus 3 ticks for the rounding of two samples (1 tick each) and
# the run's own reaction to the fault (its error message, closing the
# sockets), which falls in the window when it ends at once.  A busy loop
# exceeds that after about 0.05 s (0.15 s on a loaded machine); a run that
# spins until its timeout uses 4 times the allowance or more.
cpu_quiet() {
	CPU_ALLOWED=$((CPU_WINDOW_MS / 40 + 3))
	[ "$CPU_TICKS" -le "$CPU_ALLOWED" ]
}

# status_field NS IF PATH: one value from `status --json`, PATH like
# config.flags or af_xdp.rx_dropped.  Prints nothing if it is not there.
status_field() {
	timeout 10 "$XS_BIN" status -i "$2" --netns "$1" --json 2>/dev/null |
		"$XS_PY" -c '
import json, sys
try:
    o = json.load(sys.stdin)
except Exception:
    sys.exit(0)
if isinstance(o, dict) and isinstance(o.get("interfaces"), list):
    o = o["interfaces"]
if isinstance(o, list):
    o = o[0] if o else {}
for k in sys.argv[1].split("."):
    o = o.get(k) if isinstance(o, dict) else None
if o is not None:
    print(o)
' "$3"
}
