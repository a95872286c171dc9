#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 15: xdpshake listen, the handshake responder, end to end.
#
#   client (CLI_NS) -> router (RTR_NS, nftables conntrack counters) ->
#   responder (SRV_NS) running `xdpshake listen`
#
# 1. `connect --count N` from the client: listen's completed handshakes ==
#    the client's established == the router's count of final ACKs of
#    conntrack-established flows == N; `status -i` shows the counters
#    while it runs; the JSON summary adds up, and both time the first
#    and last SYN, final ACK and RST in order.
# 1b. The kernel as client: data answered by --banner, FIN by FIN-ACK,
#    the round trip timed from the timestamp echo.
# 1d. `status --watch --count --json`: one object a refresh, deltas exactly
#    the counters' differences, rates per measured second.
# 1c. `monitor` on the responder's interface shows listen's frames by path
#    xdp_tx: SYN, SYN-ACK and final ACK of one handshake.
# 2. A SYN flood (xsflood) at a port a kernel listener also listens on,
#    syncookies forced: listen answers every SYN it counts (synack_tx ==
#    syn), the kernel never sees one (TcpExtSyncookiesSent unchanged, no
#    SYN-RECV socket, nothing accepted).
# 2b. --protect in front of that kernel listener: K kernel clients accept()ed
#    during a SYN flood, nstat unchanged, forged ACKs dropped at TC;
#    `status -i` (and --watch) shows the TC half's counters, the K
#    handshakes timed and counted per source.
# 3. kill -9: nothing stays attached, and the next listen starts.
# 5. IPv6, the same topology (fd00:2::/64, fd00:5::/64 beside the IPv4
#    subnets; listen answers both families by default): connect --count
#    [SRV6]:PORT == listen's count == the router's ip6 conntrack counters,
#    the source in RFC 5952 form; monitor shows the IPv6 handshake by path
#    xdp_tx; an IPv6 SYN flood never reaches the kernel; --protect over
#    IPv6: accept() returns for IPv6 kernel clients during an IPv6 flood.
. "$(dirname "$0")/lib.sh"
xs_init listen
xs_need_bin
FLOOD=$XS_ROOT/build/tests/helpers/xsflood
[ -x "$FLOOD" ] || { fail listen "$FLOOD not built (make test-bins)"; xs_done; }

PORT=8080
N=300
topo_routed
# IPv6 beside IPv4 on every link (no DAD: usable at once).
CLI6=fd00:2::2
RTR_CLI6=fd00:2::1
RTR_SRV6=fd00:5::1
SRV6=fd00:5::5
xs_ipv6_on "$CLI_NS" "$CLI_IF" "$CLI6/64"
xs_ipv6_on "$RTR_NS" "$RTR_CLI_IF" "$RTR_CLI6/64"
xs_ipv6_on "$RTR_NS" "$RTR_SRV_IF" "$RTR_SRV6/64"
xs_ipv6_on "$SRV_NS" "$SRV_IF" "$SRV6/64"
ip netns exec "$RTR_NS" sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$CLI_NS" -6 route add default via "$RTR_CLI6" dev "$CLI_IF"
ip -n "$SRV_NS" -6 route add default via "$RTR_SRV6" dev "$SRV_IF"
# The router's end of the responder's veth receives listen's native XDP_TX
# frames only with NAPI on, which an XDP program there turns on (GRO does
# not, here): listen's own object, which with no port configured passes
# every frame.
ip -n "$RTR_NS" link set dev "$RTR_SRV_IF" xdp \
	obj "$XS_ROOT/build/bpf/listen.bpf.o" sec xdp ||
	{ fail listen "XDP pass program on $RTR_SRV_IF"; xs_done; }
ip netns exec "$RTR_NS" nft -f - <<EOF
table inet xs_listen {
	counter syns {}
	counter acks {}
	counter syns6 {}
	counter acks6 {}
	chain through {
		type filter hook forward priority 0;
		ip daddr $SRV_IP tcp dport $PORT tcp flags == syn ct state new counter name syns
		ip daddr $SRV_IP tcp dport $PORT tcp flags == ack ct state established ct direction original counter name acks
		ip6 daddr $SRV6 tcp dport $PORT tcp flags == syn ct state new counter name syns6
		ip6 daddr $SRV6 tcp dport $PORT tcp flags == ack ct state established ct direction original counter name acks6
	}
}
EOF
nft_count() { # NAME: packets of the router's named counter
	ip netns exec "$RTR_NS" nft -j list counter inet xs_listen "$1" |
		"$XS_PY" -c 'import json,sys
for o in json.load(sys.stdin)["nftables"]:
    if "counter" in o: print(o["counter"]["packets"])'
}

# listen_start NAME ARGS...: xdpshake listen in the background, until it
# says it listens (5 s at most).  Sets L_PID, L_OUT, L_ERR.
listen_start() {
	local name=$1
	shift
	L_OUT=$XS_TMP/$name.out
	L_ERR=$XS_TMP/$name.err
	timeout --foreground --kill-after=5 120 "$XS_BIN" listen -i "$SRV_IF" \
		--netns "$SRV_NS" "$@" >"$L_OUT" 2>"$L_ERR" </dev/null &
	L_PID=$!
	XS_BG_PIDS+=("$L_PID")
	xs_wait_for 10 grep -q '"event":"listening"' "$L_OUT" ||
		{ fail "$name" "listen did not start"; show stderr "$L_ERR"; }
}
listen_stop() { kill -INT "$L_PID"; xs_wait_pid "$L_PID" 10; L_RC=$?; }
# listen_settled: the running listen's counters (its TC half's too) the
# same in two reads 0.3 s apart: what a flood sent has all come in.  Used
# as xs_wait_for 30 listen_settled, not a fixed sleep.
listen_counts() {
	"$XS_BIN" status -i "$SRV_IF" --netns "$SRV_NS" --json 2>/dev/null |
		"$XS_PY" -c '
import json, sys
i = json.load(sys.stdin)["interfaces"][0]
print(json.dumps([i.get("counters"), i.get("protect", {}).get("counters")]))' 2>/dev/null
}
listen_settled() {
	local a b
	a=$(listen_counts)
	sleep 0.3
	b=$(listen_counts)
	[ -n "$a" ] && [ "$a" = "$b" ]
}
# jget FILE EVENT KEY.PATH: a field of the last JSON object of that event.
jget() {
	"$XS_PY" -c '
import json, sys
o = None
for l in open(sys.argv[1]):
    l = l.strip()
    if l.startswith("{"):
        d = json.loads(l)
        if d.get("event", sys.argv[2]) == sys.argv[2]:
            o = d
for k in sys.argv[3].split("."):
    o = o[k] if isinstance(o, dict) else o[int(k)]
print(o)' "$@" 2>/dev/null || echo missing
}

