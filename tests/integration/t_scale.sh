#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 9.2: huge target sets start at once, and Ctrl-C works in every phase.
#   - a set larger than a /8 (0.0.0.0/0) is refused without --exclude or
#     --allow-large; the default exclude leaves special-purpose ranges out
#     of global ones only, and --print-default-exclude prints it;
#   - next hops cost the same netlink requests for a /24 and a /16 (one
#     route dump, not a lookup per /24), read from `scan -v`;
#   - a /0 behind a default route sends its first SYN and stops on SIGINT;
#   - SIGINT during set-up (/8), the ARP sweep of a silent local /22, the
#     sending at a low rate and the --wait: exit 130, nothing attached, and
#     a state that resumes exactly.  The time from SIGINT to exit is
#     printed; the bound is a generous 10 s (a blocked signal took
#     minutes).
. "$(dirname "$0")/lib.sh"
xs_init scale
xs_need_bin

norm() { # ndjson results -> sorted "ip port state"
	"$XS_PY" -c '
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        o = json.loads(line)
        print(o["ip"], o["port"], o["state"])' "$1" | sort
}

# syn_count: SYNs to port 80 that reached the server's veth, any address.
syn_count() {
	ip netns exec "$SRV_NS" nft list chain inet xs_scale pre 2>/dev/null |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) } END { print n + 0 }'
}

# interrupt NAME READY_SECS READY_CMD -- SCAN ARGS...: run a scan in the
# background, wait (at most READY_SECS) until READY_CMD succeeds, send
# SIGINT, wait at most 10 s.  Sets IRC (exit status, 124 if it had to be
# killed) and ISECS (seconds from SIGINT to exit); stderr in $XS_TMP/NAME.err.
sigint_blocked() {
	local m
	m=$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$m" ] && (((16#$m & 2) != 0))
}

interrupt() {
	local name=$1 secs=$2 ready=$3 pid t0 t1
	shift 4
	"$XS_BIN" "$@" >"$XS_TMP/$name.out" 2>"$XS_TMP/$name.err" </dev/null &
	pid=$!
	XS_BG_PIDS+=("$pid")
	# Not before it blocks SIGINT (its first step): a signal before
	# that kills it by default, with no state saved.
	xs_wait_for 20 sigint_blocked "$pid"
	xs_wait_for "$secs" eval "$ready"
	t0=$(date +%s%N)
	kill -INT "$pid"
	xs_wait_pid "$pid" 10
	IRC=$?
	t1=$(date +%s%N)
	ISECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	echo "# $name: SIGINT -> exit $IRC after $ISECS s"
}

state_at() { sed -n "s/^$2=//p" "$1" 2>/dev/null; }

topo_pair 10.61.0.1 10.61.0.2 24
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
ip -n "$SRV_NS" route add local 10.62.0.0/16 dev lo
ip -n "$CLI_NS" route add 10.62.0.0/16 via "$SRV_IP"
ip -n "$CLI_NS" route add 192.0.0.0/22 via "$SRV_IP"
ip -n "$SRV_NS" route add local 192.0.0.0/22 dev lo
ip netns exec "$SRV_NS" nft -f - <<EOF
table inet xs_scale {
	chain pre {
		type filter hook prerouting priority -300;
		tcp dport 80 tcp flags & (syn | ack) == syn counter
	}
}
EOF
srv_start "$SRV_NS" 0.0.0.0 80 --backlog 4096 --count 100000 \
	--timeout "$XS_SRV_LIFE_MS"

# ---- Internet-scale safety
# Every scan's state file goes into our folder, also when a build that
# does not refuse runs them until it is stopped.
ST=(--state-file "$XS_TMP/any.state")
xs_run refuse scan -i "$CLI_IF" --netns "$CLI_NS" 0.0.0.0/0 -p 80 "${ST[@]}"
check scale_refuses_internet "exit $XS_RC, stderr: $(head -c 300 "$RUN_ERR")" \
	sh -c "[ $XS_RC = 1 ] && [ \$(wc -l <'$RUN_ERR') = 1 ] &&
		grep -q -- '--allow-large' '$RUN_ERR' && grep -q -- '--exclude' '$RUN_ERR'"
xs_run refuse7 scan -i "$CLI_IF" --netns "$CLI_NS" 10.0.0.0/7 -p 80 "${ST[@]}"
check scale_refuses_larger_than_8 "exit $XS_RC, stderr: $(head -c 300 "$RUN_ERR")" \
	sh -c "[ $XS_RC = 1 ] && grep -q -- '--allow-large' '$RUN_ERR'"

