#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 14: the fast path (--fast-path), SYN-ACKs answered in XDP.
#   A /24 of server addresses (AnyIP in the server namespace): port 80 open
#   on .0-.199 (a kernel listener, tserver), dropped by nft on .200-.255;
#   port 81 closed everywhere (kernel RST); port 82 dropped everywhere.
#   - scan --syn-only and the full handshake (--close rst), each with and
#     without --fast-path: the same result sets with the same fields
#     (everything but time and rtt_us), the server's accept() count the
#     same, the fast runs' RSTs/ACKs sent by XDP (tx_xdp_rst / tx_xdp_ack
#     in the pinned counters, fast_rsts / fast_acks in the summary);
#   - connect --count N --fast-path: N established, N accept()s, N final
#     ACKs by XDP_TX, the handshakes established in the connection table,
#     no socket left on the server;
#   - connect --count 50000 --fast-path --close rst over both queues of
#     the veth (two a side, as the bench has): the server accept()s
#     exactly as many as we count (the close RST must never overtake the
#     ACK XDP sent on the other queue: it would reset the handshake
#     before the ACK completes it, and we would count one the server
#     never got);
#   - a ring buffer of one page (XS_FAST_RB_BYTES), read only after 100 ms
#     (XS_FAST_READ_DELAY_MS): SYN-ACKs fall back to the socket
#     (rx_fast_fallback), no result lost;
#   - IPv6 on the same veth: [fd00:44::2] 83-84 scanned with and without
#     --fast-path, the same results, the ACK by XDP_TX; connect --count
#     over IPv6: accept()s == established, every ACK by XDP_TX;
#   - monitor shows the RSTs XDP sent, path xdp_tx, IPv4 and IPv6.
. "$(dirname "$0")/lib.sh"
xs_init fastpath
xs_need_bin

BLOCK=10.202.0
XS_VETH_QUEUES=2 topo_pair 10.44.0.1 10.44.0.2
ip -n "$SRV_NS" route add local $BLOCK.0/24 dev lo
ip -n "$CLI_NS" route add $BLOCK.0/24 via "$SRV_IP"
ip netns exec "$SRV_NS" nft -f - <<EOF
table inet xs_fast_test {
	chain input {
		type filter hook input priority 0;
		ip daddr $BLOCK.200-$BLOCK.255 tcp dport 80 counter drop
		tcp dport 82 counter drop
	}
}
EOF
# An accept queue that never fills (50000 handshakes at once below): on
# a full one the kernel drops a final ACK it got, and our close then
# resets that handshake, whichever path sent the ACK.
ip netns exec "$SRV_NS" sysctl -qw net.core.somaxconn=65535 \
	net.ipv4.tcp_max_syn_backlog=65535 >/dev/null
srv_start "$SRV_NS" 0.0.0.0 80 --backlog 65535 --count 100000 \
	--timeout "$XS_SRV_LIFE_MS"
SRV80_OUT=$SRV_OUT
# IPv6 on the same veth (before the load, which takes both sources): a
# listener on [fd00:44::2]:83, port 84 closed.
CLI6=fd00:44::1 SRV6=fd00:44::2
xs_ipv6_on "$CLI_NS" "$CLI_IF" $CLI6/64
xs_ipv6_on "$SRV_NS" "$SRV_IF" $SRV6/64
srv_start "$SRV_NS" $SRV6 83 --backlog 4096 --count 100000 \
	--timeout "$XS_SRV_LIFE_MS"
SRV83_OUT=$SRV_OUT

# One load for every run here: the counters and the connection table stay
# readable between them (status, bpftool).  Generic XDP: on a veth, native
# XDP_TX reaches the peer only if the peer runs an XDP program of its own
# (kernel 6.18 counts them xdp_tx_errors otherwise); see the README.
load_iface() { # [env...]
	env "$@" "$XS_BIN" load -i "$CLI_IF" --netns "$CLI_NS" --mode skb \
		>"$XS_TMP/load.out" 2>&1
}
unload_iface() {
	"$XS_BIN" unload -i "$CLI_IF" --netns "$CLI_NS" >/dev/null 2>&1
}
xs_defer unload_iface
load_iface || { fail fastpath_load "$(cat "$XS_TMP/load.out")"; xs_done; }