# mon_check OUT CLIENT SERVER: monitor's --json output OUT holds one
# handshake of listen's (SYN in, SYN-ACK out, final ACK in, by path xdp_tx,
# with the client's and our numbers) and nothing else: "ok", or why not.
mon_check() {
	"$XS_PY" - "$1" "$2" "$3" "$PORT" 2>&1 <<'PY'
import json, sys
out, cip, sip, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
objs = [json.loads(l) for l in open(out) if l.strip()]
att = [o for o in objs if o.get("event") == "attached"]
pk = [o for o in objs if o.get("event") == "packet"]
got = [(o["dir"], o.get("path"), o["tcp"]["flags_bits"], o["ip"]["saddr"],
        o["ip"]["daddr"]) for o in pk]
want = [("ingress", "xdp_tx", 0x02, cip, sip),
        ("egress", "xdp_tx", 0x12, sip, cip),
        ("ingress", "xdp_tx", 0x10, cip, sip)]
errs = []
if not att or att[0].get("xdp_hook") != "plugged":
    errs.append("attached %r, want xdp_hook plugged" % att)
if got != want:
    errs.append("packets %r, want %r" % (got, want))
elif not (pk[1]["tcp"]["ack"] == (pk[0]["tcp"]["seq"] + 1) % 2**32 and
          pk[2]["tcp"]["ack"] == (pk[1]["tcp"]["seq"] + 1) % 2**32 and
          pk[0]["tcp"]["dport"] == port and pk[1]["tcp"]["sport"] == port):
    errs.append("numbers do not make one handshake: %r" % [o["tcp"] for o in pk])
summ = [o for o in objs if o.get("event") == "summary"]
if len(summ) != 1 or summ[0].get("paths", {}).get("xdp_tx") != 3:
    errs.append("summary %r, want paths.xdp_tx 3" % summ)
print("; ".join(errs) if errs else "ok")
PY
}

# 1. connect --count N through the router.
listen_start lcount -p "$PORT" --json
xs_run count connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$PORT" \
	--count $N --close rst --timeout 2000 --json
CONNECT_RC=$XS_RC
est=$(jget "$RUN_OUT" summary established)
"$XS_BIN" status -i "$SRV_IF" --netns "$SRV_NS" --json >"$XS_TMP/status.json" 2>&1
st_hs=$(jget "$XS_TMP/status.json" x interfaces.0.counters.ack_valid)
st_role=$(jget "$XS_TMP/status.json" x interfaces.0.role)
# ... and `status` without -i lists it among every namespace's interfaces.
"$XS_BIN" status --json >"$XS_TMP/status_all.json" 2>&1
st_all=$("$XS_PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for i in d["interfaces"] if i.get("role") == "listen" and
          i.get("netns") == sys.argv[2] and i.get("attached")))' \
	"$XS_TMP/status_all.json" "$SRV_NS" 2>/dev/null)
listen_stop
hs=$(jget "$L_OUT" summary handshakes)
syn=$(jget "$L_OUT" summary counters.syn)
tx=$(jget "$L_OUT" summary counters.synack_tx)
bad=$(jget "$L_OUT" summary counters.bad_cookie)
src=$(jget "$L_OUT" summary sources.0.handshakes)
srcip=$(jget "$L_OUT" summary sources.0.addr)
rtts=$(jget "$L_OUT" summary counters.rtt_samples)
acks=$(nft_count acks)
syns=$(nft_count syns)
if [ "$CONNECT_RC" = 0 ] && [ "$L_RC" = 0 ] && [ "$est" = $N ] &&
	[ "$hs" = $N ] && [ "$acks" = $N ] && [ "$syns" = "$syn" ] &&
	[ "$tx" = "$syn" ] && [ "$bad" = 0 ] && [ "$src" = $N ] &&
	[ "$srcip" = "$CLI_IP" ] && [ "$rtts" = $N ]; then
	pass listen_count_equals_client_and_conntrack
else
	fail listen_count_equals_client_and_conntrack "connect exit $CONNECT_RC established $est; listen exit $L_RC handshakes $hs syn $syn synack_tx $tx bad_cookie $bad rtt_samples $rtts (want every one timed: our final ACK echoes its TSval) source $srcip:$src; router syns $syns final ACKs $acks (want $N everywhere)"
	show "listen" "$L_OUT"
	show "listen stderr" "$L_ERR"
	xs_show_run
fi
if [ "$st_role" = listen ] && [ "$st_hs" = $N ] && [ "$st_all" = 1 ]; then
	pass listen_status_shows_counters
else
	fail listen_status_shows_counters "status -i: role '$st_role' ack_valid '$st_hs' (want listen, $N); status: $st_all attached listeners in $SRV_NS (want 1)"
	show status "$XS_TMP/status.json"
fi
# The first and last SYN answered, valid final ACK and RST (CLOCK_MONOTONIC
# ns) in the summary and in `status -i --json` while it ran: all there,
# each first <= its last, in the order the handshakes went (SYN, ACK, the
# client's RST), status's the summary's so far.  Not absolute values.
times=$("$XS_PY" - "$L_OUT" "$XS_TMP/status.json" 2>&1 <<'PY'
import json, sys
summ = [json.loads(l) for l in open(sys.argv[1]) if '"summary"' in l]
st = json.load(open(sys.argv[2]))["interfaces"][0]
errs = []
names = [a + "_" + b + "_ns" for b in ("syn", "ack", "rst")
         for a in ("first", "last")]
for what, t in (("summary", summ[-1].get("times") if summ else None),
                ("status", st.get("times"))):
    if not isinstance(t, dict) or any(not isinstance(t.get(n), int)
                                      for n in names):
        errs.append("%s: times %r, want %s" % (what, t, names))
        continue
    for b in ("syn", "ack", "rst"):
        if not t["first_%s_ns" % b] <= t["last_%s_ns" % b]:
            errs.append("%s: first_%s_ns > last_%s_ns" % (what, b, b))
    if not t["first_syn_ns"] <= t["first_ack_ns"] <= t["first_rst_ns"]:
        errs.append("%s: first SYN, ACK, RST out of order: %r" % (what, t))
if not errs:
    s, l = st["times"], summ[-1]["times"]
    if s["first_syn_ns"] != l["first_syn_ns"] or any(
            s[n] > l[n] for n in names if n.startswith("last")):
        errs.append("status %r beyond the summary's %r" % (s, l))
print("; ".join(errs) if errs else "ok")
PY
)
if [ "$times" = ok ]; then
	pass listen_times_ordered
else
	fail listen_times_ordered "$times"
	show status "$XS_TMP/status.json"
fi
if [ ! -e "$XS_PIN_ROOT/$SRV_NS/$SRV_IF" ] &&
	! ip -n "$SRV_NS" link show dev "$SRV_IF" | grep -q xdp; then
	pass listen_leaves_nothing
else
	fail listen_leaves_nothing "pins or XDP left after listen ended"
	xs_attached "$SRV_NS" "$SRV_IF"
fi

# 1b. The kernel as client, through the router: it sends data, reads
# --banner, closes with FIN; the final ACKs echo our timestamp (RTT).
K=5
listen_start lbanner -p "$PORT" --banner "xdpshake says hi" --json
got=0
for ((i = 0; i < K; i++)); do
	ip netns exec "$CLI_NS" timeout 5 bash -c \
		"exec 3<>/dev/tcp/$SRV_IP/$PORT && echo hello >&3 && cat <&3" \
		>"$XS_TMP/kcli.$i" 2>&1
	grep -qx 'xdpshake says hi' "$XS_TMP/kcli.$i" && got=$((got + 1))