xs_run printex scan --print-default-exclude
cp "$RUN_OUT" "$XS_TMP/default.exclude"
check scale_print_default_exclude "exit $XS_RC; $(head -c 200 "$RUN_OUT")" \
	sh -c "[ $XS_RC = 0 ] && grep -q '^224.0.0.0/4 ' '$RUN_OUT' &&
		grep -q '^127.0.0.0/8 ' '$RUN_OUT' && ! grep -q '^10.0.0.0/8' '$RUN_OUT'"

# 192.0.0.0/22 reaches into global space (192.0.1/24, 192.0.3/24): its
# special-purpose /24s (192.0.0/24, 192.0.2/24) go; a special /24 named on
# its own is scanned as named; --no-default-exclude scans everything.
SC=(scan -i "$CLI_IF" --netns "$CLI_NS" -p 80 --rate 0 --retries 1
	--timeout 300 --wait 1 -q "${ST[@]}")
xs_run dex "${SC[@]}" 192.0.0.0/22 -o "$XS_TMP/dex.ndjson"
norm "$XS_TMP/dex.ndjson" >"$XS_TMP/dex.txt"
{ for c in 1 3; do for i in $(seq 0 255); do echo "192.0.$c.$i 80 open"; done; done; } |
	sort >"$XS_TMP/dex.want"
check scale_default_exclude_global_only "exit $XS_RC; $(wc -l <"$XS_TMP/dex.txt") results, diff: $(diff "$XS_TMP/dex.want" "$XS_TMP/dex.txt" | head -3 | tr '\n' ' ')" \
	sh -c "[ $XS_RC = 0 ] && cmp -s '$XS_TMP/dex.want' '$XS_TMP/dex.txt'"
xs_run named "${SC[@]}" 192.0.2.0/24 -o "$XS_TMP/named.ndjson"
xs_run nodex "${SC[@]}" 192.0.0.0/22 --no-default-exclude -o "$XS_TMP/nodex.ndjson"
n_named=$(norm "$XS_TMP/named.ndjson" | wc -l)
n_nodex=$(norm "$XS_TMP/nodex.ndjson" | wc -l)
check scale_default_exclude_named_and_off "named special /24: $n_named open (want 256), --no-default-exclude: $n_nodex (want 1024)" \
	test "$n_named/$n_nodex" = 256/1024
# The printed list is an exclude file: with it instead of the built-in one,
# the same set.
xs_run exfile "${SC[@]}" 192.0.0.0/22 --no-default-exclude \
	--exclude-file "$XS_TMP/default.exclude" -o "$XS_TMP/exfile.ndjson"
norm "$XS_TMP/exfile.ndjson" >"$XS_TMP/exfile.txt"
check scale_default_exclude_as_file "exit $XS_RC, $(first_error)" \
	sh -c "[ $XS_RC = 0 ] && cmp -s '$XS_TMP/dex.want' '$XS_TMP/exfile.txt'"

# ---- netlink cost: the same for a /24 and a /16 (a lookup per /24 before)
SYN=(scan -i "$CLI_IF" --netns "$CLI_NS" -p 80 --syn-only --rate 0 --retries 0
	--wait 0 -q -o /dev/null "${ST[@]}")