# Results as sorted lines of every field but time and rtt_us.
fields() {
	"$XS_PY" -c '
import json, sys
rows = []
for line in open(sys.argv[1]):
    if line.strip():
        o = json.loads(line)
        o.pop("time", None)
        o.pop("rtt_us", None)
        rows.append(json.dumps(o, sort_keys=True))
print("\n".join(sorted(rows)))' "$1"
}
accepts() { grep -c '^ACCEPT' "$SRV80_OUT"; }
# wire PCAP: what the server's veth got from us for port 80, per 4-tuple:
# WIRE="ACKS RSTS BAD ORDER" (pure ACKs, RSTs, segments whose checksum is
# not "ok", 4-tuples whose RST came before their ACK).
wire() {
	WIRE=$(cap_fields "$1" | "$XS_PY" -c '
import sys
acks = rsts = bad = order = 0
seen = {}
for l in sys.stdin:
    f = l.split()
    if len(f) < 18:
        continue
    t = (f[4], f[6])
    if f[17] != "ok":
        bad += 1
    if f[7] == ".":
        acks += 1
        seen.setdefault(t, "a")
    elif f[7].startswith("R"):
        rsts += 1
        if seen.get(t) is None and sys.argv[1] == "hs":
            order += 1
        seen.setdefault(t, "r")
print(acks, rsts, bad, order)' "${NAME:-}")
}
cnt() { xs_counter "$CLI_NS" "$CLI_IF" "$1"; }
# srv_mib NAME: one of the server's TCP counters (nstat's names).
srv_mib() {
	ip netns exec "$SRV_NS" nstat -asz "$1" | awk -v n="$1" '$1 == n { print $2 }'
}
summary() { # FILE KEY: from the --status-json summary line
	"$XS_PY" -c '
import json, sys
for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if o.get("event") == "summary":
        print(o.get(sys.argv[2]))' "$1" "$2"
}

SCAN=(scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.0/24 -p 80-82 --rate 20000
	--retries 1 --timeout 300 --wait 1 -q --seed 11 --status-json)

# run_pair NAME MODE-ARGS...: the scan without and with --fast-path.
run_pair() {
	local name=$1 a0 a1 r0 r1 x0 x1
	shift
	NAME=$name
	a0=$(accepts)
	r0=$(cnt tx_xdp_rst) x0=$(cnt tx_xdp_ack)
	xs_run "$name-slow" "${SCAN[@]}" "$@" -o "$XS_TMP/$name-slow.ndjson"
	SLOW_RC=$XS_RC
	cp "$RUN_ERR" "$XS_TMP/$name-slow.status"
	a1=$(accepts)
	SLOW_ACC=$((a1 - a0))
	SLOW_XDP=$(($(cnt tx_xdp_rst) - r0 + $(cnt tx_xdp_ack) - x0))
	r0=$(cnt tx_xdp_rst) x0=$(cnt tx_xdp_ack)
	cap_start "$SRV_NS" "$SRV_IF" "tcp and src host $CLI_IP and dst port 80"
	xs_run "$name-fast" "${SCAN[@]}" "$@" --fast-path \
		-o "$XS_TMP/$name-fast.ndjson"
	FAST_RC=$XS_RC
	cap_stop
	wire "$CAP_FILE"
	cp "$RUN_ERR" "$XS_TMP/$name-fast.status"
	FAST_ACC=$(($(accepts) - a1))
	FAST_RST=$(($(cnt tx_xdp_rst) - r0))
	FAST_ACK=$(($(cnt tx_xdp_ack) - x0))
	fields "$XS_TMP/$name-slow.ndjson" >"$XS_TMP/$name-slow.txt"
	fields "$XS_TMP/$name-fast.ndjson" >"$XS_TMP/$name-fast.txt"
	NOPEN=$(grep -c '"state": "open"' "$XS_TMP/$name-slow.txt")
	NCLOSED=$(grep -c '"state": "closed"' "$XS_TMP/$name-slow.txt")
}

same_results() { # NAME
	[ "$SLOW_RC" -eq 0 ] && [ "$FAST_RC" -eq 0 ] &&
		[ "$NOPEN" -eq 200 ] && [ "$NCLOSED" -eq 256 ] &&
		cmp -s "$XS_TMP/$1-slow.txt" "$XS_TMP/$1-fast.txt"
}

why_differ() { # NAME
	echo "exit $SLOW_RC/$FAST_RC, open $NOPEN closed $NCLOSED; $(diff "$XS_TMP/$1-slow.txt" "$XS_TMP/$1-fast.txt" | head -4 | tr '\n' ' ')"
}

# --syn-only: the RSTs from XDP.
run_pair syn --syn-only
if same_results syn; then
	pass fast_syn_only_same_results
else
	fail fast_syn_only_same_results "$(why_differ syn)"
fi
frsts=$(summary "$XS_TMP/syn-fast.status" fast_rsts)
if [ "$SLOW_XDP" -eq 0 ] && [ "$FAST_RST" -eq 200 ] && [ "$FAST_ACK" -eq 0 ] &&
	[ "$frsts" = 200 ] && [ "$SLOW_ACC" -eq 0 ] && [ "$FAST_ACC" -eq 0 ]; then
	pass fast_syn_only_rsts_by_xdp
else
	fail fast_syn_only_rsts_by_xdp "slow run XDP answers $SLOW_XDP (want 0); fast tx_xdp_rst $FAST_RST tx_xdp_ack $FAST_ACK summary fast_rsts $frsts (want 200, 0, 200); accepts $SLOW_ACC/$FAST_ACC (want 0/0)"
fi
# On the server's wire: one RST per open port, no ACK, every checksum good.
if [ "$WIRE" = "0 200 0 0" ]; then
	pass fast_syn_only_wire
else
	fail fast_syn_only_wire "acks rsts bad-checksums: $WIRE, want 0 200 0 0"
fi

# The full handshake, closed by our RST after the record.
run_pair hs --close rst
if same_results hs; then
	pass fast_handshake_same_results
else
	fail fast_handshake_same_results "$(why_differ hs)"
fi
facks=$(summary "$XS_TMP/hs-fast.status" fast_acks)
frst=$(summary "$XS_TMP/hs-fast.status" rsts_sent)
if [ "$FAST_ACK" -eq 200 ] && [ "$facks" = 200 ] && [ "$frst" = 200 ] &&
	[ "$SLOW_ACC" -eq 200 ] && [ "$FAST_ACC" -eq 200 ]; then
	pass fast_handshake_acks_by_xdp_server_accepts
else
	fail fast_handshake_acks_by_xdp_server_accepts "tx_xdp_ack $FAST_ACK, summary fast_acks $facks rsts_sent $frst (want 200 each); server accept()s $SLOW_ACC without, $FAST_ACC with (want 200)"
fi
# On the server's wire: exactly one ACK and one RST per open port, each
# RST after its ACK, every checksum good.
if [ "$WIRE" = "200 200 0 0" ]; then
	pass fast_handshake_wire_ack_then_rst
else
	fail fast_handshake_wire_ack_then_rst "acks rsts bad-checksums rst-before-ack: $WIRE, want 200 200 0 0"
fi

# connect --count: N handshakes with one server, final ACKs by XDP.
N=300
a0=$(accepts)
x0=$(cnt tx_xdp_ack)
xs_run count connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" --count $N \
	--concurrency 32 --fast-path --json
est=$(json_result "$RUN_OUT" established 2>/dev/null)
[ -n "$est" ] || est=$(summary "$RUN_OUT" established)
cacks=$(summary "$RUN_OUT" fast_acks)
xdp_acks=$(($(cnt tx_xdp_ack) - x0))
xs_wait_for 5 test "$(accepts)" -ge $((a0 + N))
acc=$(($(accepts) - a0))
conns_est=$(bpftool -j map dump pinned "$XS_PIN_ROOT/$CLI_NS/$CLI_IF/conns" 2>/dev/null |
	"$XS_PY" -c '
import json, sys
n = 0
for e in json.load(sys.stdin):
    e = e.get("formatted", e)
    v = e.get("value", {})
    if isinstance(v, dict) and v.get("state") in ("XS_CONN_ESTABLISHED", 2):
        n += 1
print(n)')
left=$(ip netns exec "$SRV_NS" ss -Htn state established '( sport = :80 )' | wc -l)
if [ "$XS_RC" -eq 0 ] && [ "$est" = $N ] && [ "$cacks" = $N ] &&
	[ "$xdp_acks" -eq $N ] && [ "$acc" -eq $N ] && [ "$left" -eq 0 ] &&
	[ "${conns_est:-0}" -ge 1 ]; then
	pass fast_connect_count_acks_accepts_agree
else
	fail fast_connect_count_acks_accepts_agree "exit $XS_RC; established $est, summary fast_acks $cacks, tx_xdp_ack $xdp_acks, server accept()s $acc (want $N each); $left left established on the server (want 0); $conns_est established in the connection table (want >= 1)"
	xs_show_run
fi

# IPv6: the same scan of [SRV6] 83-84 with and without --fast-path, the
# same results; the full handshake's ACKs by XDP_TX, accepted.
SCAN6=(scan -i "$CLI_IF" --netns "$CLI_NS" $SRV6 -p 83-84 --retries 1
	--timeout 300 --wait 1 -q --seed 11 --close rst --status-json)
acc6() { grep -c '^ACCEPT' "$SRV83_OUT"; }
x0=$(cnt tx_xdp_ack)
xs_run scan6-slow "${SCAN6[@]}" -o "$XS_TMP/scan6-slow.ndjson"
r6s=$XS_RC
xs_run scan6-fast "${SCAN6[@]}" --fast-path -o "$XS_TMP/scan6-fast.ndjson"
r6f=$XS_RC
x6=$(($(cnt tx_xdp_ack) - x0))
fields "$XS_TMP/scan6-slow.ndjson" >"$XS_TMP/scan6-slow.txt"
fields "$XS_TMP/scan6-fast.ndjson" >"$XS_TMP/scan6-fast.txt"
if [ "$r6s" -eq 0 ] && [ "$r6f" -eq 0 ] && [ "$x6" -eq 1 ] &&
	grep -q '"state": "open"' "$XS_TMP/scan6-slow.txt" &&
	grep -q '"state": "closed"' "$XS_TMP/scan6-slow.txt" &&
	cmp -s "$XS_TMP/scan6-slow.txt" "$XS_TMP/scan6-fast.txt"; then
	pass fast6_scan_same_results
else
	fail fast6_scan_same_results "exit $r6s/$r6f, tx_xdp_ack $x6 (want 1); $(diff "$XS_TMP/scan6-slow.txt" "$XS_TMP/scan6-fast.txt" | head -4 | tr '\n' ' ')"
fi

# connect --count over IPv6: the server accept()s exactly what we count,
# every final ACK by XDP_TX.
N=5000
a0=$(acc6)
x0=$(cnt tx_xdp_ack)
xs_run count6 connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV6]:83" \
	--count $N --concurrency 256 --fast-path --close rst --json
est=$(summary "$RUN_OUT" established)
xs_wait_for 10 test "$(acc6)" -ge $((a0 + ${est:-0}))
sleep 0.5
acc=$(($(acc6) - a0))
x6=$(($(cnt tx_xdp_ack) - x0))
if [ "$XS_RC" -eq 0 ] && [ "$est" = $N ] && [ "$acc" -eq "$est" ] &&
	[ "$x6" -eq $N ]; then
	pass fast6_connect_count_server_accepts_all
else
	fail fast6_connect_count_server_accepts_all "exit $XS_RC; established $est (want $N), server accept()s $acc (want the same), tx_xdp_ack $x6 (want $N)"
	xs_show_run
fi

# monitor: the RSTs XDP sent, as sent.
mon_start() { # [PORT]
	MON_OUT=$XS_TMP/mon${1:-}.out
	MON_ERR=$XS_TMP/mon${1:-}.err
	timeout --kill-after=5 "$XS_RUN_TIMEOUT" "$XS_BIN" monitor -i "$CLI_IF" \
		--netns "$CLI_NS" --port "${1:-80}" --json >"$MON_OUT" \
		2>"$MON_ERR" </dev/null &
	MON_PID=$!
	XS_BG_PIDS+=("$MON_PID")
	xs_wait_for 10 grep -qs 'attached to' "$MON_ERR"
}
# RSTs the monitor showed with path xdp_tx.
mon_xdp_rsts() {
	"$XS_PY" -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    s = json.dumps(o)
    if o.get("path") == "xdp_tx" and "RST" in s:
        n += 1
print(n)' "$MON_OUT"
}
if mon_start; then
	xs_run mon-scan scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.0-$BLOCK.4 \
		-p 80 --syn-only --fast-path -q --wait 1 -o /dev/null
	sleep 0.5
	kill -INT "$MON_PID" 2>/dev/null
	xs_wait_pid "$MON_PID" 10
	nx=$(mon_xdp_rsts)
	if [ "$nx" -eq 5 ]; then
		pass fast_monitor_shows_xdp_tx
	else
		fail fast_monitor_shows_xdp_tx "$nx RSTs with path xdp_tx, want 5"
		show "monitor stdout" "$MON_OUT"
		show "monitor stderr" "$MON_ERR"
	fi
else
	fail fast_monitor_shows_xdp_tx "monitor did not start: $(head -3 "$XS_TMP/mon.err")"
fi

# The same for IPv6: the RST XDP sent to [SRV6]:83, path xdp_tx.
if mon_start 83; then
	xs_run mon-scan6 scan -i "$CLI_IF" --netns "$CLI_NS" $SRV6 -p 83 \
		--syn-only --fast-path -q --wait 1 -o /dev/null
	sleep 0.5
	kill -INT "$MON_PID" 2>/dev/null
	xs_wait_pid "$MON_PID" 10
	nx=$(mon_xdp_rsts)
	if [ "$nx" -eq 1 ] && grep -q "$SRV6" "$MON_OUT"; then
		pass fast6_monitor_shows_xdp_tx
	else
		fail fast6_monitor_shows_xdp_tx "$nx IPv6 RSTs with path xdp_tx, want 1"
		show "monitor stdout" "$MON_OUT"
	fi
else
	fail fast6_monitor_shows_xdp_tx "monitor did not start: $(head -3 "$XS_TMP/mon83.err")"
fi

# A ring of one page: SYN-ACKs left to the socket, counted, none lost.
unload_iface
load_iface XS_FAST_RB_BYTES=4096 ||
	{ fail fast_ring_full_no_loss "$(cat "$XS_TMP/load.out")"; xs_done; }
fb0=$(cnt rx_fast_fallback)
# The records read only 100 ms after the start: the ring fills.
XS_FAST_READ_DELAY_MS=100 xs_run ring "${SCAN[@]}" --syn-only --rate 0 \
	--fast-path -o "$XS_TMP/ring.ndjson"
fb=$(($(cnt rx_fast_fallback) - fb0))
fields "$XS_TMP/ring.ndjson" >"$XS_TMP/ring.txt"
if [ "$XS_RC" -eq 0 ] && [ "$fb" -gt 0 ] &&
	cmp -s "$XS_TMP/syn-slow.txt" "$XS_TMP/ring.txt"; then
	pass fast_ring_full_no_loss
else
	fail fast_ring_full_no_loss "exit $XS_RC, rx_fast_fallback $fb (want > 0); $(diff "$XS_TMP/syn-slow.txt" "$XS_TMP/ring.txt" | head -4 | tr '\n' ' ')"
	xs_show_run
fi
unload_iface
PASS_BIN=$XS_ROOT/build/bench/responder
ip netns exec "$SRV_NS" "$PASS_BIN" -i "$SRV_IF" --pass \
	--ready "$XS_TMP/pass.ready" --timeout 120 >"$XS_TMP/pass.out" 2>&1 &
XS_BG_PIDS+=("$!")
if ! xs_wait_for 5 test -e "$XS_TMP/pass.ready" ||
	! "$XS_BIN" load -i "$CLI_IF" --netns "$CLI_NS" --sports 40000-61999 \
		>"$XS_TMP/load.out" 2>&1; then
	fail fast_connect_count_2q_server_accepts_all "setup: $(cat "$XS_TMP/pass.out" "$XS_TMP/load.out" | head -3)"
	xs_done
fi
# Native XDP on both ends, as the bench runs it (the server's veth needs an
# XDP program of its own to receive XDP_TX frames: the bench's pass
# program), both queues busy: every handshake counted is one the server
# accept()ed.  Natively a veth puts an XDP_TX frame on the peer's queue
# of the CPU that ran the filter, an AF_XDP one on its socket's queue.
# 22000 source ports: a 4-tuple comes back only after most of a second,
# so that only the order of our close and XDP's ACK is tested here (a
# SYN reusing a 4-tuple at once can overtake the previous close on the
# other queue on either path: see the README).
N=50000
a0=$(accepts)
emb0=$(srv_mib TcpExtEmbryonicRsts)
syn0=$(srv_mib TcpExtTCPSynRetrans)
ovf0=$(srv_mib TcpExtListenOverflows)
xs_run count2q connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" \
	--count $N --concurrency 256 --fast-path --close rst --json \
	--sports 40000-61999
est=$(summary "$RUN_OUT" established)
xs_wait_for 10 test "$(accepts)" -ge $((a0 + ${est:-0}))
sleep 0.5
acc=$(($(accepts) - a0))
emb=$(($(srv_mib TcpExtEmbryonicRsts) - emb0))
synr=$(($(srv_mib TcpExtTCPSynRetrans) - syn0))
ovf=$(($(srv_mib TcpExtListenOverflows) - ovf0))
if [ "$XS_RC" -eq 0 ] && [ "$est" = $N ] && [ "$acc" -eq "$est" ]; then
	pass fast_connect_count_2q_server_accepts_all
else
	fail fast_connect_count_2q_server_accepts_all "summary duplicates $(summary "$RUN_OUT" duplicates) late $(summary "$RUN_OUT" late) challenges $(summary "$RUN_OUT" challenges) retransmits $(summary "$RUN_OUT" retransmits) fast_records $(summary "$RUN_OUT" fast_records); exit $XS_RC; established $est (want $N), server accept()s $acc (want the same); $emb handshakes reset before their ACK at the server (TcpExtEmbryonicRsts), $synr SYN-ACKs sent again (TcpExtTCPSynRetrans), $ovf final ACKs dropped on a full accept queue (TcpExtListenOverflows)"
fi

xs_done
