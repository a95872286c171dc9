#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 5, faults: runs that are killed or interrupted in flight.
#
# A connect to a port whose SYNs the server's nft drops stays in flight for
# as long as its --timeout; then:
#   kill -9, nothing loaded      -> nothing of ours left on the interface
#                                   (XDP, tcx, tc, qdisc) and no pin;
#   kill -9 with a `load`        -> the load stays, visible in status, the
#                                   next connect works, unload removes it;
#   kill -9 of a run that set run-only config flags on the load (connect
#   --close fin, a scan's stateless ISN check) -> the next run clears them
#                                   (a stale ISN key would drop every reply);
#   SIGINT / SIGTERM             -> exit 130 at once, detached; with a
#                                   load, the load stays and works;
#   a second signal while the cleanup hangs (stdout blocked) -> the process
#                                   ends at once, killed by that signal;
#   kill -9 in clsact mode       -> the classic filter it leaves is found
#                                   and removed (with a warning) by the next
#                                   connect, and by load; a stranger's filter
#                                   with our handle and priority stays.
# A server-side capture over the whole test: no RST from our port range.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_faults.sh"

xs_init fk
xs_need_bin

topo_pair 10.51.0.1 10.51.0.2
PINNS=$XS_PIN_ROOT/$CLI_NS
DROP=$XS_DROP_PORT
nft_drop "$SRV_NS" "$DROP"
# It serves the whole test: as long as the test may run (60 s in total
# is not enough on a busy machine).
srv_start "$SRV_NS" "$SRV_IP" 80 --count 1000 --timeout "$XS_SRV_LIFE_MS"
cap_start "$SRV_NS" "$SRV_IF"
ALL_CAP=$CAP_FILE
ALL_CAP_PID=$CAP_PID
C=(connect -i "$CLI_IF" --netns "$CLI_NS")
# In flight for 20 s unless something ends it.
INFLIGHT=(--timeout 20000 --retries 0 -q)

# connect_ok NAME SPORT: a complete handshake with the kernel server, closed
# with FIN: the server closes at once, and with the run's guard gone an open
# connection would make the kernel answer the server's FIN with an RST.
connect_ok() {
	xs_run "$1" "${C[@]}" "$SRV_IP:80" --sport "$2" --timeout 500 --retries 2 \
		--close fin -q
	if [ "$XS_RC" -eq 0 ]; then
		pass "$1"
	else
		fail "$1" "connect exited $XS_RC, want 0"
		xs_show_run
	fi
}

# clean_after NAME: nothing of ours on the client veth, no pin folder.
clean_after() {
	if xs_wait_for 2 xs_clean "$CLI_NS" "$CLI_IF" && [ ! -e "$PINNS" ]; then
		pass "$1"
	else
		fail "$1" "left behind on $CLI_NS/$CLI_IF"
		show "attached" "$XS_TMP/attached.txt"
		[ -e "$PINNS" ] && find "$PINNS" | sed 's/^/  | /'
	fi
}

# in_flight NAME SPORT: the background run's SYN from SPORT was seen.
in_flight() {
	if wait_syn "$DROP" "$2"; then
		return 0
	fi
	fail "$1" "the run never sent its SYN from port $2"
	show "stderr" "$BG_ERR"
	return 1
}

# ------------------------------------------------ kill -9, nothing loaded
bg_run k9 "${C[@]}" "$SRV_IP:$DROP" --sport 61101 "${INFLIGHT[@]}"
if in_flight kill9_in_flight 61101; then
	xs_attached "$CLI_NS" "$CLI_IF" >"$XS_TMP/k9_during.txt"
	kill -KILL "$BG_PID"
	bg_wait "$BG_PID" 5
	if grep -q '^link-xdp: ' "$XS_TMP/k9_during.txt" && [ "$BG_RC" -eq 137 ]; then
		pass kill9_was_attached
	else
		fail kill9_was_attached "want an XDP program during the run and exit 137, got $BG_RC"
		show "attached during the run" "$XS_TMP/k9_during.txt"
	fi
	clean_after kill9_leaves_nothing
fi

