#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 11: scan's status line as a person sees it, in a terminal (tmux).
#   A /28 (port 80 open on .0-.9, dropped on .10-.15; 81 closed), scanned
#   slowly (8 probes/s) with results on the same terminal as the status
#   line.  The pane, captured many times during the run:
#     - a result and the status line never share a line;
#     - the live line is seen, with elapsed h:mm:ss, sent/total, rate,
#       replies, open, closed, drops (ring, kernel), hit rate, ETA h:mm:ss;
#       after the last SYN, "waiting N s for late replies";
#   at the end: the start line ("Scanning 16 hosts × 2 ports = 32 probes,
#   rate 8/s, shard 1/1, seed 7"), the 26 results, and a summary whose
#   outcomes add up (32 probes, 6 retransmissions (38 SYNs): 10 open,
#   16 closed, 0 filtered, 0 unreachable, 6 silent), and no status line left over.
#   With -q: never a status line; the start line and the summary stay.
. "$(dirname "$0")/lib.sh"
xs_init status
xs_need_bin
command -v tmux >/dev/null || { fail status_deps "tmux not installed (make deps)"; xs_done; }

BLOCK=10.202.0
topo_pair 10.43.0.1 10.43.0.2
ip -n "$SRV_NS" route add local $BLOCK.0/28 dev lo
ip -n "$CLI_NS" route add $BLOCK.0/28 via "$SRV_IP"
ip netns exec "$SRV_NS" nft -f - <<EOF
table inet xs_status_test {
	chain input {
		type filter hook input priority 0;
		ip daddr $BLOCK.10-$BLOCK.15 tcp dport 80 drop
	}
}
EOF
srv_start "$SRV_NS" 0.0.0.0 80 --backlog 256 --count 100000 \
	--timeout "$XS_SRV_LIFE_MS"

SOCK=$XS_TMP/tmux.sock
xs_defer "tmux -S $SOCK kill-server"
STATUS_RE='^[0-9]+:[0-9]{2}:[0-9]{2} scan: sent [0-9]+/32 \([0-9]+/s\), replies [0-9]+, open [0-9]+, closed [0-9]+, drops [0-9]+ ring [0-9]+ kernel, hit [0-9.]+%, '

# run_in_tmux NAME ARGS...: the scan in a 250x60 tmux pane; the pane
# captured every 0.2 s until the scan has exited (at most 40 s).
run_in_tmux() {
	local name=$1 i
	shift
	tmux -u -S "$SOCK" new-session -d -s "$name" -x 250 -y 60 \
		"$XS_BIN scan -i $CLI_IF --netns $CLI_NS $BLOCK.0/28 -p 80-81 --rate 8 --retries 1 --timeout 1000 --wait 3 --seed 7 $*; echo XS_EXIT=\$?; sleep 600"
	for i in $(seq 1 200); do
		tmux -S "$SOCK" capture-pane -p -J -t "$name" >"$XS_TMP/$name.$i.txt"
		grep -q '^XS_EXIT=' "$XS_TMP/$name.$i.txt" && break
		sleep 0.2
	done
	LAST=$XS_TMP/$name.$i.txt
	cat "$XS_TMP/$name".*.txt >"$XS_TMP/$name.all"
}

run_in_tmux live
# (a result not at the start of its line, or a status line after one)
shared=$(grep -cE '.\{"ip"|\{"ip".*scan: sent' "$XS_TMP/live.all")
check status_never_shares_a_line "$shared captured lines hold a result and the status line" \
	test "$shared" = 0
check status_live_line_seen "no status line in $(ls "$XS_TMP"/live.*.txt | wc -l) captures" \
	grep -Eq "${STATUS_RE}ETA [0-9]+:[0-9]{2}:[0-9]{2}$" "$XS_TMP/live.all"
check status_waiting_phase_seen "no 'waiting N s for late replies'" \
	grep -Eq "${STATUS_RE}waiting [0-9]+ s for late replies$" "$XS_TMP/live.all"
nres=$(grep -c '^{"ip"' "$LAST")
if grep -q '^XS_EXIT=0$' "$LAST" && [ "$nres" = 26 ] &&
	grep -q "^Scanning 16 hosts × 2 ports = 32 probes, rate 8/s, shard 1/1, seed 7$" "$LAST" &&
	grep -Eq '^scan: 32 probes, 6 retransmissions \(38 SYNs\) in [0-9.]+ s, [0-9]+/s: 10 open, 16 closed, 0 filtered, 0 unreachable, 6 silent \(no answer\); 26 replies, 0 duplicates, 0 invalid$' "$LAST" &&
	! grep -q ' scan: sent ' "$LAST"; then
	pass status_start_results_summary
else
	fail status_start_results_summary "$nres results; the last capture:"
	show pane "$LAST"
fi

# -q: the live line never shows; the start line and the summary do.
run_in_tmux quiet -q
if ! grep -q ' scan: sent ' "$XS_TMP/quiet.all" && grep -q '^XS_EXIT=0$' "$LAST" &&
	grep -q '^Scanning 16 hosts × 2 ports = 32 probes' "$LAST" &&
	grep -q '^scan: 32 probes, 6 retransmissions (38 SYNs)' "$LAST" &&
	[ "$(grep -c '^{"ip"' "$LAST")" = 26 ]; then
	pass status_quiet_hides_live_line_only
else
	fail status_quiet_hides_live_line_only "the last capture:"
	show pane "$LAST"
fi

xs_done
