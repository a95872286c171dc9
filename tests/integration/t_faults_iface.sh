#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 5, faults: the interface goes away under a running connect.
#
# While a connect waits for a SYN-ACK that the server's nft drops:
#   ip link set down on its veth   -> a clear error, exit non-zero, little
#                                     CPU (no busy loop), nothing left;
#   its veth is deleted            -> the same; unload afterwards reports
#                                     "not loaded" cleanly;
#   ... with a `load` present      -> the same; unload removes the pins
#                                     although the interface is gone;
#   the server's namespace deleted -> the veth pair goes with it: the same;
#   its own namespace deleted      -> the run holds the namespace (and
#                                     the veth) alive: it sees the name gone
#                                     and stops, exit 4; unload of the
#                                     vanished name fails with a message;
#   a scan on a load               -> unload refuses while it runs; the
#                                     load's XDP link detached (bpftool):
#                                     exit 4, the filter named; its tcx
#                                     guard's link detached: the same.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_faults.sh"

xs_init fi
xs_need_bin

DROP=$XS_DROP_PORT
# The fault happens while the run only waits: its one SYN went to a port
# the server drops, no retransmission is due for 20 s, so no send can
# find the socket unbound.  An AF_XDP socket whose device is gone polls no
# event either: the run must notice by itself (xs_xsk_dev_error), long
# before its timeout, however late the capture shows the SYN on a busy
# machine.  (Before: the fault was found at the next send only, and a scan
# waiting for late replies ended "silent", exit 0.)
WAITING=(--timeout 20000 --retries 0)

