#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 4: scan and connect --count against real kernel servers.
#   A /24 of server addresses (AnyIP route in the server namespace), routed
#   from the client through the server's veth address:
#     port 80 open on .0-.199, silently dropped (nft) on .200-.255;
#     port 81 closed everywhere (kernel RST);
#     port 82 dropped everywhere.
#   scan finds exactly the open set, reports the closed set as closed, the
#   dropped pairs not at all; shards 1/3..3/3 together equal the unsharded
#   scan with no overlap; Ctrl-C + --resume continues exactly (exit 130,
#   the state's place said; the resumed scan removes its spent state file);
#   list and csv formats; a 4-queue veth; connect --count completes N
#   handshakes the server accept()s.
#   No result is lost silently: results that cannot be written (/dev/full)
#   exit 6 with one message and stop the sending; an unwritable state
#   file is refused before the first SYN; a scan with no routable target
#   fails as connect does; summaries count in the singular when it is one.
#   Under --json every line is strict JSON: a UTF-8 banner with an invalid
#   byte as text plus its exact bytes (banner_b64), and the summary object
#   after the results on stdout (alone with -o; on stderr with csv there).
. "$(dirname "$0")/lib.sh"
xs_init scan
xs_need_bin

BLOCK=10.200.0
setup_block() { # after topo_pair
	ip -n "$SRV_NS" route add local $BLOCK.0/24 dev lo
	ip -n "$CLI_NS" route add $BLOCK.0/24 via "$SRV_IP"
	ip netns exec "$SRV_NS" nft -f - <<EOF
table inet xs_scan_test {
	chain input {
		type filter hook input priority 0;
		ip daddr $BLOCK.200-$BLOCK.255 tcp dport 80 counter drop
		tcp dport 82 counter drop
	}
}
EOF
	srv_start "$SRV_NS" 0.0.0.0 80 --backlog 4096 --count 100000 \
		--timeout "$XS_SRV_LIFE_MS"
	SRV80_OUT=$SRV_OUT
}

topo_pair 10.41.0.1 10.41.0.2
setup_block

# The expected result sets, as "ip port state" lines.
{
	for i in $(seq 0 199); do echo "$BLOCK.$i 80 open"; done
	for i in $(seq 0 255); do echo "$BLOCK.$i 81 closed"; done
} | sort >"$XS_TMP/want.txt"

norm() { # ndjson results -> sorted "ip port state"
	"$XS_PY" -c '
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        o = json.loads(line)
        print(o["ip"], o["port"], o["state"])' "$1" | sort
}

SCAN=(scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.0/24 -p 80-82 --rate 20000
	--retries 1 --timeout 300 --wait 1 -q --seed 7)

xs_run full "${SCAN[@]}" -o "$XS_TMP/full.ndjson"
norm "$XS_TMP/full.ndjson" >"$XS_TMP/full.txt"
if [ "$XS_RC" -eq 0 ] && cmp -s "$XS_TMP/full.txt" "$XS_TMP/want.txt"; then
	pass scan_exact_open_closed_sets
else
	fail scan_exact_open_closed_sets "exit $XS_RC; diff against the expected set: $(diff "$XS_TMP/want.txt" "$XS_TMP/full.txt" | head -5 | tr '\n' ' ')"
	xs_show_run
fi
# --retries 1: each of the 56 + 256 dropped pairs got its SYN and exactly
# one retransmission, no more (the firewall's counters saw them).
dropped_syns() {
	ip netns exec "$SRV_NS" nft list chain inet xs_scan_test input |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) } END { print n + 0 }'
}
nsyn=$(dropped_syns)
check scan_retries_exact "$nsyn SYNs to dropped pairs, want $(((56 + 256) * 2))" \
	test "$nsyn" = $(((56 + 256) * 2))
dups=$(sort "$XS_TMP/full.txt" | uniq -d | wc -l)
check scan_no_duplicates "$dups duplicated results" test "$dups" = 0
check scan_dropped_absent "a dropped pair was reported" \
	sh -c "! grep -qE ' 82 |^$BLOCK\.2[0-9][0-9] 80 ' '$XS_TMP/full.txt'"
