#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 11, point 2: the habits of the peers.
#   The CLI: 'help CMD' is CMD's help, an unknown command suggests the
#   nearest, an empty one says "missing command"; each alias is in -h.
#   scan --dryrun prints one line per SYN (src, dst, ports, seq, ttl,
#   window), attaches nothing and sends nothing (an empty capture), stops
#   at Ctrl-C (exit 130); -p-,
#   -p 0-65535 and service names give the ports nmap gives; -iL - reads
#   standard input with a byte order mark, spaces and names (resolved
#   once, said on stderr; a name from /etc/netns/NS/hosts resolves, one
#   that does not gives one line).
#   scan --ttl/--window, -g, --max-targets and --max-runtime on the wire;
#   -B sets the rate and conflicts with --rate.
#   load --sports, -p deprecated with a note; warnings for ports below
#   1024 and for a port a local socket listens on.
#   A foreign XDP program: the advice fits the mode (xdpgeneric, xdp) and
#   the namespace, and running it removes the program.
#   While a run-only scan owns the interface, a second scan, a connect and
#   a load name its pid, and status lists it.
#   status of a deleted interface says it is gone and how to clean up.
#   connect --close none attached for the run only says the kernel will
#   RST the server's next segment, and that 'load' first avoids it; with a
#   load it says nothing.
. "$(dirname "$0")/lib.sh"
xs_init habits
xs_need_bin

topo_pair 10.47.0.1 10.47.0.2
C=(-i "$CLI_IF" --netns "$CLI_NS")

# ------------------------------------------------------------- the CLI
"$XS_BIN" scan -h >"$XS_TMP/scan_h.txt" 2>&1
"$XS_BIN" help scan >"$XS_TMP/help_scan.txt" 2>&1
rc=$?
check help_cmd_is_cmd_help "help scan differs from scan -h (exit $rc)" \
	cmp -s "$XS_TMP/scan_h.txt" "$XS_TMP/help_scan.txt"

"$XS_BIN" scna -i x >/dev/null 2>"$XS_TMP/typo.err"
rc=$?
if [ "$rc" = 1 ] && [ "$(wc -l <"$XS_TMP/typo.err")" = 1 ] &&
	grep -q "unknown command 'scna': did you mean 'scan'?" "$XS_TMP/typo.err"; then
	pass unknown_command_suggests_nearest
else
	fail unknown_command_suggests_nearest "exit $rc: $(cat "$XS_TMP/typo.err")"
fi
"$XS_BIN" "" >/dev/null 2>"$XS_TMP/empty.err"
rc=$?
check empty_command_missing "exit $rc: $(cat "$XS_TMP/empty.err")" \
	grep -q "^xdpshake: missing command" "$XS_TMP/empty.err"

# Every alias, with whose spelling it is, in the help of its command.
ok=1
for a in "adapter IFACE  *alias of --interface" "includefile FILE  *alias of --input" \
	"excludefile F  *alias of --exclude-file" "max-rate PPS  *alias of --rate" \
	"banners  *alias of --banner" "source-ip IP  *alias of --src" \
	"adapter-ip IP  *alias of --src" "source-port LO-HI  *alias of --sports" \
	"router-mac MAC  *alias of --dst-mac"; do
	grep -Eq -- "--$a \(masscan" "$XS_TMP/scan_h.txt" || { ok=0; echo "# scan -h lacks --$a"; }
done
"$XS_BIN" connect -h >"$XS_TMP/connect_h.txt"
for a in "-e, --adapter IFACE" "-g, --source-port N" "--source-ip IP" "--router-mac MAC"; do
	grep -q -- "$a  *alias of" "$XS_TMP/connect_h.txt" || { ok=0; echo "# connect -h lacks $a"; }
done
grep -q -- "-e, --adapter" "$XS_TMP/scan_h.txt" && grep -q -- "-g, --source-port" "$XS_TMP/scan_h.txt" &&
	grep -q -- "-B, --bandwidth" "$XS_TMP/scan_h.txt" && grep -q -- "--dryrun" "$XS_TMP/scan_h.txt" &&
	grep -q -- "--max-targets" "$XS_TMP/scan_h.txt" && grep -q -- "--max-runtime" "$XS_TMP/scan_h.txt" ||
	ok=0
