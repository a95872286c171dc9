#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 9, point 3: connect --count accounts for exactly N.
#   A server that accepts slowly (tserver --delay) and a range of 20 source
#   ports for N = 300 handshakes: a port comes round again while its last
#   handshake is still in flight (nft drops some SYNs, so those wait for a
#   retransmit), and that probe must wait for its port, not be skipped.
#   Checked against the server's own accept() count:
#   - all established: exit 0, the summary's outcomes add up to N, and the
#     server accepted exactly N;
#   - some refused (nft reset) and some unanswered (nft drop) by source
#     port: exit 5, each outcome counted, adding up to N;
#   - --duration and an interrupt: what was never sent is "not attempted",
#     and the outcomes still add up to N (exit 0 and 130);
#   - --concurrency below the port range;
#   - --close none with N above the port range is refused up front;
#   - --tc clsact is honoured as without --count (it used to be ignored:
#     the guard went on as tcx), and --mss above what a frame holds is cut
#     to that with one warning.
. "$(dirname "$0")/lib.sh"
xs_init loadtest
xs_need_bin

N=300
LO=$XS_PORT_LO
HI=$((LO + 19))
topo_pair 10.48.0.1 10.48.0.2
# Port 80: one SYN in ten lost at random (its handshake waits for the
# retransmit).  Port 81: by source port, five of the twenty ports refused,
# five silent, ten answered.
ip netns exec "$SRV_NS" nft -f - <<EOF
table inet xs_loadtest {
	chain input {
		type filter hook input priority 0;
		tcp dport { 80, 83 } tcp flags & (syn | ack) == syn numgen random mod 10 == 0 counter drop
		tcp dport 81 tcp sport $((LO + 10))-$((LO + 14)) counter reject with tcp reset
		tcp dport 81 tcp sport $((LO + 15))-$((LO + 19)) counter drop
	}
}
EOF
# One slow server per case (its own port), a backlog that holds every
# completed handshake until it gets to it.
slow_srv() { # PORT: sets SRV_OUT
	srv_start "$SRV_NS" "$SRV_IP" "$1" --backlog 1024 --delay 2 \
		--count 1000000 --timeout 120000
}
accepts() { grep -c '^ACCEPT' "$1"; }
# srv_settled OUT WANT: wait (bounded) until the server has accepted WANT,
# then a little longer, so that any extra accept would show; prints the
# count.
srv_settled() {
	xs_wait_for 20 sh -c "[ \$(grep -c '^ACCEPT' '$1') -ge $2 ]"
	sleep 0.5
	accepts "$1"
}
# summary_of FILE: "count established refused timed_out unfinished
# not_attempted port_waits" from the --json summary, or "none".
summary_of() {
	"$XS_PY" -c '
import json, sys
s = None
for l in open(sys.argv[1]):
    l = l.strip()
    if l.startswith("{"):
        o = json.loads(l)
        if o.get("event") == "summary":
            s = o
keys = ("count", "established", "refused", "timed_out", "unfinished",
        "not_attempted", "port_waits")
print(" ".join(str(s.get(k, "missing")) for k in keys) if s else "none")
' "$1" 2>/dev/null || echo none
}
# adds_up "C E R T U X W": the five outcomes add up to C.
adds_up() {
	local v
	set -- $1
	# count established refused timed_out unfinished not_attempted
	# port_waits [unreachable]
	[ "$#" = 7 ] || [ "$#" = 8 ] || return 1
	for v; do
		case $v in '' | *[!0-9]*) return 1 ;; esac
	done
	[ $(($2 + $3 + $4 + $5 + $6 + ${8:-0})) = "$1" ]
}
# ports_in_range OUT: every connection the server accepted came from --sports.
ports_in_range() {
	awk -v lo="$LO" -v hi="$HI" '/^ACCEPT/ { split($2, a, ":");
		if (a[2] < lo || a[2] > hi) bad++ } END { exit bad > 0 }' "$1"
}

COUNT=(connect -i "$CLI_IF" --netns "$CLI_NS" --sports "$LO-$HI")

# 1. Every one of N established, against the slow server, with SYNs lost.
slow_srv 80
xs_run all "${COUNT[@]}" "$SRV_IP:80" --count $N --timeout 50 --retries 8 --json
sum=$(summary_of "$RUN_OUT")
acc=$(srv_settled "$SRV_OUT" $N)
read -r c e r t u x w <<<"$sum"
if [ "$XS_RC" = 0 ] && [ "$c $e $r $t $u $x" = "$N $N 0 0 0 0" ] &&
	adds_up "$sum" && [ "$acc" = $N ] && ports_in_range "$SRV_OUT" &&
	[ "${w:-0}" -gt 0 ] 2>/dev/null; then
	pass loadtest_all_n_established
else
	fail loadtest_all_n_established "exit $XS_RC (want 0); summary count/established/refused/timed_out/unfinished/not_attempted/port_waits '$sum' (want '$N $N 0 0 0 0 >0'); server accepted $acc (want $N)"
	xs_show_run
fi

# 2. Some fail: exit 5, each outcome named and counted (the text line).
slow_srv 81
xs_run some "${COUNT[@]}" "$SRV_IP:81" --count $N --timeout 50 --retries 1
line=$(grep -E '^connect: [0-9]+ handshakes:' "$RUN_ERR" | tail -n 1)
sum=$(echo "$line" | sed -nE 's/^connect: ([0-9]+) handshakes: ([0-9]+) established, ([0-9]+) refused, ([0-9]+) unreachable, ([0-9]+) timed out, ([0-9]+) unfinished, ([0-9]+) not attempted$/\1 \2 \3 \5 \6 \7 0 \4/p')
read -r c e r t u x w z <<<"$sum"
acc=$(srv_settled "$SRV_OUT" "${e:-1}")
if [ "$XS_RC" = 5 ] && adds_up "$sum" && [ "$c" = $N ] && [ "$e" -gt 0 ] &&
	[ "$r" -gt 0 ] && [ "$t" -gt 0 ] && [ "$u $x" = "0 0" ] &&
	[ "$acc" = "$e" ]; then
	pass loadtest_some_failed_exit5