done
listen_stop
hs=$(jget "$L_OUT" summary handshakes)
data=$(jget "$L_OUT" summary counters.data)
fin=$(jget "$L_OUT" summary counters.fin)
bad=$(jget "$L_OUT" summary counters.bad_cookie)
rtts=$(jget "$L_OUT" summary counters.rtt_samples)
p50=$(jget "$L_OUT" summary rtt_us.p50_le)
if [ "$got" = $K ] && [ "$hs" = $K ] && [ "$data" = $K ] && [ "$fin" = $K ] &&
	[ "$bad" = 0 ] && [ "$rtts" = $K ] && [ "$p50" -gt 0 ] 2>/dev/null; then
	pass listen_banner_kernel_client_rtt
else
	fail listen_banner_kernel_client_rtt "banner read by $got of $K kernel clients; handshakes $hs data $data fin $fin bad_cookie $bad rtt_samples $rtts p50 $p50 (want $K each, 0 bad, p50 > 0)"
	show "client 0" "$XS_TMP/kcli.0"
	show "listen" "$L_OUT"
fi

# 1d. `status -i --watch 1 --json` while connect --count runs:
# one object a line; from the second on, deltas are exactly the
# differences of the counters and rates are deltas per measured second;
# the last shows every handshake.  Text: a header and one line a refresh.
W=100
listen_start lwatch -p "$PORT" --json
WATCH_OUT=$XS_TMP/watch.json
# The watch is bounded by its count (120 refreshes), not made to end at a
# fixed time: it is stopped two refreshes after the connect has ended, so
# a slow connect is still all in the last object.
timeout --kill-after=5 300 "$XS_BIN" status -i "$SRV_IF" --netns "$SRV_NS" \
	--watch 1 --count 120 --json >"$WATCH_OUT" 2>"$XS_TMP/watch.err" </dev/null &
W_PID=$!
XS_BG_PIDS+=("$W_PID")
xs_wait_for 30 grep -qs interfaces "$WATCH_OUT"
xs_run wcount connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$PORT" \
	--count $W --close rst --timeout 2000 --json
WCONNECT_RC=$XS_RC
wn=$(wc -l <"$WATCH_OUT")
xs_wait_for 60 eval '[ $(wc -l <"$WATCH_OUT") -ge $((wn + 2)) ]'
kill -INT "$W_PID" 2>/dev/null
xs_wait_pid "$W_PID" 15
W_RC=$?
"$XS_BIN" status -i "$SRV_IF" --netns "$SRV_NS" --watch 1 --count 3 \
	>"$XS_TMP/watch.txt" 2>&1 </dev/null
WT_RC=$?
listen_stop
"$XS_PY" - "$WATCH_OUT" "$W" >"$XS_TMP/watch_check.txt" 2>&1 <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
want = int(sys.argv[2])
errs = []
objs = [json.loads(l)["interfaces"][0] for l in lines]
if len(objs) < 3:
    errs.append("%d objects, want 3 or more" % len(objs))
for k in range(1, len(objs)):
    a, b = objs[k - 1], objs[k]
    for name, v in b["counters"].items():
        d = b["deltas"][name]
        if d != v - a["counters"][name]:
            errs.append("refresh %d: delta %s %d, counters %d -> %d" %
                        (k + 1, name, d, a["counters"][name], v))
        if abs(b["rates"][name] - d / b["elapsed_s"]) > 0.01:
            errs.append("refresh %d: rate %s %r, delta %d in %r s" %
                        (k + 1, name, b["rates"][name], d, b["elapsed_s"]))
    if not 0.5 < b["elapsed_s"]:
        errs.append("refresh %d: elapsed_s %r" % (k + 1, b["elapsed_s"]))
if objs and "deltas" in objs[0]:
    errs.append("the first refresh has deltas: nothing before it")
if objs and (objs[-1]["counters"]["ack_valid"] != want or
             sum(o["deltas"]["ack_valid"] for o in objs[1:]) +
             objs[0]["counters"]["ack_valid"] != want or
             objs[-1]["role"] != "listen" or not objs[-1]["attached"]):
    errs.append("last %r, want %d handshakes, attached" % (objs[-1], want))
print("; ".join(errs) if errs else "ok")
PY
wt_lines=$(wc -l <"$XS_TMP/watch.txt")
if [ "$W_RC" = 0 ] && [ "$WCONNECT_RC" = 0 ] && [ "$WT_RC" = 0 ] &&
	[ "$(cat "$XS_TMP/watch_check.txt")" = ok ] && [ "$wt_lines" = 5 ] &&
	grep -q 'handshakes/s' "$XS_TMP/watch.txt"; then
	pass listen_status_watch_deltas
else
	fail listen_status_watch_deltas "watch exit $W_RC, connect exit $WCONNECT_RC, text watch exit $WT_RC with $wt_lines lines (want 5): $(head -c 900 "$XS_TMP/watch_check.txt")"
	show "status --watch --json" "$WATCH_OUT"
	show "status --watch" "$XS_TMP/watch.txt"
	show "stderr" "$XS_TMP/watch.err"
fi

# 1c. `monitor` on the responder's interface: the frames listen consumes
# and sends never pass TC, and reach it through the monitor hook, by path
# xdp_tx: the client's SYN (ingress), our SYN-ACK (egress) and the final
# ACK (ingress) of one handshake, with the client's and our numbers.
listen_start lmon -p "$PORT" --json
M_OUT=$XS_TMP/lmon_monitor.out
M_ERR=$XS_TMP/lmon_monitor.err
timeout --kill-after=5 30 "$XS_BIN" monitor -i "$SRV_IF" --netns "$SRV_NS" \
	--port "$PORT" --count 3 --json >"$M_OUT" 2>"$M_ERR" </dev/null &
M_PID=$!
XS_BG_PIDS+=("$M_PID")
xs_wait_for 10 grep -qs '"event":"attached"' "$M_OUT" ||
	fail listen_monitor_xdp_tx "monitor did not attach"
xs_run mon1 connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$PORT" \
	--count 1 --close rst --timeout 2000 --json
xs_wait_pid "$M_PID" 10
M_RC=$?
listen_stop
mon_check "$M_OUT" "$CLI_IP" "$SRV_IP" >"$XS_TMP/lmon.txt"
if [ "$M_RC" = 0 ] && [ "$XS_RC" = 0 ] && [ "$(cat "$XS_TMP/lmon.txt")" = ok ]; then
	pass listen_monitor_xdp_tx
else
	fail listen_monitor_xdp_tx "monitor exit $M_RC, connect exit $XS_RC: $(head -c 900 "$XS_TMP/lmon.txt")"
	show "monitor" "$M_OUT"
	show "monitor stderr" "$M_ERR"
	show "listen" "$L_OUT"
fi