check aliases_in_help "an alias or a peer's option is missing from -h" [ "$ok" = 1 ]

# Small things a user trips on: bounds said, options listed, none documented.
"$XS_BIN" status --watch 0 >/dev/null 2>"$XS_TMP/watch.err"
rc=$?
"$XS_BIN" unload -h >"$XS_TMP/unload_h.txt"
if [ "$rc" = 1 ] && grep -q -- "--watch takes 1 to 3600 seconds, not '0'" "$XS_TMP/watch.err" &&
	grep -q -- "-i, --interface IFACE" "$XS_TMP/unload_h.txt" &&
	grep -q -- "-n, --netns NS" "$XS_TMP/unload_h.txt" &&
	grep -q -- "--format FMT .*none" "$XS_TMP/scan_h.txt"; then
	pass watch_bounds_unload_options_format_none
else
	fail watch_bounds_unload_options_format_none "status --watch 0 exit $rc: $(cat "$XS_TMP/watch.err")"
fi

# ------------------------------------------------------------ --dryrun
cap_start "$CLI_NS" "$CLI_IF"
xs_run dry scan "${C[@]}" --dryrun -p ssh,http "$SRV_IP" --ttl 9 --window 999 -g 62000
cap_stop
# The ISN is the keyed SipHash: a 32-bit decimal, whatever its key.
want="^SYN $CLI_IP:62000 > $SRV_IP:(22|80) seq [0-9]+ ttl 9 win 999\$"
if [ "$XS_RC" = 0 ] && [ "$(grep -Ec "$want" "$RUN_OUT")" = 2 ] &&
	[ "$(wc -l <"$RUN_OUT")" = 2 ] && grep -q ":22 " "$RUN_OUT" && grep -q ":80 " "$RUN_OUT" &&
	[ -z "$(cap_fields "$CAP_FILE")" ] && xs_clean "$CLI_NS" "$CLI_IF" &&
	[ ! -e "$XS_PIN_ROOT/$CLI_NS" ]; then
	pass dryrun_prints_sends_nothing
else
	fail dryrun_prints_sends_nothing "exit $XS_RC, want 2 SYN lines and nothing sent or attached"
	xs_show_run
	show_cap "$CAP_FILE"
fi
xs_run dry_json --json scan "${C[@]}" --dryrun -p 80 "$SRV_IP" -q
check dryrun_json "want one strict JSON line with seq" \
	"$XS_PY" -c 'import json,sys; l=open(sys.argv[1]).read().splitlines(); o=json.loads(l[0]); sys.exit(not (len(l)==1 and o["dport"]==80 and o["daddr"]==sys.argv[2] and o["family"]=="ipv4" and isinstance(o["seq"], int)))' "$RUN_OUT" "$SRV_IP"

# Ctrl-C stops a long dry run (the signals scan blocks from the start):
# exit 130 within seconds, not after 2^32 lines.
"$XS_BIN" scan "${C[@]}" --dryrun --allow-large -p 80 0.0.0.0/0 \
	>/dev/null 2>"$XS_TMP/dry_int.err" </dev/null &
pid=$!
XS_BG_PIDS+=("$pid")
# once it blocks SIGINT (bit 1 of SigBlk), as Ctrl-C in the run would find it
sigint_blocked() { (($(awk '/^SigBlk/ {print "0x" $2}' "/proc/$1/status" 2>/dev/null || echo 0) & 2)); }
xs_wait_for 10 sigint_blocked "$pid"
kill -INT "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	fail dryrun_interrupted "still running 10 s after SIGINT"
else
	wait "$pid"
	rc=$?
	check dryrun_interrupted "exit $rc (want 130): $(cat "$XS_TMP/dry_int.err")" \
		eval '[ "$rc" = 130 ] && grep -qx "xdpshake: dry run interrupted" "$XS_TMP/dry_int.err"'
fi