# fault_run NAME SPORT FAULT...: start RUN (default: a connect from SPORT
# to the dropped port; a caller may set RUN=(scan ...) for one call), wait
# for its SYN from SPORT, run FAULT (a command), then watch the CPU the
# run uses from then until it ends (its start-up is not counted).  Sets
# BG_RC, BG_OUT, BG_ERR, CPU_TICKS, CPU_WINDOW_MS.
fault_run() {
	local name=$1 sport=$2
	shift 2
	[ ${#RUN[@]} -gt 0 ] || RUN=(connect -i "$CLI_IF" --netns "$CLI_NS" \
		"$SRV_IP:$DROP" --sport "$sport" "${WAITING[@]}" -q)
	bg_run "$name" "${RUN[@]}"
	RUN=()
	if ! wait_syn "$DROP" "$sport"; then
		fail "$name" "the run never sent its SYN"
		show "stderr" "$BG_ERR"
		kill -KILL "$BG_PID" 2>/dev/null
		bg_wait "$BG_PID" 2
		return 1
	fi
	"$@"
	watch_cpu "$BG_PID" 10
	bg_wait "$BG_PID" 5
	echo "# $name: exit $BG_RC, $CPU_TICKS CPU ticks in the $CPU_WINDOW_MS ms after the fault: $(cat "$BG_OUT" "$BG_ERR" | head -n 2 | tr '\n' ' ')"
}
RUN=()

# expect NAME CODES PATTERN: the last fault_run exited with one of CODES
# (space-separated), said PATTERN (ERE) on stdout or stderr, and did not
# spin after the fault (cpu_quiet: at most a quarter of a CPU).
expect() {
	local name=$1 codes=$2 pat=$3 c ok=
	for c in $codes; do [ "$BG_RC" -eq "$c" ] && ok=1; done
	if [ -n "$ok" ] && cat "$BG_OUT" "$BG_ERR" | grep -Eq "$pat"; then
		pass "${name}_clear_result"
	else
		fail "${name}_clear_result" "exit $BG_RC (want ${codes// / or }) and a message matching '$pat'"
		show "stdout" "$BG_OUT"
		show "stderr" "$BG_ERR"
	fi
	if cpu_quiet; then
		pass "${name}_no_busy_loop"
	else
		fail "${name}_no_busy_loop" "$CPU_TICKS CPU ticks in the $CPU_WINDOW_MS ms after the fault, want <= $CPU_ALLOWED"
	fi
}

# fresh_pair A B: a new client/server pair (new namespaces), nft drop and
# a capture on the server side.
fresh_pair() {
	topo_pair "$1" "$2"
	nft_drop "$SRV_NS" "$DROP"
	cap_start "$SRV_NS" "$SRV_IF"
}

# ------------------------------------------------------------ link down
fresh_pair 10.52.1.1 10.52.1.2
fault_run down 61201 ip -n "$CLI_NS" link set dev "$CLI_IF" down
expect down 4 "$CLI_IF went down during the run"
ip -n "$CLI_NS" link set dev "$CLI_IF" up
if xs_wait_for 2 xs_clean "$CLI_NS" "$CLI_IF"; then
	pass down_leaves_nothing
else
	fail down_leaves_nothing "left behind after the link went down"
	show "attached" "$XS_TMP/attached.txt"
fi

# The same under --json: the result's error names the interface.
xs_wait_for 5 xs_link_up "$CLI_NS" "$CLI_IF"
RUN=(connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$DROP" --sport 61208
	"${WAITING[@]}" --json)
fault_run downjson 61208 ip -n "$CLI_NS" link set dev "$CLI_IF" down
jerr=$("$XS_PY" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("event") == "result":
        print(o.get("result"), o.get("exit_code"), o.get("error"))' "$BG_OUT" 2>&1)
check downjson_error_names_iface "exit $BG_RC, result: $jerr" \
	eval '[ "$BG_RC" = 4 ] && [ "$jerr" = "error 4 $CLI_IF went down during the run" ]'
ip -n "$CLI_NS" link set dev "$CLI_IF" up
xs_wait_for 5 xs_link_up "$CLI_NS" "$CLI_IF"

# -------------------------------------------------------- veth deleted
fault_run vethdel 61202 ip -n "$CLI_NS" link del dev "$CLI_IF"
expect vethdel 4 "$CLI_IF is gone"
# Not a result: on stderr, as scan's (it was "error: ..." on stdout).
check vethdel_error_on_stderr "stdout: $(head -c 200 "$BG_OUT"), stderr: $(head -c 200 "$BG_ERR")" \
	eval '[ ! -s "$BG_OUT" ] && grep -q "^xdpshake: connect failed: $CLI_IF is gone" "$BG_ERR"'
cap_stop
check_no_rst down_vethdel_no_rst "$CAP_FILE"
xs_run unload_gone unload -i "$CLI_IF" --netns "$CLI_NS"
if [ "$XS_RC" -eq 1 ] && grep -q 'not loaded' "$RUN_ERR" &&
	[ ! -e "$XS_PIN_ROOT/$CLI_NS" ]; then
	pass vethdel_unload_not_loaded
else
	fail vethdel_unload_not_loaded "unload exited $XS_RC, want 1 with 'not loaded'"
	xs_show_run
fi

# ------------------------------------------- veth deleted under a load
fresh_pair 10.52.2.1 10.52.2.2
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run load load -i "$CLI_IF" --netns "$CLI_NS" --sports "$XS_PORT_LO-$XS_PORT_HI"
check load "load exited $XS_RC" test "$XS_RC" -eq 0
fault_run loaddel 61203 ip -n "$CLI_NS" link del dev "$CLI_IF"
expect loaddel 4 "$CLI_IF is gone"
# Another interface of the same name: the pins' programs are attached to
# nothing (the old one took them), so a run or a load there must say so,
# not send through a filter that is not on it (it timed out, exit 3).
ip -n "$CLI_NS" link add "$CLI_IF" type veth peer name "${CLI_IF}p"
ip -n "$CLI_NS" link set "$CLI_IF" up
ip -n "$CLI_NS" link set "${CLI_IF}p" up
ip -n "$CLI_NS" addr add "$CLI_IP/24" dev "$CLI_IF"
xs_run stale_connect connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" \
	--timeout 300 --retries 0 -q
stale_rc=$XS_RC
stale_err=$(cat "$RUN_ERR")
xs_run stale_load load -i "$CLI_IF" --netns "$CLI_NS"
check loaddel_recreated_refused "connect exit $stale_rc ($stale_err), load exit $XS_RC ($(first_error)); want 4 and 4, naming the earlier $CLI_IF and the unload with --netns" \
	eval '[ "$stale_rc" = 4 ] && [ "$XS_RC" = 4 ] &&
		grep -q "is attached to nothing (the $CLI_IF it was on deleted since" "$RUN_ERR" &&
		grep -q "unload -i $CLI_IF --netns $CLI_NS" "$RUN_ERR" &&
		[[ "$stale_err" == *"the $CLI_IF it was on deleted since"* ]]'
xs_run unload_load_gone unload -i "$CLI_IF" --netns "$CLI_NS"
if [ "$XS_RC" -eq 0 ] && [ ! -e "$XS_PIN_ROOT/$CLI_NS" ]; then
	pass loaddel_unload_removes_pins
else
	fail loaddel_unload_removes_pins "unload exited $XS_RC, or pins are left"
	xs_show_run
	[ -e "$XS_PIN_ROOT/$CLI_NS" ] && find "$XS_PIN_ROOT/$CLI_NS" | sed 's/^/  | /'
fi
xs_run unload_again unload -i "$CLI_IF" --netns "$CLI_NS"
check loaddel_unload_twice "second unload exited $XS_RC, want 1 (not loaded)" \
	test "$XS_RC" -eq 1
cap_stop

# ----------------------------- a scan and a load test that only wait
# The scan's one SYN is out and it waits 20 s for late replies: without
# the check it would end "silent, no answer", exit 0.
fresh_pair 10.52.5.1 10.52.5.2
RUN=(scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -p "$DROP"
	--sports 61206-61206 --retries 0 --wait 20 -q -oX "$XS_TMP/scandel.xml"
	--json -oJ -)
fault_run scandel 61206 ip -n "$CLI_NS" link del dev "$CLI_IF"
expect scandel 4 "scan failed: $CLI_IF is gone"
# Standard output held the -oJ document: it stays one, the error object
# goes to stderr with the summary (it followed the array on stdout).
jdoc=$("$XS_PY" -c '
import json, sys
doc = json.load(open(sys.argv[1]))
errs = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
errs = [o for o in errs if o.get("event") == "error"]
print(type(doc).__name__, len(doc), errs[0]["exit_code"] if errs else None,
      errs[0]["error"] if errs else None)' "$BG_OUT" "$BG_ERR" 2>&1)
check scandel_json_doc_error_on_stderr "stdout, stderr: $jdoc" \
	eval '[[ "$jdoc" == "list 0 4 scan failed: $CLI_IF is gone"* ]]'
# Its one probe had no answer yet: unfinished, no outcome, not silent
# (the summary said "silent": 1).
jsum=$("$XS_PY" -c '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
s = [o for o in s if o.get("event") == "summary"][-1]
print(s["sent"], sum(s[k] for k in ("open", "closed", "filtered",
                                     "unreachable", "silent")))' "$BG_ERR" 2>&1)
check scandel_probe_unfinished_not_silent "summary sent, outcomes: $jsum (want 1 0)" \
	test "$jsum" = "1 0"
# Its nmap XML is whole, and says the scan did not finish (it said
# exit="success"), as nmap's does.
xml=$("$XS_PY" -c '
import sys, xml.etree.ElementTree as ET
f = ET.parse(sys.argv[1]).getroot().find("runstats/finished")
print(f.get("exit"), f.get("errormsg"))' "$XS_TMP/scandel.xml" 2>&1)
check scandel_xml_says_error "runstats/finished: $xml" \
	eval '[[ "$xml" == "error $CLI_IF is gone"* ]]'
cap_stop
fresh_pair 10.52.6.1 10.52.6.2
RUN=(connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$DROP" --count 1
	--sports 61207-61207 --timeout 20000 -q)
fault_run countdown 61207 ip -n "$CLI_NS" link set dev "$CLI_IF" down
expect countdown 4 "load test failed: $CLI_IF went down during the run"
cap_stop

# A scan that uses a load: unload refuses while it runs (it went on deaf:
# its target "silent", exit 0), and the load's XDP link detached under it
# by bpftool is seen within a check (0.1 s), exit 4, the filter named.
fresh_pair 10.52.8.1 10.52.8.2
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run detload load -i "$CLI_IF" --netns "$CLI_NS"
check detload "load exited $XS_RC" test "$XS_RC" -eq 0
RUN=(scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -p "$DROP"
	--sports 61209-61209 --retries 0 --wait 20 -q)
detach_under_run() {
	"$XS_BIN" unload -i "$CLI_IF" --netns "$CLI_NS" >"$XS_TMP/detun.out" \
		2>"$XS_TMP/detun.err"
	DETUN_RC=$?
	bpftool link detach pinned "$XS_PIN_ROOT/$CLI_NS/$CLI_IF/link_xdp"
}
fault_run detached 61209 detach_under_run
check unload_refused_while_scan_runs "unload exit $DETUN_RC: $(head -c 300 "$XS_TMP/detun.err")" \
	eval '[ "$DETUN_RC" = 1 ] && grep -q "a scan run (pid $BG_PID) uses the load on $CLI_IF" "$XS_TMP/detun.err"'
expect detached 4 "scan failed: the XDP filter on $CLI_IF was detached during the run"
xs_run detunload unload -i "$CLI_IF" --netns "$CLI_NS"
check detached_unload_after "unload after the scan: exit $XS_RC" test "$XS_RC" -eq 0
# The same with the TC guard's tcx link: the kernel's RSTs would go out.
xs_run detload2 load -i "$CLI_IF" --netns "$CLI_NS" --tc tcx
check detload2 "load exited $XS_RC" test "$XS_RC" -eq 0
RUN=(scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -p "$DROP"
	--sports 61210-61210 --retries 0 --wait 20 -q)
fault_run unguarded 61210 bpftool link detach pinned \
	"$XS_PIN_ROOT/$CLI_NS/$CLI_IF/link_tc"
expect unguarded 4 "scan failed: the TC guard on $CLI_IF was detached during the run"
xs_run detunload2 unload -i "$CLI_IF" --netns "$CLI_NS"
# A clsact guard has no link: its filter deleted (tc filter del) under a
# scan of a clsact load, and under a connect that attached its own (before:
# neither noticed; the kernel's RSTs went out).
xs_run clsload load -i "$CLI_IF" --netns "$CLI_NS" --tc clsact
check clsload "load exited $XS_RC" test "$XS_RC" -eq 0
RUN=(scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -p "$DROP"
	--sports 61212-61212 --retries 0 --wait 20 -q)
fault_run clsunguarded 61212 tc -n "$CLI_NS" filter del dev "$CLI_IF" egress
expect clsunguarded 4 "scan failed: the TC guard on $CLI_IF was detached during the run"
xs_run clsunload unload -i "$CLI_IF" --netns "$CLI_NS"
RUN=(connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$DROP" --sport 61213
	--tc clsact "${WAITING[@]}" -q)
fault_run clsconnect 61213 tc -n "$CLI_NS" filter del dev "$CLI_IF" egress
expect clsconnect 4 "connect failed: the TC guard on $CLI_IF was detached during the run"
check clsconnect_one_line "stderr: $(head -c 300 "$BG_ERR")" \
	eval '! grep -q "Kernel error message" "$BG_ERR"'
# A load whose guard is gone before the run (tcx link detached, clsact
# filter deleted): refused before the first SYN, exit 4 (before: connect
# went on unguarded, exit 0; scan sent, then said "during the run").
gone_before() {
	local name=$1 sport=$2
	xs_run "$name" scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -p "$DROP" \
		--sports "$sport-$sport" --retries 0 --wait 1 -q
	check "$name" "exit $XS_RC (want 4): $(first_error)" \
		eval '[ "$XS_RC" = 4 ] && ! grep -q "Scanning" "$RUN_ERR" &&
			grep -q "the load on $CLI_IF has lost its TC guard" "$RUN_ERR"'
	xs_run "${name}_unload" unload -i "$CLI_IF" --netns "$CLI_NS"
}
xs_run gbload load -i "$CLI_IF" --netns "$CLI_NS" --tc tcx
bpftool link detach pinned "$XS_PIN_ROOT/$CLI_NS/$CLI_IF/link_tc"
gone_before guard_gone_before_tcx 61214
xs_run gbload2 load -i "$CLI_IF" --netns "$CLI_NS" --tc clsact
tc -n "$CLI_NS" filter del dev "$CLI_IF" egress
gone_before guard_gone_before_clsact 61215
cap_stop

# A scan stopped by its interface going down saves its state, as Ctrl-C
# does (it saved none: the scan had to start again), with the probes left
# unfinished (it only counted them: they were never sent again); once the
# link is up, --resume sends those first, then the rest.  Every port of
# the host is closed (RST): the two runs' results are exactly the 3,000
# ports, no port in both runs, none missing.
fresh_pair 10.52.9.1 10.52.9.2
FSTATE=$XS_TMP/fault.state
FSCAN=(scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -p 1-3000 --rate 500
	--retries 1 --timeout 300 --wait 1 --show closed --seed 5 -q
	--state-file "$FSTATE")
bg_run faultsave "${FSCAN[@]}" -oJ "$XS_TMP/fault1.json"
# Not frozen while the link goes down: the kernel flushes the link's
# routes, and the scan's route table may be dumped again before the run
# sees the link down: the targets without a route then were skipped as
# unroutable, silently, most of the scan (now the interface is looked at
# first).  6 s of sending leave the fault time to come before the end.
if xs_wait_for 20 grep -qs '"closed"' "$XS_TMP/fault1.json"; then
	ip -n "$CLI_NS" link set dev "$CLI_IF" down
else
	fail faultsave "no result before the fault"
fi
bg_wait "$BG_PID" 10
f1_rc=$BG_RC
unfin=$(sed -n 's/.*state saved to .*(it sends the \([0-9]*\) probes\{0,1\} unfinished when it stopped first).*/\1/p' "$BG_ERR")
grep -q "state saved to $FSTATE; continue with --resume $FSTATE" "$BG_ERR" &&
	[ -z "$unfin" ] && unfin=0
listed=$(sed -n 's/^unfinished=//p' "$FSTATE" 2>/dev/null | tr ',' '\n' | grep -c .)
# The dry run of the resume: the unfinished probes first, then the rest:
# together exactly the ports the first run has no result for.
xs_run faultdry "${FSCAN[@]}" --resume "$FSTATE" --dryrun
dry=$("$XS_PY" -c '
import json, re, sys
a = {o["port"] for o in json.load(open(sys.argv[1]))}
d = [int(m.group(1)) for m in map(re.compile(r" > [0-9.]+:([0-9]+) ").search, open(sys.argv[2])) if m]
u = int(sys.argv[3] or 0)
print(len(d), len(set(d)), len(set(d) & a), len(set(d[:u]) & a), 3000 - len(a | set(d)))' \
	"$XS_TMP/fault1.json" "$RUN_OUT" "$listed" 2>&1)
check fault_dryrun_unfinished_first "dry run exit $XS_RC; lines, distinct, already done, of the first $listed already done, missing: $dry (want N N 0 0 0)" \
	eval '[ "$XS_RC" = 0 ] && read -r l u d f m <<<"$dry" && [ "$l" = "$u" ] &&
		[ "$d" = 0 ] && [ "$f" = 0 ] && [ "$m" = 0 ]'
ip -n "$CLI_NS" link set dev "$CLI_IF" up
xs_wait_for 5 xs_link_up "$CLI_NS" "$CLI_IF"
xs_run faultresume "${FSCAN[@]}" --resume "$FSTATE" -oJ "$XS_TMP/fault2.json"
parts=$("$XS_PY" -c '
import json, sys
a = {o["port"] for o in json.load(open(sys.argv[1]))}
b = {o["port"] for o in json.load(open(sys.argv[2]))}
print(len(a), len(b), len(a & b), 3000 - len(a | b))' \
	"$XS_TMP/fault1.json" "$XS_TMP/fault2.json" 2>&1)
echo "# faultsave: $(grep -m1 'state saved' "$BG_ERR"); results first, second, in both, missing: $parts"
check fault_saves_state_resume_sends_rest "first exit $f1_rc (want 4), unfinished '$unfin' (in the state: $listed), resume exit $XS_RC (want 0); results first, second, in both, missing: $parts (want 0 in both, 0 missing)" \
	eval '[ "$f1_rc" = 4 ] && [ -n "$unfin" ] && [ "$unfin" = "$listed" ] &&
		[ "$XS_RC" = 0 ] &&
		read -r n1 n2 both miss <<<"$parts" && [ "$n1" -gt 0 ] &&
		[ "$n2" -gt 0 ] && [ "$both" = 0 ] && [ "$miss" = 0 ]'

# --max-targets counts the scan's pairs over its resumed runs too: a scan
# of at most 600 pairs interrupted, then resumed with the same limit, gives
# 600 results in all (it sent 600 more and removed its state: over the
# budget, and the rest of the scan no longer resumable).
MSCAN=("${FSCAN[@]}" --max-targets 600 --rate 200 --state-file "$XS_TMP/max.state")
bg_run maxint "${MSCAN[@]}" -oJ "$XS_TMP/max1.json"
xs_wait_for 20 grep -qs '"closed"' "$XS_TMP/max1.json"
kill -INT "$BG_PID"
bg_wait "$BG_PID" 20
m1_rc=$BG_RC
xs_run maxresume "${MSCAN[@]}" --resume "$XS_TMP/max.state" -oJ "$XS_TMP/max2.json"
mparts=$("$XS_PY" -c '
import json, sys
a = [o["port"] for o in json.load(open(sys.argv[1]))]
b = [o["port"] for o in json.load(open(sys.argv[2]))]
print(len(a), len(b), len(set(a) & set(b)), len(set(a) | set(b)))' \
	"$XS_TMP/max1.json" "$XS_TMP/max2.json" 2>&1)
check max_targets_over_resumed_runs "first exit $m1_rc (want 130), resume exit $XS_RC (want 0); first, second, in both, union: $mparts (want 0 in both, 600 in all)" \
	eval '[ "$m1_rc" = 130 ] && [ "$XS_RC" = 0 ] &&
		read -r n1 n2 both all <<<"$mparts" && [ "$n1" -gt 0 ] &&
		[ "$both" = 0 ] && [ "$all" = 600 ] && [ $((n1 + n2)) = 600 ]'
cap_stop

# The interface deleted during the scan's ARP sweep (a /24 of which one
# host answers: the sweep waits for the rest): the sweep stops, the run
# says so.  (Before: the sweep ran to its end, "ARP sweep: 1 of 254
# on-link targets answered", and only then did the run see the fault.)
fresh_pair 10.52.7.1 10.52.7.2
bg_run sweepdel scan -i "$CLI_IF" --netns "$CLI_NS" 10.52.7.0/24 -p "$DROP" \
	--retries 0 --wait 2
sweeping() { ip -n "$CLI_NS" neigh show | grep -q INCOMPLETE; }
# Stopped while it deletes the interface: the sweep (1 s after its last
# request) cannot end first, however slow the machine.
if xs_wait_for 10 sweeping; then
	kill -STOP "$BG_PID"
	ip -n "$CLI_NS" link del dev "$CLI_IF"
	kill -CONT "$BG_PID"
	bg_wait "$BG_PID" 20
	check sweepdel_sweep_stops "exit $BG_RC, stderr: $(tr '\n' ' ' <"$BG_ERR" | head -c 400)" \
		eval '[ "$BG_RC" = 4 ] && grep -q "scan failed: $CLI_IF is gone" "$BG_ERR" &&
			! grep -q "sweep: .* answered" "$BG_ERR"'
else
	fail sweepdel_sweep_stops "the sweep never asked the kernel (no INCOMPLETE entry)"
	kill -KILL "$BG_PID" 2>/dev/null
	bg_wait "$BG_PID" 2
fi
cap_stop

# ---------------------------------------- the server's namespace deleted
# The capture's tcpdump runs in that namespace and would keep it alive.
# The kernel destroys a deleted namespace's devices later, from a work
# queue (cleanup_net), seconds later on a busy machine; the run sees the
# veth go whenever it does: the fault is over once it has gone, and the
# run waits far longer than that may take.
cli_veth_gone() { ! ip -n "$CLI_NS" link show dev "$CLI_IF" >/dev/null 2>&1; }
srv_ns_gone() {
	cap_stop
	ip netns del "$SRV_NS"
	xs_wait_for 120 cli_veth_gone
}
fresh_pair 10.52.3.1 10.52.3.2
RUN=(connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$DROP" --sport 61204
	--timeout 300000 --retries 0 -q)
fault_run srvnsdel 61204 srv_ns_gone
expect srvnsdel 4 "$CLI_IF is gone"
if ! ip -n "$CLI_NS" link show dev "$CLI_IF" >/dev/null 2>&1; then
	pass srvnsdel_took_the_veth
else
	fail srvnsdel_took_the_veth "$CLI_IF still exists: the case tested nothing"
fi

# ---------------------------------------- the client's namespace deleted
# The run holds its namespace, so the veth stays: the run sees the name
# gone and stops (it ended with its timeout, "no answer", exit 3).
fresh_pair 10.52.4.1 10.52.4.2
RUN=(connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$DROP" --sport 61205
	"${WAITING[@]}" -q)
fault_run clinsdel 61205 ip netns del "$CLI_NS"
expect clinsdel 4 "the namespace of $CLI_IF was deleted during the run"
xs_run unload_nsgone unload -i "$CLI_IF" --netns "$CLI_NS"
if [ "$XS_RC" -eq 1 ] && grep -q . "$RUN_ERR"; then
	pass clinsdel_unload_reports
	echo "#   $(first_error)"
else
	fail clinsdel_unload_reports "unload of a deleted namespace exited $XS_RC, want 1 with a message"
	xs_show_run
fi
cap_stop
check_no_rst clinsdel_no_rst "$CAP_FILE"

# --netns /proc/PID/ns/net and that process ends: the namespace lives on,
# still named, and the run must go on to its own result (it stopped,
# "namespace deleted", exit 4: the path was watched, not the namespace).
fresh_pair 10.52.10.1 10.52.10.2
ip netns exec "$CLI_NS" sleep 60 &
holder=$!
XS_BG_PIDS+=("$holder")
# $! is ip(8) before its setns(): wait until the holder is in the namespace
# (on a busy machine the run started in the host's and found no interface).
in_cli_ns() {
	[ "$(stat -Lc %i "/proc/$holder/ns/net" 2>/dev/null)" = \
		"$(stat -Lc %i "/run/netns/$CLI_NS")" ]
}
xs_wait_for 5 in_cli_ns || fail procns_holder "sleep never entered $CLI_NS"
RUN=(connect -i "$CLI_IF" --netns "/proc/$holder/ns/net" "$SRV_IP:$DROP"
	--sport 61211 --timeout 1500 --retries 0 -q)
fault_run procns 61211 kill "$holder"
expect procns 3 'no answer'
cap_stop

xs_done