# 2. A SYN flood at a port the kernel listens on too, syncookies forced.
FLOODN=5000
ip netns exec "$SRV_NS" sysctl -qw net.ipv4.tcp_syncookies=2
srv_start "$SRV_NS" "$SRV_IP" "$PORT" --backlog 16 --count 1000000 \
	--timeout "$XS_SRV_LIFE_MS"
cookies() { ip netns exec "$SRV_NS" nstat -az TcpExtSyncookiesSent |
	awk '/TcpExtSyncookiesSent/ { print $2 }'; }
c0=$(cookies)
listen_start lflood -p "$PORT" --json
ip netns exec "$CLI_NS" "$FLOOD" -i "$CLI_IF" --src-mac "$CLI_MAC" \
	--dst-mac "$RTR_CLI_MAC" --src "$CLI_IP" --dst "$SRV_IP" \
	--sport 4444 --dport "$PORT" --count $FLOODN --flags S \
	>"$XS_TMP/flood.out" 2>&1
xs_wait_for 30 listen_settled
recv=$(ip netns exec "$SRV_NS" ss -Htan state syn-recv | wc -l)
listen_stop
c1=$(cookies)
syn=$(jget "$L_OUT" summary counters.syn)
tx=$(jget "$L_OUT" summary counters.synack_tx)
if [ "$L_RC" = 0 ] && [ "$syn" -gt 0 ] 2>/dev/null && [ "$tx" = "$syn" ] &&
	[ "$syn" -le $FLOODN ] && [ "$c0" = "$c1" ] && [ "$recv" = 0 ] &&
	! srv_saw '^ACCEPT'; then
	pass listen_flood_never_reaches_kernel
else
	fail listen_flood_never_reaches_kernel "listen exit $L_RC syn $syn synack_tx $tx (want equal, > 0, <= $FLOODN); TcpExtSyncookiesSent $c0 -> $c1 (want unchanged); SYN-RECV sockets $recv (want 0)"
	show flood "$XS_TMP/flood.out"
	show "listen" "$L_OUT"
fi
# Control: the same flood without listen reaches the kernel.
ip netns exec "$CLI_NS" "$FLOOD" -i "$CLI_IF" --src-mac "$CLI_MAC" \
	--dst-mac "$RTR_CLI_MAC" --src "$CLI_IP" --dst "$SRV_IP" \
	--sport 4445 --dport "$PORT" --count 50 --flags S >/dev/null 2>&1
xs_wait_for 20 eval '[ "$(cookies)" -gt "$c1" ] 2>/dev/null'
c2=$(cookies)
if [ "$c2" -gt "$c1" ] 2>/dev/null; then
	pass listen_flood_control_kernel_sees_it_without
else
	fail listen_flood_control_kernel_sees_it_without "TcpExtSyncookiesSent $c1 -> $c2 without listen (want more)"
fi

# 2b. --protect: the same kernel listener (syncookies 2, backlog 16),
# shielded.  During a SYN flood, K kernel clients connect(): every SYN is
# answered in XDP, each client's final ACK is handed to the listener by
# TC ingress (bpf_sk_assign_tcp_reqsk) and accept() returns it; the kernel
# sends no cookie, checks none, drops nothing (nstat), and no SYN-RECV
# socket is ever made.  Forged ACKs are dropped at TC, counted.
K=10
PFLOODN=20000
nst() { ip netns exec "$SRV_NS" nstat -az "$1" | awk -v k="$1" '$1 == k { print $2 }'; }
NSTATS="TcpExtSyncookiesSent TcpExtSyncookiesRecv TcpExtSyncookiesFailed TcpExtListenDrops TcpExtListenOverflows"
n0=$(for k in $NSTATS; do printf '%s=%s ' "$k" "$(nst "$k")"; done)
acc0=$(grep -c '^ACCEPT' "$SRV_OUT")
listen_start lprot -p "$PORT" --protect --json
ip netns exec "$CLI_NS" "$FLOOD" -i "$CLI_IF" --src-mac "$CLI_MAC" \
	--dst-mac "$RTR_CLI_MAC" --src "$CLI_IP" --dst "$SRV_IP" \
	--sport 4446 --dport "$PORT" --count $PFLOODN --flags S --max-ms 20000 \
	>"$XS_TMP/pflood.out" 2>&1 &
F_PID=$!
XS_BG_PIDS+=("$F_PID")
kok=0
for ((i = 0; i < K; i++)); do
	ip netns exec "$CLI_NS" timeout 5 bash -c \
		"exec 3<>/dev/tcp/$SRV_IP/$PORT && echo hello >&3" \
		>"$XS_TMP/pcli.$i" 2>&1 && kok=$((kok + 1))
done
flood_during=$(kill -0 "$F_PID" 2>/dev/null && echo yes || echo no)
xs_wait_pid "$F_PID" 25
# Forged final ACKs (no cookie of ours) at the listener: dropped by TC,
# never seen by the kernel's cookie check (TcpExtSyncookiesFailed).
FORGED=100
ip netns exec "$CLI_NS" "$FLOOD" -i "$CLI_IF" --src-mac "$CLI_MAC" \
	--dst-mac "$RTR_CLI_MAC" --src "$CLI_IP" --dst "$SRV_IP" \
	--sport 4447 --dport "$PORT" --count $FORGED --flags A --ack 12345 \
	>>"$XS_TMP/pflood.out" 2>&1
xs_wait_for 30 listen_settled
recv=$(ip netns exec "$SRV_NS" ss -Htan state syn-recv | wc -l)
# What status shows meanwhile: the TC half's counters (pinned as
# listen_prot), the K handshakes timed and counted per source in the maps
# both halves share; --watch carries them under "protect".
"$XS_BIN" status -i "$SRV_IF" --netns "$SRV_NS" --json \
	>"$XS_TMP/pstatus.json" 2>&1
"$XS_BIN" status -i "$SRV_IF" --netns "$SRV_NS" \
	>"$XS_TMP/pstatus.txt" 2>&1
"$XS_BIN" status -i "$SRV_IF" --netns "$SRV_NS" --watch 1 --count 2 --json \
	>"$XS_TMP/pwatch.json" 2>&1 </dev/null
PW_RC=$?
listen_stop
n1=$(for k in $NSTATS; do printf '%s=%s ' "$k" "$(nst "$k")"; done)
acc1=$(grep -c '^ACCEPT' "$SRV_OUT")
psyn=$(jget "$L_OUT" summary counters.syn)
ptx=$(jget "$L_OUT" summary counters.synack_tx)
pas=$(jget "$L_OUT" summary protect.assigned)
pbad=$(jget "$L_OUT" summary protect.bad_cookie)
pfail=$(jget "$L_OUT" summary protect.assign_failed)
phs=$(jget "$L_OUT" summary handshakes)
if [ "$L_RC" = 0 ] && [ "$kok" = $K ] && [ $((acc1 - acc0)) = $K ] &&
	[ "$pas" = $K ] && [ "$phs" = $K ] && [ "$pfail" = 0 ] &&
	[ "$pbad" -ge $FORGED ] &&
	[ "$n0" = "$n1" ] && [ "$recv" = 0 ] && [ "$ptx" = "$psyn" ] &&
	[ "$psyn" -gt $K ] 2>/dev/null; then
	pass listen_protect_accepts_during_flood
	echo "#   $K handshakes assigned, $(jget "$L_OUT" summary protect.duplicate) duplicate cookies (data in the final ACK's batch) assigned again, not counted"