xs_run req24 -v "${SYN[@]}" 10.62.7.0/24
req24=$(sed -n 's/.*next hops: \([0-9]*\) route table dumps*, \([0-9]*\) route requests*.*/\1 \2/p' "$RUN_ERR")
rc24=$XS_RC
xs_run req16 -v "${SYN[@]}" 10.62.0.0/16
req16=$(sed -n 's/.*next hops: \([0-9]*\) route table dumps*, \([0-9]*\) route requests*.*/\1 \2/p' "$RUN_ERR")
check scale_route_requests_constant "exit $rc24/$XS_RC; /24: '$req24' (dumps, requests), /16: '$req16'" \
	sh -c "[ $rc24/$XS_RC = 0/0 ] && [ -n '$req24' ] && [ '$req24' = '$req16' ] &&
		[ ${req16#* } -le 4 ]"

# ---- a /0 behind a default route: first SYN, then Ctrl-C
ip -n "$CLI_NS" route add default via "$SRV_IP"
base=$(syn_count)
interrupt zero 15 "[ \$(syn_count) -gt $base ]" -- \
	scan -i "$CLI_IF" --netns "$CLI_NS" 0.0.0.0/0 -p 80 --allow-large --rate 200 \
	--wait 1 -q -o "$XS_TMP/zero.ndjson" --state-file "$XS_TMP/zero.state"
got=$(($(syn_count) - base))
check scale_zero_first_syn_and_stop "exit $IRC after ${ISECS}s, $got SYNs seen, state emitted=$(state_at "$XS_TMP/zero.state" emitted); $(head -c 300 "$XS_TMP/zero.err")" \
	sh -c "[ $IRC = 130 ] && [ $got -gt 0 ] && [ -s '$XS_TMP/zero.state' ]"
check scale_zero_nothing_attached "left: $(xs_clean "$CLI_NS" "$CLI_IF"; tr '\n' ' ' <"$XS_TMP/attached.txt")" \
	xs_clean "$CLI_NS" "$CLI_IF"
ip -n "$CLI_NS" route del default via "$SRV_IP"

# ---- SIGINT in set-up: a /8, signalled 0.1 s after the start (before the
# first SYN); the state resumes from the very start.
ip -n "$CLI_NS" route add 11.0.0.0/8 via "$SRV_IP"
interrupt setup 1 "sleep 0.1" -- \
	scan -i "$CLI_IF" --netns "$CLI_NS" 11.0.0.0/8 -p 80 --rate 100 --wait 1 -q \
	-o /dev/null --state-file "$XS_TMP/setup.state"
check scale_sigint_setup "exit $IRC after ${ISECS}s (want 130), state emitted='$(state_at "$XS_TMP/setup.state" emitted)'; $(head -c 300 "$XS_TMP/setup.err")" \
	sh -c "[ $IRC = 130 ] && [ -s '$XS_TMP/setup.state' ]"
check scale_sigint_setup_nothing_attached "left: $(xs_clean "$CLI_NS" "$CLI_IF"; tr '\n' ' ' <"$XS_TMP/attached.txt")" \
	xs_clean "$CLI_NS" "$CLI_IF"

# ---- SIGINT while sending at a low rate; --resume continues exactly.
{ for i in $(seq 0 255); do echo "10.62.9.$i 80 open"; done; } | sort >"$XS_TMP/send.want"
interrupt send 10 "[ \$(wc -l <'$XS_TMP/send.ndjson' 2>/dev/null || echo 0) -ge 20 ]" -- \
	scan -i "$CLI_IF" --netns "$CLI_NS" 10.62.9.0/24 -p 80 --rate 50 --retries 1 \
	--timeout 300 --wait 1 -q --seed 5 --state-file "$XS_TMP/send.state" \
	-o "$XS_TMP/send.ndjson"
xs_run send2 scan -i "$CLI_IF" --netns "$CLI_NS" 10.62.9.0/24 -p 80 --rate 20000 \
	--retries 1 --timeout 300 --wait 1 -q --resume "$XS_TMP/send.state" \
	-o "$XS_TMP/send2.ndjson"
norm "$XS_TMP/send.ndjson" >"$XS_TMP/send1.txt"
norm "$XS_TMP/send2.ndjson" >"$XS_TMP/send2.txt"
overlap=$(sort "$XS_TMP/send1.txt" "$XS_TMP/send2.txt" | uniq -d | wc -l)
sort "$XS_TMP/send1.txt" "$XS_TMP/send2.txt" >"$XS_TMP/send.got"
check scale_sigint_send_resume_exact "exit $IRC after ${ISECS}s (want 130), resume exit $XS_RC; $(wc -l <"$XS_TMP/send1.txt") + $(wc -l <"$XS_TMP/send2.txt") results, overlap $overlap" \
	sh -c "[ $IRC = 130 ] && [ $XS_RC = 0 ] && [ $overlap = 0 ] &&
		[ -s '$XS_TMP/send1.txt' ] && cmp -s '$XS_TMP/send.want' '$XS_TMP/send.got'"

# ---- a route added during the scan is used: the table is dumped again
# when the kernel announces the change.  10.66.0.0/24 has no route at the
# start; a second after, it has.
"$XS_BIN" -v scan -i "$CLI_IF" --netns "$CLI_NS" 10.66.0.0/24 10.62.20.0/24 -p 80 \
	--rate 200 --retries 0 --wait 1 -q --seed 3 -o "$XS_TMP/refresh.ndjson" \
	--state-file "$XS_TMP/refresh.state" 2>"$XS_TMP/refresh.err" &
rpid=$!
XS_BG_PIDS+=("$rpid")
xs_wait_for 10 eval "[ \$(wc -l <'$XS_TMP/refresh.ndjson' 2>/dev/null || echo 0) -ge 20 ]"
# Stopped while the routes are added, so that it is still sending (2.6 s
# in all) once they are there, however slow the machine.
kill -STOP "$rpid"
ip -n "$SRV_NS" route add local 10.66.0.0/24 dev lo
ip -n "$CLI_NS" route add 10.66.0.0/24 via "$SRV_IP"
kill -CONT "$rpid"
xs_wait_pid "$rpid" 20
rrc=$?
n66=$(grep -c '"ip":"10.66.0.' "$XS_TMP/refresh.ndjson")
n62=$(grep -c '"ip":"10.62.20.' "$XS_TMP/refresh.ndjson")
dumps=$(sed -n 's/.*next hops: \([0-9]*\) route table dump.*/\1/p' "$XS_TMP/refresh.err")
check scale_route_change_seen "exit $rrc; $n66 open in the new route's /24, $n62 in the other; $dumps route dumps" \
	sh -c "[ $rrc = 0 ] && [ $n66 -gt 0 ] && [ $n62 = 256 ] && [ '${dumps:-0}' -ge 2 ]"

# ---- SIGINT in the --wait: every SYN sent, six answered, waiting up to
# 60 s for two silent addresses (nft drops their SYNs).
ip netns exec "$SRV_NS" nft add rule inet xs_scale pre ip daddr 10.62.10.0/31 drop
interrupt wait 10 "grep -q '10.62.10.5' '$XS_TMP/wait.ndjson' 2>/dev/null" -- \
	scan -i "$CLI_IF" --netns "$CLI_NS" 10.62.10.0-10.62.10.7 -p 80 --retries 0 \
	--timeout 60000 --wait 60 -q -o "$XS_TMP/wait.ndjson" --state-file "$XS_TMP/wait.state"
n_wait=$(norm "$XS_TMP/wait.ndjson" | wc -l)
check scale_sigint_wait "exit $IRC after ${ISECS}s (want 130), $n_wait results (want 6); $(head -c 300 "$XS_TMP/wait.err")" \
	sh -c "[ $IRC = 130 ] && [ $n_wait = 6 ]"
check scale_sigint_wait_nothing_attached "left: $(xs_clean "$CLI_NS" "$CLI_IF"; tr '\n' ' ' <"$XS_TMP/attached.txt")" \
	xs_clean "$CLI_NS" "$CLI_IF"

# ---- SIGINT during the ARP sweep of a silent local /22 (1024 addresses,
# four rounds of a 1 s ARP timeout; only the server answers).  Our own
# address is left out: it has no next hop, and the permutation putting it
# first (1 run in 1024) would have consumed it before the sweep's wait.
topo_pair 10.63.0.1 10.63.0.2 22
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
srv_start "$SRV_NS" 0.0.0.0 80 --count 1000 --timeout "$XS_SRV_LIFE_MS"
interrupt sweep 10 "ip -n '$CLI_NS' neigh show dev '$CLI_IF' | grep -q 10.63.1." -- \
	scan -i "$CLI_IF" --netns "$CLI_NS" 10.63.0.0/22 -p 80 --wait 1 \
	--exclude 10.63.0.1 \
	-o "$XS_TMP/sweep.ndjson" --state-file "$XS_TMP/sweep.state"
emitted=$(state_at "$XS_TMP/sweep.state" emitted)
check scale_sigint_arp_sweep "exit $IRC after ${ISECS}s (want 130), state emitted='$emitted' (want 0: no SYN was due yet); $(head -c 300 "$XS_TMP/sweep.err")" \
	sh -c "[ $IRC = 130 ] && [ '$emitted' = 0 ] && ! grep -q 'ARP sweep:' '$XS_TMP/sweep.err'"
check scale_sigint_arp_sweep_nothing_attached "left: $(xs_clean "$CLI_NS" "$CLI_IF"; tr '\n' ' ' <"$XS_TMP/attached.txt")" \
	xs_clean "$CLI_NS" "$CLI_IF"
xs_run sweep2 scan -i "$CLI_IF" --netns "$CLI_NS" 10.63.0.0/22 -p 80 --wait 1 \
	--exclude 10.63.0.1 --resume "$XS_TMP/sweep.state" -o "$XS_TMP/sweep2.ndjson"
norm "$XS_TMP/sweep2.ndjson" >"$XS_TMP/sweep2.txt"
check scale_sigint_arp_sweep_resume "resume exit $XS_RC; found: $(tr '\n' ' ' <"$XS_TMP/sweep2.txt"); stderr: $(grep -v '^Scanning' "$RUN_ERR" | head -c 600)" \
	sh -c "[ $XS_RC = 0 ] && [ \"\$(cat '$XS_TMP/sweep2.txt')\" = '10.63.0.2 80 open' ]"
xs_done