# ----------------------------------------------------- kill -9 with load
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run load load -i "$CLI_IF" --netns "$CLI_NS" --sports "$XS_PORT_LO-$XS_PORT_HI"
check load "load exited $XS_RC" test "$XS_RC" -eq 0
xs_attached "$CLI_NS" "$CLI_IF" | sort >"$XS_TMP/loaded.txt"
bg_run k9l "${C[@]}" "$SRV_IP:$DROP" --sport 61102 "${INFLIGHT[@]}"
if in_flight kill9_load_in_flight 61102; then
	kill -KILL "$BG_PID"
	bg_wait "$BG_PID" 5
	sleep 0.1
	xs_attached "$CLI_NS" "$CLI_IF" | sort >"$XS_TMP/loaded_after.txt"
	if cmp -s "$XS_TMP/loaded.txt" "$XS_TMP/loaded_after.txt"; then
		pass kill9_keeps_load
	else
		fail kill9_keeps_load "the load changed after kill -9 of a connect"
		diff "$XS_TMP/loaded.txt" "$XS_TMP/loaded_after.txt" | sed 's/^/  | /'
	fi
	xs_run st status -i "$CLI_IF" --netns "$CLI_NS" --json
	if [ "$XS_RC" -eq 0 ] && grep -q '"xdp"' "$RUN_OUT"; then
		pass kill9_load_in_status
	else
		fail kill9_load_in_status "status exited $XS_RC"
		xs_show_run
	fi
	# Its handshake never got an outcome: shown as abandoned, not as
	# one still in progress.
	k9state=$("$XS_PY" -c '
import json, sys
o = json.load(open(sys.argv[1]))["interfaces"][0]
print(" ".join(c["state"] for c in o["conns"] if c["local"].endswith(":61102")))' "$RUN_OUT" 2>&1)
	check kill9_conn_abandoned "the killed run's handshake shows as '$k9state'" \
		test "$k9state" = abandoned
	connect_ok kill9_load_next_connect 61103
fi

# The run-only flags a killed run leaves in the load's config.
bg_run k9f "${C[@]}" "$SRV_IP:$DROP" --sport 61104 --close fin "${INFLIGHT[@]}"
if in_flight kill9_fin_in_flight 61104; then
	during=$(status_field "$CLI_NS" "$CLI_IF" config.flags)
	kill -KILL "$BG_PID"
	bg_wait "$BG_PID" 5
	stale=$(status_field "$CLI_NS" "$CLI_IF" config.flags)
	connect_ok kill9_fin_next_connect 61105
	after=$(status_field "$CLI_NS" "$CLI_IF" config.flags)
	if [ "${during:-0}" != 0 ] && [ "${after:-x}" = 0 ]; then
		pass kill9_stale_flags_cleared
		echo "# config.flags: during $during, after kill -9 $stale, after the next run $after"
	else
		fail kill9_stale_flags_cleared "config.flags during '$during', after kill '$stale', after next run '$after' (want non-zero, -, 0)"
	fi
fi

# A scan sets XS_CFG_ISN_CHECK with its own key; killed, the key stays.
(cd "$XS_TMP" && exec "$XS_BIN" scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" \
	-p "$DROP" --rate 10 --retries 5 --timeout 5000 --wait 10 -q \
	-o "$XS_TMP/scan.ndjson" >"$XS_TMP/scan.out" 2>"$XS_TMP/scan.err" </dev/null) &
BG_PID=$!
XS_BG_PIDS+=("$BG_PID")
# isn_check_set: the load's config has XS_CFG_ISN_CHECK (1 << 1).
isn_check_set() {
	local f
	f=$(status_field "$CLI_NS" "$CLI_IF" config.flags)
	[ -n "$f" ] && [ $((f & 2)) -ne 0 ]
}
if xs_wait_for 5 isn_check_set; then
	# Let its first SYN leave, then kill it.
	sleep 0.3
	kill -KILL "$BG_PID"
	bg_wait "$BG_PID" 5
	connect_ok kill9_scan_next_connect 61106
else
	fail kill9_scan_in_flight "the scan never started (or set no flag)"
	show "scan stderr" "$XS_TMP/scan.err"
	kill -KILL "$BG_PID" 2>/dev/null
	bg_wait "$BG_PID" 5
fi

# --------------------------------------------------- SIGINT and SIGTERM
# sig_case NAME SIGNAL SPORT [ARGS...]: exit 130 long before the run's own
# end, "interrupted" printed.  The run would wait 600 s; an idle machine
# ends it about 50 ms after the signal.  Any end within bg_wait's 60 s is
# the signal's doing (no time threshold: a busy machine is not a failure).
sig_case() {
	local name=$1 sig=$2 sport=$3
	shift 3
	bg_run "$name" "${C[@]}" "$SRV_IP:$DROP" --sport "$sport" --timeout 600000 \
		--retries 0 "$@"
	set -- "$name" "$sig" "$sport"
	in_flight "$1" "$3" || return
	kill "-$2" "$BG_PID"
	bg_wait "$BG_PID" 60
	if [ "$BG_RC" -eq 130 ] && grep -q 'interrupted' "$BG_OUT"; then
		pass "$1"
		echo "# $2: exit $BG_RC after $BG_MS ms"
	else
		fail "$1" "SIG$2: exit $BG_RC after $BG_MS ms, want 130 (long before the run's 600 s) and 'interrupted'"
		show "stdout" "$BG_OUT"
		show "stderr" "$BG_ERR"
	fi
}
sig_case sigint_with_load_exit_130 INT 61110
sig_case sigterm_with_load_exit_130 TERM 61111
xs_attached "$CLI_NS" "$CLI_IF" | sort >"$XS_TMP/loaded_after_sig.txt"
check signals_keep_load "the load changed after SIGINT/SIGTERM of a connect" \
	cmp -s "$XS_TMP/loaded.txt" "$XS_TMP/loaded_after_sig.txt"
connect_ok signals_load_next_connect 61112

xs_run unload unload -i "$CLI_IF" --netns "$CLI_NS"
check unload_after_kills "unload exited $XS_RC" test "$XS_RC" -eq 0
clean_after unload_leaves_nothing

sig_case sigint_exit_130 INT 61113
clean_after sigint_detaches
sig_case sigterm_exit_130 TERM 61114
clean_after sigterm_detaches
sig_case sigint_clsact_exit_130 INT 61116 --tc clsact
clean_after sigint_clsact_detaches

# ------------------------------- a second signal ends a cleanup that hangs
# connect's stdout is a FIFO whose buffer is already full: after the first
# SIGINT it blocks writing its "interrupted" lines.  A second signal must
# end it then and there (it would stay blocked with the signal masked).
mkfifo "$XS_TMP/fifo"
"$XS_PY" - "$XS_TMP/fifo" >"$XS_TMP/fifo.log" 2>&1 <<'EOF' &
import errno, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NONBLOCK)
try:
    while True:
        os.write(fd, b"x" * 4096)
except OSError as e:
    if e.errno != errno.EAGAIN:
        raise
print("FULL", flush=True)
time.sleep(600)  # until killed below
EOF
FIFO_PID=$!
XS_BG_PIDS+=("$FIFO_PID")
if xs_wait_for 5 grep -q FULL "$XS_TMP/fifo.log"; then
	"$XS_BIN" "${C[@]}" "$SRV_IP:$DROP" --sport 61115 --timeout 20000 --retries 0 \
		>"$XS_TMP/fifo" 2>"$XS_TMP/hang.err" </dev/null &
	BG_PID=$!
	XS_BG_PIDS+=("$BG_PID")
	BG_ERR=$XS_TMP/hang.err
	if in_flight second_signal_in_flight 61115; then
		kill -INT "$BG_PID"
		sleep 1
		if kill -0 "$BG_PID" 2>/dev/null; then
			pass first_signal_cleanup_blocked
			kill -TERM "$BG_PID"
			bg_wait "$BG_PID" 5
			# 143: ended by SIGTERM itself, not by bg_wait's SIGKILL
			# (137); the FIFO stays full for 30 s, so a process that
			# ignored the signal could only end that way.  No clock.
			if [ "$BG_RC" -eq 143 ]; then
				pass second_signal_forces_exit
			else
				fail second_signal_forces_exit "after the second signal: exit $BG_RC after $BG_MS ms, want 143 (killed by that signal)"
			fi
		else
			bg_wait "$BG_PID" 1
			fail first_signal_cleanup_blocked "connect ended ($BG_RC) although its stdout was full: no hang to test"
		fi
		clean_after forced_exit_leaves_nothing
	fi
else
	fail second_signal_setup "could not fill the FIFO"
	show "fifo" "$XS_TMP/fifo.log"
fi
kill "$FIFO_PID" 2>/dev/null

# ------------------------------------------------ kill -9 in clsact mode
# our_filter: the classic guard filter (handle 0x5853, prio 0xc5) is there.
our_filter() {
	tc -n "$CLI_NS" filter show dev "$CLI_IF" egress 2>/dev/null |
		grep -q 'handle 0x5853'
}
bg_run k9c "${C[@]}" "$SRV_IP:$DROP" --sport 61120 --tc clsact "${INFLIGHT[@]}"
if in_flight kill9_clsact_in_flight 61120; then
	check clsact_run_uses_classic_filter "no filter with handle 0x5853 on egress during a --tc clsact run" our_filter
	kill -KILL "$BG_PID"
	bg_wait "$BG_PID" 5
	check kill9_clsact_leaves_filter "the killed run's classic filter is gone already (nothing to test)" our_filter
	connect_ok stale_filter_next_connect 61121
	if grep -q 'removed a TC guard filter' "$RUN_ERR"; then
		pass stale_filter_reported
	else
		fail stale_filter_reported "no warning about the stale filter"
		xs_show_run
	fi
	clean_after stale_filter_removed
fi

# The same leftover found by load.
bg_run k9c2 "${C[@]}" "$SRV_IP:$DROP" --sport 61122 --tc clsact "${INFLIGHT[@]}"
if in_flight kill9_clsact2_in_flight 61122; then
	kill -KILL "$BG_PID"
	bg_wait "$BG_PID" 5
	xs_run load2 load -i "$CLI_IF" --netns "$CLI_NS" --sports "$XS_PORT_LO-$XS_PORT_HI"
	if [ "$XS_RC" -eq 0 ] && ! our_filter; then
		pass stale_filter_removed_by_load
	else
		fail stale_filter_removed_by_load "load exited $XS_RC; filter still there: $(our_filter && echo yes)"
		xs_show_run
	fi
	xs_run unload2 unload -i "$CLI_IF" --netns "$CLI_NS"
	clean_after stale_then_unload_leaves_nothing
fi

# A stranger's filter that uses our handle and priority is not ours.
cat >"$XS_TMP/foreign_tc.c" <<'EOF'
__attribute__((section("tc"), used)) int xs_foreign_tc(void *ctx) { return -1; }
char _license[] __attribute__((section("license"), used)) = "GPL";
EOF
if "${CLANG:-clang}" -O2 -target bpf -c "$XS_TMP/foreign_tc.c" -o "$XS_TMP/foreign_tc.o" 2>"$XS_TMP/clang.err" &&
	tc -n "$CLI_NS" qdisc add dev "$CLI_IF" clsact 2>/dev/null &&
	tc -n "$CLI_NS" filter add dev "$CLI_IF" egress prio 0xc5 handle 0x5853 \
		bpf da obj "$XS_TMP/foreign_tc.o" sec tc 2>"$XS_TMP/tc.err"; then
	xs_defer "tc -n '$CLI_NS' qdisc del dev '$CLI_IF' clsact"
	connect_ok foreign_filter_connect 61123
	if our_filter && ! grep -q 'removed a TC guard filter' "$RUN_ERR"; then
		pass foreign_filter_left_alone
	else
		fail foreign_filter_left_alone "a filter that is not ours was removed or reported"
		xs_show_run
	fi
	# In clsact mode it is in the way: a clear refusal, and it stays.
	xs_run foreign_clsact "${C[@]}" "$SRV_IP:80" --sport 61124 --tc clsact \
		--timeout 300 --retries 0 -q
	if [ "$XS_RC" -eq 1 ] && grep -q 'not xdpshake' "$RUN_ERR" && our_filter; then
		pass foreign_filter_blocks_clsact_clearly
		echo "#   $(grep -m 1 '^xdpshake:' "$RUN_ERR")"
	else
		fail foreign_filter_blocks_clsact_clearly "exit $XS_RC, want 1 with a message about the foreign filter"
		xs_show_run
	fi
	tc -n "$CLI_NS" qdisc del dev "$CLI_IF" clsact
else
	fail foreign_filter_setup "could not add a foreign tc filter"
	show "clang" "$XS_TMP/clang.err"
	show "tc" "$XS_TMP/tc.err"
fi

cap_stop "$ALL_CAP_PID"
check_no_rst no_kernel_rst_escaped "$ALL_CAP"

xs_done