else
	fail listen_protect_accepts_during_flood "listen exit $L_RC; $kok of $K connect()s, accept()ed $((acc1 - acc0)); handshakes $phs, protect assigned $pas bad_cookie $pbad (want the $FORGED forged, and late segments if any) assign_failed $pfail; syn $psyn synack_tx $ptx (flood still running while clients connected: $flood_during); SYN-RECV $recv; nstat before [$n0] after [$n1] (want equal)"
	show "listen" "$L_OUT"
	show "listen stderr" "$L_ERR"
	show "client 0" "$XS_TMP/pcli.0"
	show flood "$XS_TMP/pflood.out"
	show tserver "$SRV_OUT"
fi
"$XS_PY" - "$XS_TMP/pstatus.json" "$XS_TMP/pwatch.json" "$K" "$FORGED" \
	"$CLI_IP" >"$XS_TMP/pstatus_check.txt" 2>&1 <<'PY'
import json, sys
st, wa, k, forged, cip = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    int(sys.argv[4]), sys.argv[5]
errs = []
i = json.load(open(st))["interfaces"][0]
p = i.get("protect", {})
hist = sum(b["count"] for b in i.get("rtt_us", {}).get("hist", []))
src = i.get("sources", [])
if p.get("assigned") != k or i.get("handshakes") != k:
    errs.append("status: assigned %r handshakes %r, want %d" %
                (p.get("assigned"), i.get("handshakes"), k))
if p.get("bad_cookie", 0) < forged or p.get("assign_failed") != 0:
    errs.append("status: protect %r, want >= %d bad_cookie, 0 failed" %
                (p, forged))
if p.get("seen") != sum(p.get(n, 0) for n in
                        ("passed", "assigned", "duplicate", "bad_cookie", "assign_failed")):
    errs.append("status: seen is not the sum of the verdicts: %r" % p)
if not (k <= p.get("rtt_samples", 0) == hist):
    errs.append("status: rtt_samples %r, histogram %d (want equal, >= %d)" %
                (p.get("rtt_samples"), hist, k))
if not src or src[0] != {"addr": cip, "handshakes": k}:
    errs.append("status: sources %r, want %s with %d" % (src, cip, k))
objs = [json.loads(l)["interfaces"][0] for l in open(wa) if l.strip()]
if len(objs) != 2 or any("protect" not in o for o in objs):
    errs.append("watch: %r, want 2 objects with protect" % objs)
else:
    a, b = objs[0]["protect"], objs[1]["protect"]
    if (a["counters"]["assigned"] != k or objs[1]["handshakes"] != k or
            b["deltas"]["assigned"] != 0 or "rates" not in b or
            "deltas" in a):
        errs.append("watch: protect %r then %r, want %d assigned" % (a, b, k))
print("; ".join(errs) if errs else "ok")
PY
if [ "$PW_RC" = 0 ] && [ "$(cat "$XS_TMP/pstatus_check.txt")" = ok ] &&
	grep -q '^listen --protect on' "$XS_TMP/pstatus.txt" &&
	grep -q "^protect (TC ingress): seen .* assigned $K " "$XS_TMP/pstatus.txt"; then
	pass listen_protect_status_watch
else
	fail listen_protect_status_watch "watch exit $PW_RC: $(head -c 900 "$XS_TMP/pstatus_check.txt")"
	show "status --json" "$XS_TMP/pstatus.json"
	show "status" "$XS_TMP/pstatus.txt"
	show "status --watch --json" "$XS_TMP/pwatch.json"
fi
echo "protect: accepted $((acc1 - acc0)) assigned $pas bad_cookie $pbad syn $psyn" >>"$XS_TMP/commands.log"
echo "protect: flood still running while clients connected: $flood_during" >>"$XS_TMP/commands.log"

# 3. kill -9: the bpf_link dies with the process; the next run clears
# the stale pins and starts.
listen_start kill9 -p "$PORT" --json
# listen itself, not the timeout(1) in front of it.
kpid=$(ps -o pid= --ppid "$L_PID" | tr -d ' ')
[ -n "$kpid" ] && kill -9 "$kpid"
xs_wait_pid "$L_PID" 5
if ! ip -n "$SRV_NS" link show dev "$SRV_IF" | grep -q xdp; then
	pass listen_kill9_detached
else
	fail listen_kill9_detached "XDP still attached after kill -9"
	xs_attached "$SRV_NS" "$SRV_IF"
fi
"$XS_BIN" status -i "$SRV_IF" --netns "$SRV_NS" >"$XS_TMP/status9.txt" 2>&1
# unload removes the pins a killed listen left (it said "unloaded" and
# left them), and none of a running one's.
had_pins=$(ls "$XS_PIN_ROOT/$SRV_NS/$SRV_IF" 2>/dev/null | tr '\n' ' ')
xs_run unload_dead_listen unload -i "$SRV_IF" --netns "$SRV_NS"
check listen_killed_unload_removes_pins "pins before: [$had_pins]; unload exit $XS_RC; left: $(ls "$XS_PIN_ROOT/$SRV_NS/$SRV_IF" 2>&1 | tr '\n' ' ')" \
	eval '[ -n "$had_pins" ] && [ "$XS_RC" = 0 ] && [ ! -e "$XS_PIN_ROOT/$SRV_NS/$SRV_IF" ]'
listen_start again -p "$PORT" --json
xs_run unload_live_listen unload -i "$SRV_IF" --netns "$SRV_NS"
check listen_running_unload_refused "unload exit $XS_RC ($(first_error)), want 1 naming listen; pins: $(ls "$XS_PIN_ROOT/$SRV_NS/$SRV_IF" 2>&1 | tr '\n' ' ')" \
	eval '[ "$XS_RC" = 1 ] && grep -q "listen runs there" "$RUN_ERR" &&
		[ -e "$XS_PIN_ROOT/$SRV_NS/$SRV_IF/listen_stats" ]'
listen_stop
if grep -q 'not attached' "$XS_TMP/status9.txt" && [ "$L_RC" = 0 ] &&
	[ ! -e "$XS_PIN_ROOT/$SRV_NS/$SRV_IF" ]; then
	pass listen_after_kill9_restarts_clean
else
	fail listen_after_kill9_restarts_clean "status after kill -9: $(head -c 300 "$XS_TMP/status9.txt"); restart exit $L_RC"
	show stderr "$L_ERR"
fi