else
	fail loadtest_some_failed_exit5 "exit $XS_RC (want 5); '$line' (want $N = established + refused + timed out, each > 0); server accepted $acc"
	xs_show_run
fi

# 3. --duration ends sending: the rest is "not attempted", every one
# started is established (exit 0), the whole adds up to --count.
BIG=1000000
slow_srv 82
xs_run dur "${COUNT[@]}" "$SRV_IP:82" --count $BIG --rate 300 --duration 1 --json
sum=$(summary_of "$RUN_OUT")
read -r c e r t u x w <<<"$sum"
acc=$(srv_settled "$SRV_OUT" "${e:-1}")
if [ "$XS_RC" = 0 ] && adds_up "$sum" && [ "$c" = $BIG ] &&
	[ "$r $t $u" = "0 0 0" ] && [ "$x" -gt 0 ] && [ "$e" -gt 0 ] &&
	[ "$acc" = "$e" ]; then
	pass loadtest_duration_not_attempted
else
	fail loadtest_duration_not_attempted "exit $XS_RC (want 0); summary '$sum'; server accepted $acc"
	xs_show_run
fi

# 4. An interrupt: exit 130, the never-sent counted as not attempted.
slow_srv 83
"$XS_BIN" "${COUNT[@]}" "$SRV_IP:83" --count $BIG --rate 300 --timeout 50 \
	--retries 8 --json >"$XS_TMP/int.out" 2>"$XS_TMP/int.err" &
int_pid=$!
XS_BG_PIDS+=("$int_pid")
xs_wait_for 10 sh -c "[ \$(grep -c '^ACCEPT' '$SRV_OUT') -ge 50 ]"
kill -INT "$int_pid" 2>/dev/null
xs_wait_pid "$int_pid" 10
int_rc=$?
sum=$(summary_of "$XS_TMP/int.out")
read -r c e r t u x w <<<"$sum"
acc=$(srv_settled "$SRV_OUT" "${e:-1}")
if [ "$int_rc" = 130 ] && adds_up "$sum" && [ "$c" = $BIG ] &&
	[ "$x" -gt 0 ] && [ "$e" -gt 0 ] && [ "$acc" = "$e" ]; then
	pass loadtest_interrupt_adds_up
else
	fail loadtest_interrupt_adds_up "exit $int_rc (want 130); summary '$sum'; server accepted $acc"
	show "stderr" "$XS_TMP/int.err"
fi

# 5. --concurrency below the port range: still exactly N.
slow_srv 84
xs_run conc "${COUNT[@]}" "$SRV_IP:84" --count $N --concurrency 4 --json
sum=$(summary_of "$RUN_OUT")
acc=$(srv_settled "$SRV_OUT" $N)
read -r c e r t u x w <<<"$sum"
check loadtest_concurrency "exit $XS_RC, summary '$sum', server accepted $acc; want 0, $N established of $N, $N accepted" \
	sh -c "[ '$XS_RC' = 0 ] && [ '$c $e $x' = '$N $N 0' ] && [ '$acc' = $N ]"

# 6. --close none never reuses a port: N above the range is refused before
# the first SYN, naming the range.
xs_run none "${COUNT[@]}" "$SRV_IP:84" --count 21 --close none
check loadtest_close_none_range "exit $XS_RC, stderr: $(first_error)" \
	sh -c "[ '$XS_RC' = 1 ] && grep -q -- '--sports' '$RUN_ERR' && grep -q '$LO-$HI has 20' '$RUN_ERR'"
# 7. --tc clsact: the run's guard is the classic filter (handle 0x5853) on
# egress, not a tcx link.  Port 81's last five source ports are dropped, so
# the five handshakes are in flight for seconds (two SYNs, 1 s apart) while
# the filter is looked for; and --mss 9000 is cut to what a frame holds.
our_filter() {
	tc -n "$CLI_NS" filter show dev "$CLI_IF" egress 2>/dev/null |
		grep -q 'handle 0x5853'
}
"$XS_BIN" connect -i "$CLI_IF" --netns "$CLI_NS" --sports "$((LO + 15))-$HI" \
	"$SRV_IP:81" --count 5 --timeout 1000 --retries 1 --tc clsact \
	--mss 9000 >"$XS_TMP/tc.out" 2>"$XS_TMP/tc.err" </dev/null &
tc_pid=$!
XS_BG_PIDS+=("$tc_pid")
seen=no
xs_wait_for 5 our_filter && seen=yes
xs_wait_pid "$tc_pid" 20
tc_rc=$?
check loadtest_tc_clsact "exit $tc_rc (want 5: all five unanswered); classic filter seen during the run: $seen" \
	sh -c "[ '$tc_rc' = 5 ] && [ '$seen' = yes ]"
check loadtest_mss_capped "stderr: $(grep -c -- '--mss' "$XS_TMP/tc.err") lines naming --mss; want one naming 9000" \
	sh -c "[ \$(grep -c -- '--mss' '$XS_TMP/tc.err') = 1 ] && grep -q -- '--mss 9000 .*MSS [0-9]' '$XS_TMP/tc.err'"
xs_done