xs_run dry_all scan "${C[@]}" --dryrun -p- "$SRV_IP" -q
n1=$(grep -c '^SYN' "$RUN_OUT")
xs_run dry_zero scan "${C[@]}" --dryrun -p 0-65535 "$SRV_IP" -q
n2=$(grep -c '^SYN' "$RUN_OUT")
xs_run dry_half scan "${C[@]}" --dryrun -p -1024,65000- "$SRV_IP" -q
n3=$(grep -c '^SYN' "$RUN_OUT")
check nmap_port_spellings "-p-: $n1, -p 0-65535: $n2 (want 65535), -p -1024,65000-: $n3 (want 1560)" \
	[ "$n1" = 65535 -a "$n2" = 65535 -a "$n3" = 1560 ]
xs_run dry_badsvc scan "${C[@]}" --dryrun -p ssh,nosuchservice "$SRV_IP"
check unknown_service_one_line "exit $XS_RC: $(cat "$RUN_ERR")" \
	grep -q "port 'nosuchservice': not a number nor a TCP service in /etc/services" "$RUN_ERR"

# -iL - : standard input, a byte order mark, space between targets, a name.
printf '\xef\xbb\xbf%s  10.47.0.3\t10.47.0.4,10.47.0.5\nlocalhost\n' "$SRV_IP" |
	timeout 10 "$XS_BIN" scan "${C[@]}" --dryrun -p 80 -iL - >"$XS_TMP/stdin.out" 2>"$XS_TMP/stdin.err"
rc=$?
if [ "$rc" = 0 ] && [ "$(grep -c '^SYN' "$XS_TMP/stdin.out")" = 5 ] &&
	grep -q "> 127.0.0.1:80 " "$XS_TMP/stdin.out" &&
	grep -q "^xdpshake: resolved localhost to 127.0.0.1$" "$XS_TMP/stdin.err"; then
	pass input_stdin_bom_space_names
else
	fail input_stdin_bom_space_names "exit $rc"
	show stdout "$XS_TMP/stdin.out"
	show stderr "$XS_TMP/stdin.err"
fi

# A name from the namespace's own hosts file (ip netns exec mounts
# /etc/netns/NS/hosts over /etc/hosts), and one that resolves nowhere (no
# route to any DNS server from the namespace: it fails at once).
# /etc/netns itself goes too if we made it (rmdir: only when empty).
[ -d /etc/netns ] || xs_defer "rmdir /etc/netns"
mkdir -p "/etc/netns/$CLI_NS"
xs_defer "rm -rf '/etc/netns/$CLI_NS'"
echo "$SRV_IP xs-target.test" >"/etc/netns/$CLI_NS/hosts"
timeout 10 ip netns exec "$CLI_NS" "$XS_BIN" scan -i "$CLI_IF" --dryrun -p 80 xs-target.test \
	>"$XS_TMP/name.out" 2>"$XS_TMP/name.err"
rc=$?
if [ "$rc" = 0 ] && grep -q "^xdpshake: resolved xs-target.test to $SRV_IP$" "$XS_TMP/name.err" &&
	grep -q "^SYN $CLI_IP:[0-9]* > $SRV_IP:80 " "$XS_TMP/name.out"; then
	pass host_name_resolved_once_and_said
else
	fail host_name_resolved_once_and_said "exit $rc"
	show stdout "$XS_TMP/name.out"
	show stderr "$XS_TMP/name.err"
fi
timeout 20 ip netns exec "$CLI_NS" "$XS_BIN" scan -i "$CLI_IF" --dryrun -p 80 no-such-host.invalid \
	>"$XS_TMP/noname.out" 2>"$XS_TMP/noname.err"
rc=$?
if [ "$rc" = 1 ] && [ "$(wc -l <"$XS_TMP/noname.err")" = 1 ] &&
	grep -q "target 'no-such-host.invalid': cannot resolve host name" "$XS_TMP/noname.err" &&
	[ ! -s "$XS_TMP/noname.out" ]; then
	pass host_name_unresolved_one_line
else
	fail host_name_unresolved_one_line "exit $rc: $(cat "$XS_TMP/noname.err")"
fi