# 4. Usage errors: one line naming the token, exit 1.
xs_run noport listen -i "$SRV_IF" --netns "$SRV_NS"
r1=$XS_RC
xs_run badaddr listen -i "$SRV_IF" --netns "$SRV_NS" -p 80 --addr 10.0.5
r2=$XS_RC
e2=$(cat "$RUN_ERR")
xs_run badaddr6 listen -i "$SRV_IF" --netns "$SRV_NS" -p 80 --addr ::
r3=$XS_RC
e3=$(cat "$RUN_ERR")
xs_run badplen listen -i "$SRV_IF" --netns "$SRV_NS" -p 80 --addr 10.77.0.0/33
r4=$XS_RC
e4=$(cat "$RUN_ERR")
xs_run badplen6 listen -i "$SRV_IF" --netns "$SRV_NS" -p 80 --addr ::/64
if [ "$r1" = 1 ] && [ "$r2" = 1 ] && [[ "$e2" == *10.0.5* ]] &&
	[ "$r3" = 1 ] && [[ "$e3" == *"'::'"*unspecified* ]] &&
	[ "$r4" = 1 ] && [[ "$e4" == *"'10.77.0.0/33'"*"0 to 32"* ]] &&
	[ "$(wc -l <"$XS_TMP/badplen.err" 2>/dev/null || echo 1)" -le 1 ] &&
	[ "$XS_RC" = 1 ] && grep -q "'::/64'.*IPv4-mapped" "$RUN_ERR"; then
	pass listen_usage_errors
else
	fail listen_usage_errors "no -p: exit $r1; bad --addr: exit $r2: $e2; --addr ::: exit $r3: $e3; /33: exit $r4: $e4; ::/64: exit $XS_RC: $(cat "$RUN_ERR")"
fi
# 5. IPv6 through the same router.  5a: connect --count [SRV6]:PORT
# against listen on its default addresses (the interface's, both
# families): listen's handshakes == the client's established == the
# router's ip6 conntrack-established final ACKs, the source fd00:2::2 in
# `status` and the summary, every handshake timed.
N6=200
listen_start l6count -p "$PORT" --json
l6addrs=$(jget "$L_OUT" listening addrs)
xs_run count6 connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV6]:$PORT" \
	--count $N6 --close rst --timeout 2000 --json
C6_RC=$XS_RC
est=$(jget "$RUN_OUT" summary established)
"$XS_BIN" status -i "$SRV_IF" --netns "$SRV_NS" >"$XS_TMP/status6.txt" 2>&1
listen_stop
hs=$(jget "$L_OUT" summary handshakes)
syn=$(jget "$L_OUT" summary counters.syn)
tx=$(jget "$L_OUT" summary counters.synack_tx)
bad=$(jget "$L_OUT" summary counters.bad_cookie)
src=$(jget "$L_OUT" summary sources.0.handshakes)
srcip=$(jget "$L_OUT" summary sources.0.addr)
rtts=$(jget "$L_OUT" summary counters.rtt_samples)
acks6=$(nft_count acks6)
syns6=$(nft_count syns6)
if [ "$C6_RC" = 0 ] && [ "$L_RC" = 0 ] && [ "$est" = $N6 ] &&
	[ "$hs" = $N6 ] && [ "$acks6" = $N6 ] && [ "$syns6" = "$syn" ] &&
	[ "$tx" = "$syn" ] && [ "$bad" = 0 ] && [ "$src" = $N6 ] &&
	[ "$srcip" = "$CLI6" ] && [ "$rtts" = $N6 ] &&
	[[ "$l6addrs" == *"'$SRV_IP'"* && "$l6addrs" == *"'$SRV6'"* ]] &&
	grep -Eq "^  $CLI6 +$N6\$" "$XS_TMP/status6.txt"; then
	pass listen6_count_equals_client_and_conntrack
else
	fail listen6_count_equals_client_and_conntrack "connect exit $C6_RC established $est; listen exit $L_RC on $l6addrs (want $SRV_IP and $SRV6) handshakes $hs syn $syn synack_tx $tx bad_cookie $bad rtt_samples $rtts source $srcip:$src; router syns6 $syns6 final ACKs $acks6 (want $N6 everywhere)"
	show "listen" "$L_OUT"
	show "status" "$XS_TMP/status6.txt"
	xs_show_run
fi

# 5b. monitor shows listen's IPv6 handshake by path xdp_tx.
listen_start l6mon -p "$PORT" --json
M_OUT=$XS_TMP/l6mon_monitor.out
timeout --kill-after=5 30 "$XS_BIN" monitor -i "$SRV_IF" --netns "$SRV_NS" \
	--port "$PORT" --count 3 --json >"$M_OUT" 2>"$XS_TMP/l6mon.err" </dev/null &
M_PID=$!
XS_BG_PIDS+=("$M_PID")
xs_wait_for 10 grep -qs '"event":"attached"' "$M_OUT"
xs_run mon6 connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV6]:$PORT" \
	--count 1 --close rst --timeout 2000 --json
xs_wait_pid "$M_PID" 10
M_RC=$?
listen_stop
mon_check "$M_OUT" "$CLI6" "$SRV6" >"$XS_TMP/l6mon.txt"
if [ "$M_RC" = 0 ] && [ "$XS_RC" = 0 ] && [ "$(cat "$XS_TMP/l6mon.txt")" = ok ]; then
	pass listen6_monitor_xdp_tx
else
	fail listen6_monitor_xdp_tx "monitor exit $M_RC, connect exit $XS_RC: $(head -c 900 "$XS_TMP/l6mon.txt")"
	show "monitor" "$M_OUT"
	show "monitor stderr" "$XS_TMP/l6mon.err"
fi

# 5c. An IPv6 SYN flood at a port an IPv6 kernel listener listens on too
# (syncookies still forced): every SYN listen counts is answered, the
# kernel sees none; the control without listen reaches it.
srv_start "$SRV_NS" "$SRV6" "$PORT" --backlog 16 --count 1000000 \
	--timeout "$XS_SRV_LIFE_MS"
SRV6_OUT=$SRV_OUT
flood6() { # SPORT COUNT FLAGS [xsflood options]
	local sport=$1 count=$2 flags=$3
	shift 3
	ip netns exec "$CLI_NS" "$FLOOD" -i "$CLI_IF" --src-mac "$CLI_MAC" \
		--dst-mac "$RTR_CLI_MAC" --src "$CLI6" --dst "$SRV6" \
		--sport "$sport" --dport "$PORT" --count "$count" --flags "$flags" "$@"
}
c0=$(cookies)
listen_start l6flood -p "$PORT" --json
flood6 5444 $FLOODN S >"$XS_TMP/flood6.out" 2>&1
xs_wait_for 30 listen_settled
recv=$(ip netns exec "$SRV_NS" ss -Htan state syn-recv | wc -l)
listen_stop
c1=$(cookies)
syn=$(jget "$L_OUT" summary counters.syn)
tx=$(jget "$L_OUT" summary counters.synack_tx)
flood6 5445 50 S >/dev/null 2>&1
xs_wait_for 20 eval '[ "$(cookies)" -gt "$c1" ] 2>/dev/null'
c2=$(cookies)
if [ "$L_RC" = 0 ] && [ "$syn" -gt 0 ] 2>/dev/null && [ "$tx" = "$syn" ] &&
	[ "$syn" -le $FLOODN ] && [ "$c0" = "$c1" ] && [ "$recv" = 0 ] &&
	! grep -q '^ACCEPT' "$SRV6_OUT" && [ "$c2" -gt "$c1" ] 2>/dev/null; then
	pass listen6_flood_never_reaches_kernel