json_ok=$("$XS_PY" -c '
import json, sys
need = {"ip", "port", "state", "ttl", "window", "sack", "ts", "time"}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if not need <= set(o):
        sys.exit(1)
    if o["state"] == "open" and not ("rtt_us" in o and "mss" in o):
        sys.exit(1)
' "$XS_TMP/full.ndjson" && echo yes)
check scan_ndjson_fields "ndjson results lack fields (rtt_us/mss on open ones)" test "$json_ok" = yes

# Shards: same seed, three parts; together exactly the full scan.
if xs_want scan_shards_partition; then
	for s in 1 2 3; do
		xs_run shard$s "${SCAN[@]}" --shard $s/3 -o "$XS_TMP/shard$s.ndjson"
		norm "$XS_TMP/shard$s.ndjson" >"$XS_TMP/shard$s.txt"
	done
	sort "$XS_TMP"/shard[123].txt >"$XS_TMP/shards.txt"
	overlap=$(sort "$XS_TMP"/shard[123].txt | uniq -d | wc -l)
	if cmp -s "$XS_TMP/shards.txt" "$XS_TMP/want.txt" && [ "$overlap" = 0 ] &&
		[ -s "$XS_TMP/shard1.txt" ] && [ -s "$XS_TMP/shard3.txt" ]; then
		pass scan_shards_partition
	else
		fail scan_shards_partition "overlap $overlap; union differs: $(diff "$XS_TMP/want.txt" "$XS_TMP/shards.txt" | head -3 | tr '\n' ' ')"
	fi
fi

# Ctrl-C writes the state; --resume continues exactly where it stopped.
# The signal goes when the first results are in the file (flushed once a
# second while the scan sends, for about 4 s at 200/s): a fixed 1 s could
# fall in the set-up on a busy machine, before any result.  The signal goes
# to xdpshake itself, once, as Ctrl-C sends it (xs_wait_pid bounds the
# run): timeout(1) passes a SIGINT on twice, to its child and to its
# process group, and the second forces an exit that may come before the
# state is written (exit 130, no state, no message: seen on a busy machine).
if xs_want scan_resume_exact scan_interrupt_says_state scan_resume_finished_removes_state scan_state_probe_leaves_nothing; then
	STATE=$XS_TMP/scan.state
	"$XS_BIN" scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.0/24 -p 80-82 \
		--rate 200 --retries 1 --timeout 300 --wait 1 -q --seed 9 \
		--state-file "$STATE" -o "$XS_TMP/part1.ndjson" 2>"$XS_TMP/part1.err" \
		</dev/null &
	pid=$!
	XS_BG_PIDS+=("$pid")
	xs_wait_for 20 test -s "$XS_TMP/part1.ndjson"
	kill -INT $pid
	xs_wait_pid $pid 10
	rc1=$?
	xs_run part2 scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.0/24 -p 80-82 \
		--rate 20000 --retries 1 --timeout 300 --wait 1 -q --resume "$STATE" \
		-o "$XS_TMP/part2.ndjson"
	norm "$XS_TMP/part1.ndjson" >"$XS_TMP/part1.txt"
	norm "$XS_TMP/part2.ndjson" >"$XS_TMP/part2.txt"
	sort "$XS_TMP/part1.txt" "$XS_TMP/part2.txt" >"$XS_TMP/parts.txt"
	overlap=$(sort "$XS_TMP/part1.txt" "$XS_TMP/part2.txt" | uniq -d | wc -l)
	if [ "$rc1" = 130 ] && [ "$XS_RC" = 0 ] && [ -s "$XS_TMP/part1.txt" ] &&
		[ "$overlap" = 0 ] && cmp -s "$XS_TMP/parts.txt" "$XS_TMP/want.txt"; then
		pass scan_resume_exact
	else
		fail scan_resume_exact "first exit $rc1 (want 130), second $XS_RC; part1 $(wc -l <"$XS_TMP/part1.txt") lines, overlap $overlap; $(head -c 300 "$XS_TMP/part1.err")"
	fi
	# The interrupted run said where its state is, in one line.
	check scan_interrupt_says_state "stderr of the interrupted scan: $(tr '\n' ' ' <"$XS_TMP/part1.err" | head -c 300)" \
		grep -qxF "xdpshake: interrupted: state saved to $STATE; continue with --resume $STATE" \
		"$XS_TMP/part1.err"
	# The resumed scan ran to its end: its state file is gone, and a second
	# --resume says there is nothing to resume.
	part2_err=$RUN_ERR
	xs_run part3 scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.0/24 -p 80-82 \
		--rate 20000 --retries 1 --timeout 300 --wait 1 -q --resume "$STATE" \
		-o "$XS_TMP/part3.ndjson"
	if [ ! -e "$STATE" ] && [ "$XS_RC" = 1 ] && grep -q "^xdpshake: --resume $STATE: no such state file" "$RUN_ERR" &&
		[ ! -s "$XS_TMP/part3.ndjson" ]; then
		pass scan_resume_finished_removes_state
	else
		fail scan_resume_finished_removes_state "state file $( [ -e "$STATE" ] && echo still there || echo gone), second --resume exit $XS_RC (want 1); $(head -c 200 "$part2_err") / $(first_error)"
	fi
	# The state file's place was probed before each scan: no probe is left.
	check scan_state_probe_leaves_nothing "left in $XS_TMP: $(ls "$XS_TMP" | grep -E 'probe|\.tmp$' | tr '\n' ' ')" \
		sh -c "! ls '$XS_TMP' | grep -qE 'probe|\.tmp\$'"
fi

# A second signal forces exit, even while the scan is blocked writing
# results into a pipe nobody reads; nothing is left attached.
FIFO=$XS_TMP/results.fifo
mkfifo "$FIFO"
exec 7<>"$FIFO"
"$XS_BIN" scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.0/24 -p 1-1000 --rate 20000 \
	-q --wait 30 --state-file "$XS_TMP/forced.state" >&7 2>/dev/null &
pid=$!
# Blocked in the pipe first (a signal before that is the set-up's); then
# SIGINT every 0.5 s: the first is a request, a repeat within 0.3 s of the
# first one read is taken for the same one (engine.c), and the second one
# counted forces the exit.  Bounded: 20 signals.
blocked() { grep -qs pipe_w /proc/$pid/task/*/wchan; }
xs_wait_for 30 blocked
nsig=0
while kill -0 $pid 2>/dev/null && [ $nsig -lt 20 ]; do
	kill -INT $pid 2>/dev/null && nsig=$((nsig + 1))
	for ((i = 0; i < 10; i++)); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
	done
done
xs_wait_pid $pid 10
rc=$?
exec 7>&-
if [ "$rc" = 130 ] && [ $nsig -ge 2 ] && xs_clean "$CLI_NS" "$CLI_IF"; then
	pass scan_second_signal_forces_exit
else
	fail scan_second_signal_forces_exit "exit $rc (want 130; 124: still running) after $nsig SIGINTs (want 2 or more); left: $(tr '\n' ' ' <"$XS_TMP/attached.txt")"
fi

# Other formats carry the same results.
xs_run list "${SCAN[@]}" --format list -o "$XS_TMP/list.txt"
grep -v '^#' "$XS_TMP/list.txt" | awk '{print $4, $3, $1}' | sort >"$XS_TMP/list.norm"
check scan_format_list "list output differs from the expected set" \
	cmp -s "$XS_TMP/list.norm" "$XS_TMP/want.txt"
xs_run csv "${SCAN[@]}" --format csv -o "$XS_TMP/out.csv"
tail -n +2 "$XS_TMP/out.csv" | awk -F, '$2 == "ipv4" {print $1, $3, $4}' | sort >"$XS_TMP/csv.norm"
check scan_format_csv "csv output differs from the expected set (or no header)" \
	sh -c "head -1 '$XS_TMP/out.csv' | grep -q '^ip,family,port,state' && cmp -s '$XS_TMP/csv.norm' '$XS_TMP/want.txt'"

# Bad specs: a precise error naming the token, exit 1.
xs_run badspec scan -i "$CLI_IF" --netns "$CLI_NS" 10.0.0.300 -p 80
check scan_bad_target "exit $XS_RC, stderr: $(first_error)" \
	sh -c "[ $XS_RC = 1 ] && grep -q \"10.0.0.300\" '$RUN_ERR'"
xs_run badport scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.1 -p 90-80
check scan_bad_ports "exit $XS_RC, stderr: $(first_error)" \
	sh -c "[ $XS_RC = 1 ] && grep -q \"90-80\" '$RUN_ERR'"

# Results that cannot be written: one message, exit 6, and the scan stops
# sending (at 1000 SYNs/s the 768 take 0.77 s; the first failed write
# comes with the first 4 KiB of results, some 40 of them, well before
# half of the SYNs are out).
xs_run nospace scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.0/24 -p 80-82 \
	--rate 1000 --retries 1 --timeout 300 --wait 1 --seed 7 --status-json \
	-o /dev/full
sent=$("$XS_PY" -c '
import json, sys
for l in open(sys.argv[1]):
    if l.startswith("{"):
        o = json.loads(l)
        if o.get("event") == "summary":
            print(o["sent"])' "$RUN_ERR" 2>/dev/null)
if [ "$XS_RC" = 6 ] && write_error_once &&
	grep -q "cannot write results to /dev/full" "$RUN_ERR"; then
	pass scan_output_full_exit6
else
	fail scan_output_full_exit6 "exit $XS_RC (want 6), stderr: $(grep -v '^{' "$RUN_ERR" | tr '\n' ' ' | head -c 300)"
fi
check scan_output_full_stops_sending "sent '$sent' of 768 SYNs after the results could not be written, want under 384" \
	test "${sent:-768}" -lt 384
xs_run_full nospace_stdout "${SCAN[@]}"
if [ "$XS_RC" = 6 ] && write_error_once && grep -q 'results to standard output' "$RUN_ERR"; then
	pass scan_stdout_full_exit6
else
	fail scan_stdout_full_exit6 "exit $XS_RC (want 6), stderr: $(tr '\n' ' ' <"$RUN_ERR" | head -c 300)"
fi

# A state file that cannot be written is refused before the first SYN.
cap_start "$SRV_NS" "$SRV_IF" 'tcp[tcpflags] & tcp-syn != 0'
xs_run badstate "${SCAN[@]}" --state-file /dev/null/x -o "$XS_TMP/badstate.ndjson"
cap_stop
nsyn=$(cap_fields "$CAP_FILE" | wc -l)
if [ "$XS_RC" = 1 ] && [ "$nsyn" = 0 ] && grep -q "state file '/dev/null/x'" "$RUN_ERR"; then
	pass scan_state_unwritable_before_first_syn
else
	fail scan_state_unwritable_before_first_syn "exit $XS_RC (want 1), $nsyn SYNs on the server's wire (want 0); $(first_error)"
fi

# Every target unroutable (no route to 192.0.2.0/30 in the client's
# namespace): an error and connect's exit code for no route (1), not
# "0 sent"; every target silent on the link: connect's "no ARP answer" (3).
xs_run noroute scan -i "$CLI_IF" --netns "$CLI_NS" 192.0.2.0/30 -p 80 --wait 0 -q
check scan_all_unroutable_fails "exit $XS_RC (want 1), stderr: $(first_error)" \
	sh -c "[ $XS_RC = 1 ] && grep -q '^xdpshake: nothing sent: no route through $CLI_IF to any target (4 targets skipped' '$RUN_ERR'"
xs_run noarp scan -i "$CLI_IF" --netns "$CLI_NS" 10.41.0.77 -p 80,81 --wait 0 -q
check scan_all_unresolved_fails "exit $XS_RC (want 3), stderr: $(first_error)" \
	sh -c "[ $XS_RC = 3 ] && grep -q '^xdpshake: nothing sent: no ARP answer .* (2 target-port pairs skipped' '$RUN_ERR'"

# Singular forms: one target skipped, one reply.
xs_run plural scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.1 192.0.2.1 -p 81 --wait 1 \
	-o "$XS_TMP/plural.ndjson"
if [ "$XS_RC" = 0 ] && grep -q 'warning: 1 target skipped: no route or no ARP answer for its next hop' "$RUN_ERR" &&
	grep -q ': 1 probe, 0 retransmissions (1 SYN) in .*: 0 open, 1 closed, 0 filtered, 0 unreachable, 0 silent (no answer); 1 reply, 0 duplicates' "$RUN_ERR"; then
	pass scan_summary_singular
else
	fail scan_summary_singular "exit $XS_RC; stderr: $(tr '\n' ' ' <"$RUN_ERR" | head -c 300)"
fi

# connect's result cannot be written: exit 6, not 0.
xs_run_full connect_full connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" --close rst
if [ "$XS_RC" = 6 ] && write_error_once; then
	pass connect_stdout_full_exit6
else
	fail connect_stdout_full_exit6 "exit $XS_RC (want 6), stderr: $(tr '\n' ' ' <"$RUN_ERR" | head -c 300)"
fi

# An interrupted load test exits 130, as connect does.
# Signalled directly, once, as the scan above (not through timeout(1)).
"$XS_BIN" connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" --count 100000 \
	--rate 500 -q >"$XS_TMP/ltint.out" 2>"$XS_TMP/ltint.err" </dev/null &
pid=$!
XS_BG_PIDS+=("$pid")
sleep 1
kill -INT $pid
xs_wait_pid $pid 10
rc=$?
check connect_count_interrupted_130 "exit $rc (want 130); $(tr '\n' ' ' <"$XS_TMP/ltint.err" | head -c 200)" \
	test "$rc" = 130

# --banner: the server's first bytes; --payload goes out first; a silent
# server gives an empty banner after --banner-timeout.  tserver serves one
# connection at a time (each until the scan closes it), so the eighth
# 2222 banner waits for seven such turns: 2 s leaves a busy machine room
# (idle, all eight come within a few ms) and costs only the silent port
# 80's wait.  --wait 3: the scan's end after the last SYN also ends the
# banners still awaited, so it must outlast --banner-timeout.
srv_start "$SRV_NS" 0.0.0.0 2222 --banner "SSH-2.0-xdpshake-test" --hold 3000 \
	--count 1000 --timeout "$XS_SRV_LIFE_MS"
ip netns exec "$SRV_NS" timeout 600 "$XS_PY" -c '
import socket, threading
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7777)); s.listen(64)
def serve(c):
    try:
        c.settimeout(5)
        d = c.recv(100)
        c.sendall(b"ECHO:" + d)
    except OSError:
        pass
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
' >/dev/null 2>&1 &
XS_BG_PIDS+=($!)
xs_wait_for 30 sh -c "ip netns exec '$SRV_NS' ss -ltn | grep -q ':7777 '"
xs_run banner scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.1-$BLOCK.8 -p 80,2222,7777 \
	--banner --payload 'GET / HTTP/1.0\r\n\r\n' --banner-timeout 2000 --wait 3 -q \
	-o "$XS_TMP/banner.ndjson"
"$XS_PY" - "$XS_TMP/banner.ndjson" >"$XS_TMP/banner.chk" 2>&1 <<'PYEOF'
import json, sys
by_port = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert o["state"] == "open", o
    by_port.setdefault(o["port"], []).append(o.get("banner"))
assert sorted(by_port) == [80, 2222, 7777], by_port.keys()
for p, want in ((2222, "SSH-2.0-xdpshake-test"),
                (7777, "ECHO:GET / HTTP/1.0\r\n\r\n"), (80, "")):
    assert len(by_port[p]) == 8, (p, len(by_port[p]))
    assert all(b == want for b in by_port[p]), (p, by_port[p][:2])
PYEOF
if [ "$XS_RC" = 0 ] && [ ! -s "$XS_TMP/banner.chk" ]; then
	pass scan_banner_payload
else
	fail scan_banner_payload "exit $XS_RC; $(tail -n 1 "$XS_TMP/banner.chk")"
	xs_show_run
fi

# connect --count: N handshakes, each accept()ed by the server.
n_before=$(grep -c '^ACCEPT' "$SRV80_OUT")
xs_run count connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" --count 2000 \
	--concurrency 64 --json -q
opened=$("$XS_PY" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("event") == "summary":
        print(o["open"], o["timeouts"], o["closed"])' "$RUN_OUT" 2>/dev/null)
xs_wait_for 5 sh -c "[ \$(grep -c '^ACCEPT' '$SRV80_OUT') -ge $((n_before + 2000)) ]"
accepted=$(($(grep -c '^ACCEPT' "$SRV80_OUT") - n_before))
check connect_count "exit $XS_RC, summary open/timeouts/closed '$opened', server accepted $accepted; want 0, '2000 0 0', 2000" \
	test "$XS_RC/$opened/$accepted" = "0/2000 0 0/2000"
check connect_count_json_strict "stdout of connect --count --json is not strict JSON lines" \
	json_valid "$RUN_OUT"

# A banner in UTF-8 with a byte that is not, under --json: stdout is the
# results and then the summary object, every line strict JSON; "banner" is
# the text ("café ☃" as the characters it is, not byte by byte as
# \u00XX, and 0xFF as U+FFFD), "banner_b64" the exact bytes.
srv_start "$SRV_NS" 0.0.0.0 2223 --banner $'caf\xc3\xa9 \xe2\x98\x83\xff\r\n' \
	--hold 3000 --count 1000 --timeout 30000
xs_run ubanner scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.1-$BLOCK.4 -p 2223 \
	--banner --banner-timeout 2000 --wait 3 -q --json
"$XS_PY" - "$RUN_OUT" >"$XS_TMP/ubanner.chk" 2>&1 <<'PYEOF'
import base64, json, sys
objs = [json.loads(l) for l in open(sys.argv[1], "rb").read().decode().splitlines()]
res, summ = objs[:-1], objs[-1]
assert summ.get("event") == "summary" and summ["what"] == "scan", summ
assert summ["open"] == 4 and summ["banners"] == 4, summ
assert len(res) == 4 and all("event" not in o for o in res), res
for o in res:
    assert o["banner"] == "caf\u00e9 \u2603\ufffd\r\n", o["banner"]
    b = base64.b64decode(o["banner_b64"], validate=True)
    assert b == b"caf\xc3\xa9 \xe2\x98\x83\xff\r\n", b
PYEOF
if [ "$XS_RC" = 0 ] && json_valid "$RUN_OUT" && [ ! -s "$XS_TMP/ubanner.chk" ]; then
	pass scan_json_banner_utf8
else
	fail scan_json_banner_utf8 "exit $XS_RC; $(tail -n 1 "$XS_TMP/ubanner.chk")"
	xs_show_run
fi
# With the results in a file, standard output holds the summary alone;
# with csv results on standard output, the summary goes to stderr.
xs_run ubanner_o scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.1-$BLOCK.2 -p 2223 \
	--banner --banner-timeout 2000 --wait 3 -q --json -o "$XS_TMP/ubanner.ndjson"
if [ "$XS_RC" = 0 ] && [ "$(wc -l <"$RUN_OUT")" = 1 ] &&
	grep -q '"event":"summary"' "$RUN_OUT" && json_valid "$RUN_OUT"; then
	pass scan_json_summary_alone
else
	fail scan_json_summary_alone "exit $XS_RC; want one strict summary line on stdout"
	xs_show_run
fi
xs_run ubanner_csv scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.1-$BLOCK.2 -p 2223 \
	--banner --banner-timeout 2000 --wait 3 -q --json --format csv
grep '^{' "$RUN_ERR" >"$XS_TMP/ubanner_csv.json"
# (a banner's CR LF stays inside its quoted CSV field: 3 records, 5 lines)
if [ "$XS_RC" = 0 ] && ! grep -q '^{' "$RUN_OUT" &&
	[ "$("$XS_PY" -c 'import csv, sys; print(len(list(csv.reader(open(sys.argv[1], newline="")))))' "$RUN_OUT")" = 3 ] &&
	[ "$(wc -l <"$XS_TMP/ubanner_csv.json")" = 1 ] &&
	json_valid "$XS_TMP/ubanner_csv.json"; then
	pass scan_json_summary_csv_stderr
else
	fail scan_json_summary_csv_stderr "exit $XS_RC; want the csv header and 2 rows on stdout, one strict summary line on stderr"
	xs_show_run
fi

# On the link: one ARP sweep before the first on-link SYN, not a wait per
# silent address; exactly the two live hosts are found.  The sweep asks for
# 254 addresses: our own and the broadcast address are not on the link.
topo_pair 10.43.0.1 10.43.0.2
ip -n "$SRV_NS" addr add 10.43.0.3/24 dev "$SRV_IF"
srv_start "$SRV_NS" 0.0.0.0 80 --count 100 --timeout 30000
xs_run onlink scan -i "$CLI_IF" --netns "$CLI_NS" 10.43.0.0/24 -p 80 --wait 1 \
	-o "$XS_TMP/onlink.ndjson"
norm "$XS_TMP/onlink.ndjson" >"$XS_TMP/onlink.txt"
printf '10.43.0.2 80 open\n10.43.0.3 80 open\n' >"$XS_TMP/onlink.want"
if [ "$XS_RC" = 0 ] && cmp -s "$XS_TMP/onlink.txt" "$XS_TMP/onlink.want" &&
	grep -q 'ARP sweep: 2 of 254 on-link targets answered' "$RUN_ERR"; then
	pass scan_onlink_arp_sweep
else
	fail scan_onlink_arp_sweep "exit $XS_RC; found: $(tr '\n' ' ' <"$XS_TMP/onlink.txt"); $(grep -m1 'ARP' "$RUN_ERR")"
fi

# A veth with 4 queues on each side: replies land on any queue.
topo_pair 10.42.0.1 10.42.0.2
ip -n "$CLI_NS" link del "$CLI_IF"
ip -n "$CLI_NS" link add "$CLI_IF" numtxqueues 4 numrxqueues 4 type veth \
	peer name "$SRV_IF" netns "$SRV_NS" numtxqueues 4 numrxqueues 4
ip -n "$CLI_NS" addr add "$CLI_IP/24" dev "$CLI_IF"
ip -n "$SRV_NS" addr add "$SRV_IP/24" dev "$SRV_IF"
ip -n "$CLI_NS" link set "$CLI_IF" up
ip -n "$SRV_NS" link set "$SRV_IF" up
ip netns exec "$CLI_NS" ethtool -L "$CLI_IF" rx 4 tx 4 >/dev/null 2>&1
ip netns exec "$SRV_NS" ethtool -L "$SRV_IF" rx 4 tx 4 >/dev/null 2>&1
xs_wait_for 5 xs_link_up "$CLI_NS" "$CLI_IF"
setup_block
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run mqload load -i "$CLI_IF" --netns "$CLI_NS" --sports 61000-61999
xs_run mq scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.0/24 -p 80-82 --rate 1000 \
	--retries 1 --timeout 300 --wait 1 --seed 7 --status-json \
	-o "$XS_TMP/mq.ndjson"
norm "$XS_TMP/mq.ndjson" >"$XS_TMP/mq.txt"
# Every queue has its socket and thread, sending and answering: the
# summary accounts for each SYN and reply once, spread over the queues
# (0.8 s of sending at 1000/s: each thread has its turns, even on a busy
# machine).
mq_queues=$("$XS_PY" -c '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
s = [x for x in s if x.get("event") == "summary"][-1]
q = s["queues"]
ok = (len(q) == int(sys.argv[2]) and [x["queue"] for x in q] == list(range(len(q)))
      and sum(x["sent"] for x in q) == s["sent"] == 768
      and sum(x["replies"] for x in q) == s["replies"]
      and sum(1 for x in q if x["sent"]) >= 2
      and sum(1 for x in q if x["replies"]) >= 2)
print("ok" if ok else "bad: " + json.dumps(q) + " sent %d replies %d" % (s["sent"], s["replies"]))
' "$RUN_ERR" 4 2>&1)
nosock=$(xs_counter "$CLI_NS" "$CLI_IF" rx_no_socket)
queues=$(ip netns exec "$CLI_NS" ethtool -l "$CLI_IF" 2>/dev/null | awk '/^Current/{c=1} c && /RX:/{print $2; exit}')
if [ "$XS_RC" = 0 ] && cmp -s "$XS_TMP/mq.txt" "$XS_TMP/want.txt" && [ "$nosock" = 0 ]; then
	pass scan_multiqueue_veth
else
	fail scan_multiqueue_veth "exit $XS_RC, rx_no_socket '$nosock', rx queues '$queues'; diff: $(diff "$XS_TMP/want.txt" "$XS_TMP/mq.txt" | head -3 | tr '\n' ' '); stderr: $(grep -v '^{' "$RUN_ERR" | head -3 | tr '\n' ' ')"
fi
if [ "$XS_RC" = 0 ] && [ "$mq_queues" = ok ]; then
	pass scan_multiqueue_every_queue_sends
else
	fail scan_multiqueue_every_queue_sends "exit $XS_RC, rx queues '$queues': $mq_queues"
fi

# With as many CPUs as queues, a SYN-only scan's thread i runs on the i-th
# CPU the process may use (the main thread serves queue 0); a handshake
# scan's threads float (pinned, one whose CPU runs the server waits for
# it).  Read from /proc during a slow scan.
# thread_cpus PID: "pinned" (one thread on each of the first two CPUs
# allowed), "float" (more than one thread, none held to one CPU), or what
# else the threads are on.
thread_cpus() {
	"$XS_PY" -c '
import os, sys
pid = sys.argv[1]
want = sorted(os.sched_getaffinity(0))[:2]
got = []
for t in sorted(os.listdir("/proc/%s/task" % pid), key=int):
    for line in open("/proc/%s/task/%s/status" % (pid, t)):
        if line.startswith("Cpus_allowed_list:"):
            got.append(line.split()[1])
single = sorted(int(c) for c in got if c.isdigit())
print("pinned" if single == want else
      "float" if len(got) > 1 and not single else "threads on %s" % got)
' "$1" 2>&1
}
# pin_run NAME ARGS...: a slow scan on 2 queues in the background (PIN_PID).
pin_run() {
	"$XS_BIN" scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.0/24 -p 80 \
		--queues 2 --rate 40 --wait 0 -q -o /dev/null \
		--state-file "$XS_TMP/$1.state" "${@:2}" 2>/dev/null &
	PIN_PID=$!
	XS_BG_PIDS+=("$PIN_PID")
}
if [ "$(nproc)" -lt 2 ]; then
	skip scan_threads_pinned "needs 2 CPUs, this machine has one"
	skip scan_handshake_threads_float "needs 2 CPUs, this machine has one"
elif xs_want scan_threads_pinned || xs_want scan_handshake_threads_float; then
	pin_run pin --syn-only
	# Polled, not read once after a fixed pause: on a busy machine the
	# threads may start later than 1 s.
	threads_pinned() { pinned=$(thread_cpus "$PIN_PID"); [ "$pinned" = pinned ]; }
	xs_wait_for 10 threads_pinned
	kill -INT "$PIN_PID" 2>/dev/null
	xs_wait_pid "$PIN_PID" 10
	check scan_threads_pinned "$pinned" test "$pinned" = pinned
	# Floating: never pinned in 20 looks over the first second of
	# sending (a pinning thread does so as it starts).
	pin_run float
	floated=
	threads_float() { floated=$(thread_cpus "$PIN_PID"); [ "$floated" = float ]; }
	if xs_wait_for 10 threads_float; then
		for ((i = 0; i < 20; i++)); do
			sleep 0.05
			threads_float || break
		done
	fi
	kill -INT "$PIN_PID" 2>/dev/null
	xs_wait_pid "$PIN_PID" 10
	check scan_handshake_threads_float "$floated" test "$floated" = float
fi
xs_done