# --------------------------------------------- scan options on the wire
srv_start "$SRV_NS" 0.0.0.0 80 --backlog 64 --count 1000 --timeout "$XS_SRV_LIFE_MS"
cap_start "$SRV_NS" "$SRV_IF" "tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0"
xs_run wire scan "${C[@]}" "$SRV_IP" -p 80-89 --ttl 7 --window 1234 -g 62010 \
	--max-targets 4 --retries 0 --timeout 200 --wait 1 --state-file "$XS_TMP/st1" -q
cap_stop
cap_fields "$CAP_FILE" >"$XS_TMP/wire.txt"
# ts smac dmac src sport dst dport flags seq ack win ipid ttl ...
n=$(wc -l <"$XS_TMP/wire.txt")
bad=$(awk -v s="$CLI_IP" '!($4 == s && $5 == 62010 && $11 == 1234 && $13 == 7)' "$XS_TMP/wire.txt" | wc -l)
dports=$(awk '{print $7}' "$XS_TMP/wire.txt" | sort -u | wc -l)
if [ "$XS_RC" = 0 ] && [ "$n" = 4 ] && [ "$bad" = 0 ] && [ "$dports" = 4 ]; then
	pass scan_ttl_window_sport_max_targets_on_wire
else
	fail scan_ttl_window_sport_max_targets_on_wire "exit $XS_RC, $n SYNs ($bad with other ttl/window/sport, $dports ports), want 4 with ttl 7 win 1234 sport 62010"
	xs_show_run
	show "SYNs" "$XS_TMP/wire.txt"
fi

# --max-runtime: 2000 probes at 20/s stop after 1 s (sent counted, not
# timed: well under the 2000 probes), exit 0.
cap_start "$SRV_NS" "$SRV_IF" "tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0"
xs_run runtime scan "${C[@]}" "$SRV_IP" -p 1000-2999 --rate 20 --max-runtime 1 \
	--retries 0 --wait 0 --state-file "$XS_TMP/st2" -q
cap_stop
n=$(cap_fields "$CAP_FILE" | wc -l)
check scan_max_runtime_stops_sending "exit $XS_RC, $n SYNs of 2000" \
	[ "$XS_RC" = 0 -a "$n" -ge 1 -a "$n" -lt 1000 ]

xs_run bw_conflict scan "${C[@]}" "$SRV_IP" -p 80 -B 10M --rate 5
check bandwidth_conflicts_rate "exit $XS_RC: $(cat "$RUN_ERR")" \
	grep -q -- "--bandwidth and --rate do not go together" "$RUN_ERR"
xs_run bw_bad scan "${C[@]}" "$SRV_IP" -p 80 -B 10X
check bandwidth_bad_value "exit $XS_RC: $(cat "$RUN_ERR")" \
	grep -q -- "--bandwidth takes bits per second, such as 10M (K, M, G), not '10X'" "$RUN_ERR"

# ---------------------------------------------------- load --sports
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run load_p load "${C[@]}" -p 62000-62099
if [ "$XS_RC" = 0 ] && grep -q "load -p/--ports is deprecated: say --sports" "$RUN_ERR" &&
	grep -q "ports 62000-62099" "$RUN_OUT"; then
	pass load_p_deprecated_still_works
else
	fail load_p_deprecated_still_works "exit $XS_RC"
	xs_show_run
fi
xs_run unload_p unload "${C[@]}"
xs_run load_low load "${C[@]}" --sports 1000-1100
check load_warns_below_1024 "exit $XS_RC: $(cat "$RUN_ERR")" \
	grep -q "source ports 1000-1100 reach below 1024" "$RUN_ERR"
xs_run unload_low unload "${C[@]}"
srv_start "$CLI_NS" 0.0.0.0 62050 --count 1 --timeout 30000
xs_run load_listen load "${C[@]}" --sports 62000-62099
check load_warns_listening_port "exit $XS_RC: $(cat "$RUN_ERR")" \
	grep -q "a local socket listens on port 62050, inside our source ports 62000-62099" "$RUN_ERR"
kill "$SRV_PID" 2>/dev/null
xs_wait_pid "$SRV_PID" 5
xs_run unload_listen unload "${C[@]}"
xs_run load_quiet load "${C[@]}" --sports 62000-62099
check load_sports_no_warning "stderr: $(cat "$RUN_ERR")" [ "$XS_RC" = 0 -a ! -s "$RUN_ERR" ]