else
	fail listen6_flood_never_reaches_kernel "listen exit $L_RC syn $syn synack_tx $tx (want equal, > 0, <= $FLOODN); TcpExtSyncookiesSent $c0 -> $c1 (want unchanged), $c2 after a flood without listen (want more); SYN-RECV sockets $recv (want 0)"
	show flood "$XS_TMP/flood6.out"
	show "listen" "$L_OUT"
fi

# 5d. --protect over IPv6: K IPv6 kernel clients accept()ed by the IPv6
# listener during an IPv6 SYN flood; nstat unchanged, no SYN-RECV socket,
# forged ACKs dropped at TC.
n0=$(for k in $NSTATS; do printf '%s=%s ' "$k" "$(nst "$k")"; done)
acc0=$(grep -c '^ACCEPT' "$SRV6_OUT")
listen_start l6prot -p "$PORT" --protect --json
flood6 5446 $PFLOODN S --max-ms 20000 >"$XS_TMP/pflood6.out" 2>&1 &
F_PID=$!
XS_BG_PIDS+=("$F_PID")
kok=0
for ((i = 0; i < K; i++)); do
	ip netns exec "$CLI_NS" timeout 5 bash -c \
		"exec 3<>/dev/tcp/$SRV6/$PORT && echo hello >&3" \
		>"$XS_TMP/p6cli.$i" 2>&1 && kok=$((kok + 1))
done
flood_during=$(kill -0 "$F_PID" 2>/dev/null && echo yes || echo no)
xs_wait_pid "$F_PID" 25
flood6 5447 $FORGED A --ack 12345 >>"$XS_TMP/pflood6.out" 2>&1
xs_wait_for 30 listen_settled
recv=$(ip netns exec "$SRV_NS" ss -Htan state syn-recv | wc -l)
listen_stop
n1=$(for k in $NSTATS; do printf '%s=%s ' "$k" "$(nst "$k")"; done)
acc1=$(grep -c '^ACCEPT' "$SRV6_OUT")
psyn=$(jget "$L_OUT" summary counters.syn)
ptx=$(jget "$L_OUT" summary counters.synack_tx)
pas=$(jget "$L_OUT" summary protect.assigned)
pbad=$(jget "$L_OUT" summary protect.bad_cookie)
pfail=$(jget "$L_OUT" summary protect.assign_failed)
phs=$(jget "$L_OUT" summary handshakes)
if [ "$L_RC" = 0 ] && [ "$kok" = $K ] && [ $((acc1 - acc0)) = $K ] &&
	[ "$pas" = $K ] && [ "$phs" = $K ] && [ "$pfail" = 0 ] &&
	[ "$pbad" -ge $FORGED ] &&
	[ "$n0" = "$n1" ] && [ "$recv" = 0 ] && [ "$ptx" = "$psyn" ] &&
	[ "$psyn" -gt $K ] 2>/dev/null; then
	pass listen6_protect_accepts_during_flood
	echo "#   $K handshakes assigned, $(jget "$L_OUT" summary protect.duplicate) duplicate cookies (data in the final ACK's batch) assigned again, not counted"
else
	fail listen6_protect_accepts_during_flood "listen exit $L_RC; $kok of $K connect()s, accept()ed $((acc1 - acc0)); handshakes $phs, protect assigned $pas bad_cookie $pbad (want >= $FORGED) assign_failed $pfail; syn $psyn synack_tx $ptx (flood running while clients connected: $flood_during); SYN-RECV $recv; nstat before [$n0] after [$n1] (want equal)"
	show "listen" "$L_OUT"
	show "client 0" "$XS_TMP/p6cli.0"
	show flood "$XS_TMP/pflood6.out"
	show tserver "$SRV6_OUT"
fi
echo "protect6: accepted $((acc1 - acc0)) assigned $pas bad_cookie $pbad syn $psyn; flood running while clients connected: $flood_during" >>"$XS_TMP/commands.log"
# 6. --addr prefixes: the responder routes 10.77.0.0/27 and
# fd00:77:1::/123 to itself (AnyIP, as the bench's /14), listen answers
# the lower halves (a /28 and a /124) on PORT, and a scan of both blocks
# on PORT and PORT+1 finds exactly those open; every other pair closed by
# the kernel's RST (listen passed it).  status shows the prefixes.
if xs_want listen_prefix_scan_exact; then
	ip -n "$SRV_NS" route add local 10.77.0.0/27 dev lo
	ip netns exec "$SRV_NS" sysctl -qw net.ipv6.conf.lo.disable_ipv6=0
	ip -n "$SRV_NS" -6 route add local fd00:77:1::/123 dev lo
	ip -n "$RTR_NS" route add 10.77.0.0/27 via "$SRV_IP" dev "$RTR_SRV_IF"
	ip -n "$RTR_NS" -6 route add fd00:77:1::/123 via "$SRV6" dev "$RTR_SRV_IF"
	listen_start lpfx -p "$PORT" --addr 10.77.0.0/28 \
		--addr fd00:77:1::/124 --json
	"$XS_BIN" --json status -i "$SRV_IF" --netns "$SRV_NS" \
		>"$XS_TMP/pfxstatus.json" 2>&1
	xs_run pfxscan scan -i "$CLI_IF" --netns "$CLI_NS" 10.77.0.0/27 \
		fd00:77:1::/123 -p "$PORT,$((PORT + 1))" --rate 2000 \
		--retries 1 --timeout 500 --wait 1 -q -o "$XS_TMP/pfx.ndjson"
	listen_stop
	"$XS_PY" - "$XS_TMP/pfx.ndjson" "$PORT" >"$XS_TMP/pfx.txt" 2>&1 <<'PY'
import ipaddress, json, sys
port = int(sys.argv[2])
got = {}
for l in open(sys.argv[1]):
    if l.strip():
        o = json.loads(l)
        got[(o["ip"], o["port"])] = o["state"]
want = {}
for blk, half in (("10.77.0.0/27", "10.77.0.0/28"),
                  ("fd00:77:1::/123", "fd00:77:1::/124")):
    for a in ipaddress.ip_network(blk):
        inside = a in ipaddress.ip_network(half)
        want[(str(a), port)] = "open" if inside else "closed"
        want[(str(a), port + 1)] = "closed"
bad = ["%s:%d %s, want %s" % (k[0], k[1], got.get(k), v)
       for k, v in sorted(want.items()) if got.get(k) != v]
bad += ["%s:%d extra" % k for k in got if k not in want]
print("ok" if not bad else "%d wrong: %s" % (len(bad), " ".join(bad[:6])))
PY
	st=$("$XS_PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
def find(o):
    if isinstance(o, dict):
        if "addrs" in o: return o["addrs"]
        for v in o.values():
            r = find(v)
            if r is not None: return r
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r is not None: return r
print(" ".join(find(d) or []))' "$XS_TMP/pfxstatus.json" 2>&1)
	hs=$(jget "$L_OUT" summary counters.synack_tx)
	if [ "$XS_RC" = 0 ] && [ "$(cat "$XS_TMP/pfx.txt")" = ok ] &&
		[ "$st" = "10.77.0.0/28 fd00:77:1::/124" ] &&
		[ "$L_RC" = 0 ] && [ "$hs" -ge 32 ] 2>/dev/null; then
		pass listen_prefix_scan_exact
	else
		fail listen_prefix_scan_exact "scan exit $XS_RC: $(head -c 600 "$XS_TMP/pfx.txt"); status addrs [$st]; listen exit $L_RC synack_tx $hs (want >= 32)"
		xs_show_run
		show status "$XS_TMP/pfxstatus.json"
	fi
fi

# Listen pins of another build (a listen_stats value of another size, as a
# build with other counters makes): status names them and never reads them
# into this build's structs (it overran a buffer and aborted), both for
# every interface and for the one.
OLDL=$XS_PIN_ROOT/$SRV_NS/$SRV_IF
mkdir -p "$OLDL"
if bpftool map create "$OLDL/listen_stats" type percpu_array key 4 value 8 \
	entries 1 name xs_lstats; then
	xs_run old_listen_all status
	all_rc=$XS_RC
	all_line=$(grep -c "^listen on $SRV_IF (netns $SRV_NS): pins of another xdpshake build's layout, not read$" "$RUN_OUT")
	xs_run old_listen_one status -i "$SRV_IF" --netns "$SRV_NS"
	check listen_other_layout_named "status (all): exit $all_rc, $all_line lines naming it (want 0, 1); status -i: exit $XS_RC ($(first_error)), want 4 naming the layout" \
		eval '[ "$all_rc" = 0 ] && [ "$all_line" = 1 ] && [ "$XS_RC" = 4 ] &&
			grep -q "another xdpshake build.s layout" "$RUN_ERR"'
else
	fail listen_other_layout_named "bpftool could not make the pin"
fi
rm -rf "$OLDL"
rmdir "$XS_PIN_ROOT/$SRV_NS" 2>/dev/null

# Its XDP link detached by bpftool (the interface stays): listen says so
# and stops, exit 4 (before: it went on serving nothing, "listening").
# listen_link_id: the id of the XDP link that runs listen's program on
# SRV_IF (bpftool 7.1 shows no ifindex for XDP links: by program id).
listen_link_id() {
	local pid
	pid=$(ip -n "$SRV_NS" -j -d link show dev "$SRV_IF" | "$XS_PY" -c '
import json, sys
print(json.load(sys.stdin)[0].get("xdp", {}).get("prog", {}).get("id", ""))')
	[ -n "$pid" ] || return 0
	bpftool -j link show | "$XS_PY" -c '
import json, sys
print(" ".join(str(l["id"]) for l in json.load(sys.stdin)
               if l.get("type") == "xdp" and l.get("prog_id") == int(sys.argv[1])))' "$pid"
}
# detach_case CASE LINK_ID WHAT: the running listen's link LINK_ID
# detached, listen stops, exit 4, after its summary, saying "its WHAT on
# SRV_IF was detached".
detach_case() {
	local name=$1 id=$2 what=$3
	if [ -n "$id" ] && bpftool link detach id "$id"; then
		xs_wait_pid "$L_PID" 10
		L_RC=$?
		check "$name" "exit $L_RC (want 4 naming the $what), stderr: $(head -c 300 "$L_ERR")" \
			eval '[ "$L_RC" = 4 ] &&
				grep -q "listen stopped: its $what on $SRV_IF was detached" "$L_ERR" &&
				grep -q "\"event\":\"summary\"" "$L_OUT"'
	else
		fail "$name" "no link of its $what found on $SRV_IF (id '$id') or bpftool could not detach it"
		listen_stop
	fi
}
listen_start detached -p "$PORT" --json
detach_case listen_detached_stops "$(listen_link_id)" "XDP program"

# --protect's TC link detached (the XDP half answers on, but no final ACK
# gets its request socket: the kernel's listener resets them): listen
# says so and stops, exit 4 (before: it went on, "listening").  Its TC
# program is the xs_listen_tc that shares the XDP program's maps.
listen_tc_link_id() {
	local xid
	xid=$(ip -n "$SRV_NS" -j -d link show dev "$SRV_IF" | "$XS_PY" -c '
import json, sys
print(json.load(sys.stdin)[0].get("xdp", {}).get("prog", {}).get("id", ""))')
	[ -n "$xid" ] || return 0
	"$XS_PY" -c '
import json, sys
progs = json.loads(sys.argv[1])
links = json.loads(sys.argv[2])
xmaps = next(set(p.get("map_ids", [])) for p in progs if p["id"] == int(sys.argv[3]))
tc = [p["id"] for p in progs if p.get("name") == "xs_listen_tc" and xmaps & set(p.get("map_ids", []))]
print(" ".join(str(l["id"]) for l in links if l.get("prog_id") in tc))' \
		"$(bpftool -j prog show)" "$(bpftool -j link show)" "$xid"
}
listen_start protdet -p "$PORT" --protect --json
detach_case listen_protect_tc_detached_stops "$(listen_tc_link_id)" \
	"--protect TC program"

# The interface deleted under a foreground listen (its XDP program goes
# with it): listen says so and stops, exit 4, after its summary, and
# leaves no pin.  (Before: it served nothing until Ctrl-C or --duration.)
listen_start gone -p "$PORT" --json
ip -n "$SRV_NS" link del dev "$SRV_IF"
xs_wait_pid "$L_PID" 10
L_RC=$?
check listen_iface_gone_stops "exit $L_RC (want 4 naming $SRV_IF), stderr: $(head -c 300 "$L_ERR")" \
	eval '[ "$L_RC" = 4 ] && grep -q "$SRV_IF is gone" "$L_ERR" &&
		grep -q "\"event\":\"summary\"" "$L_OUT" &&
		[ ! -e "$XS_PIN_ROOT/$SRV_NS/$SRV_IF" ]'

# Its namespace deleted (`ip netns del`): listen kept it alive, and its
# veth with it, serving until Ctrl-C.  It sees the name gone and stops,
# exit 4; then the namespace goes, and with it the client's veth.
topo_pair 10.42.9.1 10.42.9.2
listen_start nsdel -p "$PORT" --json
ip netns del "$SRV_NS"
xs_wait_pid "$L_PID" 10
L_RC=$?
cli_veth_gone() { ! ip -n "$CLI_NS" link show dev "$CLI_IF" >/dev/null 2>&1; }
check listen_netns_deleted_stops "exit $L_RC (want 4 naming the namespace), stderr: $(head -c 300 "$L_ERR")" \
	eval '[ "$L_RC" = 4 ] &&
		grep -q "listen stopped: the namespace of $SRV_IF was deleted" "$L_ERR" &&
		xs_wait_for 20 cli_veth_gone &&
		[ ! -e "$XS_PIN_ROOT/$SRV_NS/$SRV_IF" ]'
xs_done