# ------------------------------------- connect --close none and the load
srv_start "$SRV_NS" "$SRV_IP" 8080 --count 2 --hold 2000 --timeout 30000
xs_run none_loaded connect "${C[@]}" "$SRV_IP:8080" -q
check close_none_with_load_says_nothing "exit $XS_RC: $(cat "$RUN_ERR")" \
	[ "$XS_RC" = 0 -a ! -s "$RUN_ERR" ]
xs_run unload_q unload "${C[@]}"
xs_run none_run connect "${C[@]}" "$SRV_IP:8080" -q
if [ "$XS_RC" = 0 ] && [ "$(wc -l <"$RUN_ERR")" = 1 ] &&
	grep -q "the kernel will answer the server's next segment on this connection with RST (run 'xdpshake load -i $CLI_IF --netns $CLI_NS' first" "$RUN_ERR"; then
	pass close_none_run_only_says_rst_and_fix
else
	fail close_none_run_only_says_rst_and_fix "exit $XS_RC"
	xs_show_run
fi

# ------------------------------------------- one run per interface
xs_run_bg() { # name args...: xdpshake in the background, pid in BG_PID
	local name=$1
	shift
	timeout --kill-after=5 60 "$XS_BIN" "$@" >"$XS_TMP/$name.out" 2>"$XS_TMP/$name.err" </dev/null &
	BG_PID=$!
	XS_BG_PIDS+=("$BG_PID")
}
# 1000 probes at 20/s: owns the interface for longer than the checks take.
xs_run_bg long scan "${C[@]}" 10.47.1.0/24 -p 80-83 --rate 20 --retries 0 --wait 0 \
	--dst-mac "$SRV_MAC" --state-file "$XS_TMP/st3" -q
# The lock is taken before the attach: wait for the program.
xs_wait_for 10 sh -c "ip -n '$CLI_NS' link show dev '$CLI_IF' | grep -q 'prog/xdp'"
TO_PID=$BG_PID
BG_PID=$(pgrep -P "$TO_PID" xdpshake) # timeout's child, the scan itself
xs_run second scan "${C[@]}" "$SRV_IP" -p 80 --state-file "$XS_TMP/st4"
e1=$XS_RC
grep -q "another xdpshake run (pid $BG_PID, scan) is using $CLI_IF" "$RUN_ERR"
s1=$?
xs_run second_connect connect "${C[@]}" "$SRV_IP:80" --timeout 200 --retries 0
grep -q "another xdpshake run (pid $BG_PID, scan) is using $CLI_IF" "$RUN_ERR"
s2=$?
xs_run second_load load "${C[@]}"
grep -q "another xdpshake run (pid $BG_PID, scan) owns $CLI_IF" "$RUN_ERR"
s3=$?
if [ "$e1" = 1 ] && [ "$s1" = 0 ] && [ "$s2" = 0 ] && [ "$s3" = 0 ]; then
	pass second_run_names_pid
else
	fail second_run_names_pid "scan exit $e1 ($s1), connect ($s2), load ($s3); want pid $BG_PID named"
	xs_show_run
fi
xs_run status_all status
xs_run status_all_json --json status
xs_run status_one status "${C[@]}"
if grep -q "^run: scan pid $BG_PID on $CLI_IF (netns $CLI_NS)$" "$XS_TMP/status_all.out" &&
	grep -q "^run: scan pid $BG_PID on $CLI_IF (netns $CLI_NS)$" "$XS_TMP/status_one.out" &&
	"$XS_PY" -c 'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(not any(r["pid"]==int(sys.argv[2]) and r["command"]=="scan" for r in o["runs"]))' \
		"$XS_TMP/status_all_json.out" "$BG_PID"; then
	pass status_lists_runs
else
	fail status_lists_runs "no run line for pid $BG_PID"
	show "status" "$XS_TMP/status_all.out"
	show "status -i" "$XS_TMP/status_one.out"
	show "status --json" "$XS_TMP/status_all_json.out"
fi
kill -INT "$BG_PID" 2>/dev/null
xs_wait_pid "$TO_PID" 20
xs_run after status
# Other tests' runs in their own namespaces may be listed too: only ours
# must be gone.
check run_gone_from_status "status still lists our run: $(cat "$RUN_OUT")" \
	sh -c "! grep -q '^run: .* (netns $CLI_NS)\$' '$RUN_OUT'"

# -------------------------------------------- a foreign XDP program
FOREIGN_C=$XS_TMP/foreign.c
FOREIGN_O=$XS_TMP/foreign.o
cat >"$FOREIGN_C" <<'EOF'
__attribute__((section("xdp"), used)) int xs_foreign(void *ctx) { return 2; }
char _license[] __attribute__((section("license"), used)) = "GPL";
EOF
"${CLANG:-clang}" -O2 -target bpf -c "$FOREIGN_C" -o "$FOREIGN_O" 2>"$XS_TMP/clang.err"
xs_defer "ip -n '$SRV_NS' link set dev '$SRV_IF' xdpgeneric off; ip -n '$SRV_NS' link set dev '$SRV_IF' xdp off"
for mode in xdpgeneric xdpdrv; do
	want=$mode
	[ "$mode" = xdpdrv ] && want=xdp
	if ! ip -n "$SRV_NS" link set dev "$SRV_IF" "$mode" obj "$FOREIGN_O" sec xdp 2>"$XS_TMP/ip.err"; then
		fail "foreign_${mode}_advice" "could not attach a foreign program: $(cat "$XS_TMP/ip.err")"
		continue
	fi
	xs_run "foreign_$mode" load -i "$SRV_IF" --netns "$SRV_NS"
	advice=$(grep -o "(ip -n [^)]*)" "$RUN_ERR" | tr -d '()')
	ok=0
	if [ "$advice" = "ip -n $SRV_NS link set dev $SRV_IF $want off" ]; then
		# The advice, run as given, removes the program.
		$advice && ! ip -n "$SRV_NS" link show dev "$SRV_IF" | grep -q 'prog/xdp' && ok=1
	fi
	check "foreign_${mode}_advice_fits_and_works" "advice '$advice', want 'ip -n $SRV_NS link set dev $SRV_IF $want off' that removes it; $(cat "$RUN_ERR")" \
		[ "$ok" = 1 ]
done

# ------------------------------------- status of a deleted interface
ip -n "$CLI_NS" link add xsd0 type veth peer name xsd1
ip -n "$CLI_NS" addr add 10.48.0.1/24 dev xsd0
ip -n "$CLI_NS" link set xsd0 up
ip -n "$CLI_NS" link set xsd1 up
xs_unload_at_exit "$CLI_NS" xsd0
xs_run load_del load -i xsd0 --netns "$CLI_NS" --sports 62000-62099
loaded=$XS_RC
ip -n "$CLI_NS" link del xsd0
xs_run status_del status -i xsd0 --netns "$CLI_NS"
if [ "$loaded" = 0 ] && [ "$XS_RC" = 1 ] && [ "$(wc -l <"$RUN_ERR")" = 1 ] &&
	grep -q "xsd0 is gone (deleted, or moved to another namespace), but its pins are left in $XS_PIN_ROOT/$CLI_NS/xsd0: remove them with 'xdpshake unload -i xsd0 --netns $CLI_NS'" "$RUN_ERR"; then
	pass status_deleted_interface_says_gone
else
	fail status_deleted_interface_says_gone "load exit $loaded, status exit $XS_RC"
	xs_show_run
fi
xs_run status_del_all status
check status_all_marks_gone "$(cat "$RUN_OUT")" \
	grep -q "attached to nothing (interface deleted, or XDP link detached): remove the pins with 'xdpshake unload -i xsd0 --netns $CLI_NS'" "$RUN_OUT"
xs_run unload_del unload -i xsd0 --netns "$CLI_NS"
check unload_deleted_interface "exit $XS_RC, pins: $(ls "$XS_PIN_ROOT/$CLI_NS" 2>&1)" \
	[ "$XS_RC" = 0 -a ! -e "$XS_PIN_ROOT/$CLI_NS/xsd0" ]

xs_done
