#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 12, point 1: ICMP errors are answers.
#
#   hostB (client, xdpshake) -- router -- hostA (server :80, :81 closed)
#
# The router (icmp_ratelimit=0, so that every error is sent) REJECTs with
# nft, one ICMP type/code per port, DROPs one port, has a `prohibit` and an
# `unreachable` route, and answers TTL 1 with time-exceeded.  Each must be a
# result at once (scan: filtered + type/code + the router's address;
# connect: exit 7 after one SYN), forged errors quoting a sequence number we
# never sent must be dropped in XDP and counted (rx_icmp_bad), and nmap -sS
# on the same topology must agree on the open/closed/filtered sets.
. "$(dirname "$0")/lib.sh"

xs_init icmp
xs_need_bin
FORGE=$XS_ROOT/tests/helpers/forge_icmp.py

topo_routed
ip netns exec "$RTR_NS" sysctl -qw net.ipv4.icmp_ratelimit=0 \
	net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=100000 \
	>/dev/null
PROHIB_IP=10.0.6.6
UNREACH_IP=10.0.7.7
ip -n "$RTR_NS" route add prohibit 10.0.6.0/24
ip -n "$RTR_NS" route add unreachable 10.0.7.0/24
# port -> nft reject; 1007 is dropped silently.
declare -A REJ=([1001]=admin-prohibited [1002]=host-prohibited
	[1003]=port-unreachable [1004]=net-unreachable [1005]=host-unreachable
	[1006]=net-prohibited)
{
	echo "table ip xsicmp {"
	echo " chain xsfwd { type filter hook forward priority 0; policy accept;"
	for p in "${!REJ[@]}"; do
		echo "  ip daddr $SRV_IP tcp dport $p reject with icmp type ${REJ[$p]}"
	done
	echo "  ip daddr $SRV_IP tcp dport 1007 drop"
	echo " }"
	echo "}"
} >"$XS_TMP/rules.nft"
if ! ip netns exec "$RTR_NS" nft -f "$XS_TMP/rules.nft" 2>"$XS_TMP/nft.err"; then
	fail icmp_setup "nft: $(cat "$XS_TMP/nft.err")"
	xs_done
fi
srv_start "$SRV_NS" "$SRV_IP" 80 --count 1000 --timeout "$XS_SRV_LIFE_MS"
PORTS=80,81,1001-1007
LO=62000
HI=62099
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run load load -i "$CLI_IF" --netns "$CLI_NS" --ports $LO-$HI
[ "$XS_RC" = 0 ] || { fail icmp_load "load exited $XS_RC"; xs_show_run; xs_done; }

counter() { xs_counter "$CLI_NS" "$CLI_IF" "$1"; }
# syns_to CAP PORT: SYNs from hostB to PORT in a capture.
syns_to() {
	tcpdump -r "$1" -nn "src host $CLI_IP and tcp dst port $2 and tcp[tcpflags] & tcp-syn != 0" \
		2>/dev/null | wc -l
}

# ------------------------------------------------------------------ scan
# What each (address, port) must give: state type/code from.
R=$RTR_CLI_IP
declare -A WANT=(["$SRV_IP:80"]="open" ["$SRV_IP:81"]="closed"
	["$SRV_IP:1001"]="filtered 3/13 $R" ["$SRV_IP:1002"]="filtered 3/10 $R"
	["$SRV_IP:1003"]="filtered 3/3 $R" ["$SRV_IP:1004"]="filtered 3/0 $R"
	["$SRV_IP:1005"]="filtered 3/1 $R" ["$SRV_IP:1006"]="filtered 3/9 $R"
	["$SRV_IP:1007"]="silent")
# Route errors (ip_error) are rate limited per source by the global
# net.ipv4.route.error_cost/error_burst (5 at once, then 1/s), which a test
# must not change: one probe each.
WANT["$PROHIB_IP:80"]="filtered 3/13 $R"
WANT["$UNREACH_IP:80"]="filtered 3/1 $R"
icmp0=$(counter rx_icmp)
cap_start "$RTR_NS" "$RTR_CLI_IF"
CAP=$CAP_FILE
CAP_P=$CAP_PID
xs_run scan scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -p "$PORTS" \
	--sports $LO-$HI --retries 1 --timeout 300 --wait 3 --show all -q --json
cp "$RUN_OUT" "$XS_TMP/scan1.out"
# ip_error() shares the router's per-source token with icmp_send(), which
# (icmp_ratelimit=0) empties it: a route error needs 1 s without any ICMP
# to that source.  One target per run, SYNs 1.1 s apart.
: >"$XS_TMP/routes.out"
for ip in "$PROHIB_IP" "$UNREACH_IP"; do
	xs_run scan2 scan -i "$CLI_IF" --netns "$CLI_NS" "$ip" -p 80 \
		--sports $LO-$HI --retries 2 --timeout 1100 --wait 5 -q --json \
		--show all
	cat "$RUN_OUT" >>"$XS_TMP/routes.out"
done
RUN_OUT=$XS_TMP/routes.out
cap_stop "$CAP_P"
icmp1=$(counter rx_icmp)
# One line per result: "ip:port state[ type/code from]".
cat "$XS_TMP/scan1.out" "$RUN_OUT" | "$XS_PY" -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    if "port" not in o:
        continue
    s = o["state"]
    if "icmp_type" in o:
        s += " %d/%d %s" % (o["icmp_type"], o["icmp_code"], o["icmp_from"])
    print("%s:%d %s" % (o["ip"], o["port"], s))
' | sort >"$XS_TMP/ours.txt"
for k in "${!WANT[@]}"; do echo "$k ${WANT[$k]}"; done | sort >"$XS_TMP/want.txt"
if [ "$XS_RC" = 0 ] && diff -u "$XS_TMP/want.txt" "$XS_TMP/ours.txt" >"$XS_TMP/diff.txt"; then
	pass scan_icmp_states
else
	fail scan_icmp_states "exit $XS_RC; results differ from the expected set (one line each)"
	cat "$XS_TMP/diff.txt"
	xs_show_run
fi
sum=$(grep '"event":"summary"' "$XS_TMP/scan1.out" | "$XS_PY" -c '
import json, sys
o = json.loads(sys.stdin.read())
print(o["open"], o["closed"], o["filtered"], o["unreachable"], o["timeouts"])')
if [ "$sum" = "1 1 6 0 1" ]; then
	pass scan_summary_counts
else
	fail scan_summary_counts "open closed filtered unreachable timeouts '$sum', want '1 1 6 0 1'"
fi
# Retrying stops at the ICMP error; the silent port gets its retry.
got="$(syns_to "$CAP" 1001) $(syns_to "$CAP" 1004) $(syns_to "$CAP" 1007)"
if [ "$got" = "1 1 2" ]; then
	pass scan_no_retry_after_icmp
else
	fail scan_no_retry_after_icmp "SYNs to 1001 1004 1007 on the wire '$got', want '1 1 2' (1007 is dropped: its retry)"
	show_cap "$CAP"
fi
if [ -n "$icmp0" ] && [ $((icmp1 - icmp0)) = 8 ]; then
	pass xdp_rx_icmp_counted
else
	fail xdp_rx_icmp_counted "rx_icmp went $icmp0 -> $icmp1, want +8 (one per ICMP result)"
fi

# Time exceeded: TTL 1 dies at the router.
xs_run ttl scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -p 80 \
	--sports $LO-$HI --ttl 1 --retries 1 --timeout 500 --wait 1 -q
line=$(grep '"port":80' "$RUN_OUT")
if echo "$line" | grep -q '"state":"unreachable"' &&
	echo "$line" | grep -q '"icmp_type":11,"icmp_code":0' &&
	echo "$line" | grep -q "\"icmp_from\":\"$R\""; then
	pass scan_ttl_exceeded
else
	fail scan_ttl_exceeded "result '$line', want unreachable 11/0 from $R"
	xs_show_run
fi

# --------------------------------------------------------------- connect
cap_start "$RTR_NS" "$RTR_CLI_IF"
CAP=$CAP_FILE
CAP_P=$CAP_PID
xs_run c1001 connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:1001" \
	--sport $((LO + 1)) --retries 3 --timeout 1000
cap_stop "$CAP_P"
want="$SRV_IP:1001 unreachable: administratively prohibited (ICMP 3/13) from $R"
if [ "$XS_RC" = 7 ] && grep -qxF "$want" "$RUN_OUT"; then
	pass connect_admin_prohibited_exit7
else
	fail connect_admin_prohibited_exit7 "exit $XS_RC (want 7), want the line '$want'"
	xs_show_run
fi
n=$(syns_to "$CAP" 1001)
if [ "$n" = 1 ]; then
	pass connect_one_syn_on_wire
else
	fail connect_one_syn_on_wire "$n SYNs to 1001 on the wire, want 1"
	show_cap "$CAP"
fi
xs_run cj connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:1002" \
	--sport $((LO + 2)) --retries 3 --timeout 1000 --json
got=$(grep '"event":"result"' "$RUN_OUT" | "$XS_PY" -c '
import json, sys
o = json.loads(sys.stdin.read())
print(o["result"], o["exit_code"], o["state"], o["icmp_type"], o["icmp_code"],
      o["icmp_from"], o["syns_sent"])' 2>/dev/null)
if [ "$XS_RC" = 7 ] && [ "$got" = "unreachable 7 filtered 3 10 $R 1" ]; then
	pass connect_json_icmp_fields
else
	fail connect_json_icmp_fields "exit $XS_RC; '$got', want 'unreachable 7 filtered 3 10 $R 1'"
	xs_show_run
fi
xs_run cttl connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" \
	--sport $((LO + 3)) --ttl 1 --retries 3 --timeout 1000
want="$SRV_IP:80 unreachable: TTL exceeded in transit (ICMP 11/0) from $R"
if [ "$XS_RC" = 7 ] && grep -qxF "$want" "$RUN_OUT"; then
	pass connect_ttl_exceeded
else
	fail connect_ttl_exceeded "exit $XS_RC, want 7 and '$want'"
	xs_show_run
fi
xs_run ccount connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:1003" \
	--sports $((LO + 10))-$((LO + 19)) --count 5 --retries 2 --timeout 500
line=$(grep -E '^connect: [0-9]+ handshakes:' "$RUN_ERR" | tail -n 1)
want="connect: 5 handshakes: 0 established, 0 refused, 5 unreachable, 0 timed out, 0 unfinished, 0 not attempted"
if [ "$XS_RC" = 5 ] && [ "$line" = "$want" ]; then
	pass connect_count_unreachable
else
	fail connect_count_unreachable "exit $XS_RC (want 5); '$line', want '$want'"
	xs_show_run
fi

# ---------------------------------------------------------------- forged
# Errors quoting our 4-tuple with a sequence number we never sent: XDP drops
# each (rx_icmp_bad), the probe stays unanswered.  From the server's side,
# while the scan of the silent port runs (its SYNs at 0, 1 and 3 s).
bad0=$(counter rx_icmp_bad)
icmp0=$(counter rx_icmp)
# The forgeries start once the scan's first SYN is on the wire.
ip netns exec "$RTR_NS" timeout 20 tcpdump -i "$RTR_CLI_IF" -nn -l -c 1 \
	"src host $CLI_IP and tcp dst port 1007 and tcp[tcpflags] & tcp-syn != 0" \
	>"$XS_TMP/syn1.txt" 2>"$XS_TMP/syn1.err" &
TPID=$!
XS_BG_PIDS+=("$TPID")
xs_wait_for 5 grep -q listening "$XS_TMP/syn1.err"
(
	xs_wait_pid "$TPID" 20
	ip netns exec "$SRV_NS" "$XS_PY" "$FORGE" "$CLI_IP" "$CLI_IP" \
		$((LO + 50)) "$SRV_IP" 1007 0x12345678 --count 5 --gap-ms 100
) >"$XS_TMP/forge.out" 2>&1 &
FPID=$!
XS_BG_PIDS+=("$FPID")
xs_run forged scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -p 1007 \
	--sports $((LO + 50))-$((LO + 50)) --retries 2 --timeout 1000 --wait 8 \
	--show all -q
xs_wait_pid "$FPID" 10
bad1=$(counter rx_icmp_bad)
icmp1=$(counter rx_icmp)
state=$(grep -o '"state":"[a-z]*"' "$RUN_OUT")
if grep -q "sent 5" "$XS_TMP/forge.out" && [ "$state" = '"state":"silent"' ] &&
	[ $((bad1 - bad0)) = 5 ] && [ "$icmp1" = "$icmp0" ]; then
	pass forged_icmp_dropped_counted
else
	fail forged_icmp_dropped_counted "forger '$(cat "$XS_TMP/forge.out")'; result $state (want silent); rx_icmp_bad +$((bad1 - bad0)) (want 5), rx_icmp $icmp0 -> $icmp1 (want unchanged)"
	xs_show_run
fi
# bpftool reads the pinned, BTF-typed counters by name.
dump=$(timeout 10 bpftool map dump pinned "$XS_PIN_ROOT/$CLI_NS/$CLI_IF/stats" 2>/dev/null)
if echo "$dump" | grep -q '"rx_icmp": ' && echo "$dump" | grep -q '"rx_icmp_bad": '; then
	pass bpftool_shows_icmp_counters
else
	fail bpftool_shows_icmp_counters "bpftool map dump of the pinned stats has no rx_icmp/rx_icmp_bad"
	echo "$dump" | head -30
fi
st=$(timeout 10 "$XS_BIN" status -i "$CLI_IF" --netns "$CLI_NS" 2>/dev/null)
if echo "$st" | grep -Eq "rx_icmp_bad +$bad1( |\$)"; then
	pass status_shows_rx_icmp_bad
else
	fail status_shows_rx_icmp_bad "xdpshake status has no 'rx_icmp_bad $bad1'"
	echo "$st" | head -40
fi

# --------------------------------------------------------------- monitor
# At the router (text, --pcap) and at hostB, where the error goes through
# the XDP filter to connect's socket (JSON, path xdp_redirect): the SYN
# and the ICMP error that quotes it, by its quoted port.
mon_start() {
	local name=$1
	shift
	MON_OUT=$XS_TMP/$name.out
	MON_ERR=$XS_TMP/$name.err
	timeout --kill-after=5 "$XS_RUN_TIMEOUT" "$XS_BIN" monitor "$@" \
		>"$MON_OUT" 2>"$MON_ERR" </dev/null &
	MON_PID=$!
	XS_BG_PIDS+=("$MON_PID")
	xs_wait_for 10 grep -qs 'attached to' "$MON_ERR"
}
mon_start mon_r -i "$RTR_CLI_IF" --netns "$RTR_NS" --port 1001 --count 2 \
	--pcap "$XS_TMP/mon.pcap"
MON_R=$MON_PID
mon_start mon_c -i "$CLI_IF" --netns "$CLI_NS" --port 1001 --count 2 --json
MON_C=$MON_PID
xs_run cmon connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:1001" \
	--sport $((LO + 4)) --retries 1 --timeout 1000
xs_wait_pid "$MON_R" 10
xs_wait_pid "$MON_C" 10
if [ "$XS_RC" = 7 ] &&
	grep -q "Protocol: ICMP Source IP: $R Destination IP: $CLI_IP" "$XS_TMP/mon_r.out" &&
	grep -q "{'ICMP_TYPE': 3, 'ICMP_CODE': 13, 'REASON': 'administratively prohibited', .*'QUOTED_SRC_PORT': $((LO + 4)), 'QUOTED_DEST_PORT': 1001, 'QUOTED_SEQ': " "$XS_TMP/mon_r.out" &&
	[ "$(tcpdump -r "$XS_TMP/mon.pcap" -nn icmp 2>/dev/null | wc -l)" = 1 ]; then
	pass monitor_router_shows_icmp
else
	fail monitor_router_shows_icmp "connect exit $XS_RC; the router's monitor (text, pcap) has no ICMP 3/13 quoting port 1001"
	show "monitor" "$XS_TMP/mon_r.out"
	show "monitor stderr" "$XS_TMP/mon_r.err"
fi
got=$(grep '"icmp"' "$XS_TMP/mon_c.out" | "$XS_PY" -c '
import json, sys
o = json.loads(sys.stdin.readline())
i = o["icmp"]
print(o["path"], i["type"], i["code"], i["csum_state"], i["quote"]["dport"])' 2>/dev/null)
if [ "$got" = "xdp_redirect 3 13 valid 1001" ]; then
	pass monitor_client_icmp_json
else
	fail monitor_client_icmp_json "'$got', want 'xdp_redirect 3 13 valid 1001'"
	show "monitor" "$XS_TMP/mon_c.out"
fi

# ------------------------------------------------------------------ PMTU
# A 1000-byte banner payload through a 576-byte MTU.  First only the
# router's side towards hostA has it: hostA offers MSS 1460, our one
# segment draws frag-needed (3/4, MTU 576), and the payload must be sent
# again in segments that fit.  Then hostA's own link has it too: it offers
# MSS 536, and the payload is cut to that from the start.  Either way hostA
# reads all 1000 bytes and our RST (at what it acknowledged) resets it.
PAYLOAD=$(printf 'A%.0s' $(seq 1000))
pmtu_case() {
	local name=$1 want_resends=$2 ready=$XS_TMP/$1.ready out=$XS_TMP/$1.srv
	ip netns exec "$SRV_NS" "$XS_PY" "$XS_ROOT/tests/helpers/pmtu_server.py" \
		"$SRV_IP" 8080 1000 "$ready" >"$out" 2>&1 &
	local spid=$!
	XS_BG_PIDS+=("$spid")
	xs_wait_for 5 test -e "$ready"
	xs_run "$name" scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -p 8080 \
		--sports $LO-$HI --banner --payload "$PAYLOAD" --banner-timeout 3000 \
		--retries 1 --timeout 1000 --wait 4 -q --json
	xs_wait_pid "$spid" 20
	local res banner
	res=$(grep '"event":"summary"' "$RUN_OUT" | "$XS_PY" -c '
import json, sys
print(json.loads(sys.stdin.read())["pmtu_resends"])' 2>/dev/null)
	banner=$(grep -c '"banner":"OK\\n"' "$RUN_OUT")
	if [ "$XS_RC" = 0 ] && [ "$(head -n 1 "$out")" = "GOT 1000 ok" ] &&
		[ "$(sed -n 2p "$out")" = RESET ] && [ "$banner" = 1 ] &&
		[ "$res" = "$want_resends" ]; then
		pass "$name"
	else
		fail "$name" "exit $XS_RC; server '$(tr '\n' ' ' <"$out")' (want 'GOT 1000 ok RESET'); banner lines $banner (want 1); pmtu_resends '$res' (want $want_resends)"
		xs_show_run
	fi
}
ip -n "$RTR_NS" link set dev "$RTR_SRV_IF" mtu 576
pmtu_case pmtu_frag_needed_resegments 1
ip -n "$SRV_NS" link set dev "$SRV_IF" mtu 576
pmtu_case pmtu_peer_mss_segments 0

# ------------------------------------------------------------ nmap -sS
# The same targets; source port 40000, outside our range, so that our XDP
# filter and TC guard leave its replies to it.
if ! command -v nmap >/dev/null; then
	fail nmap_agrees "nmap not installed (run make deps)"
	xs_done
fi
ip netns exec "$CLI_NS" timeout 120 nmap -sS -Pn -n -g 40000 \
	--max-retries 1 --reason -p "$PORTS" -oX "$XS_TMP/nmap1.xml" \
	"$SRV_IP" >"$XS_TMP/nmap.out" 2>&1
for ip in "$PROHIB_IP" "$UNREACH_IP"; do
	ip netns exec "$CLI_NS" timeout 120 nmap -sS -Pn -n -g 40000 \
		--max-retries 2 --initial-rtt-timeout 1100ms \
		--min-rtt-timeout 1100ms --reason -p 80 -oX "$XS_TMP/nmap-$ip.xml" \
		"$ip" >>"$XS_TMP/nmap.out" 2>&1
done
"$XS_PY" -c '
import sys, xml.etree.ElementTree as ET
for h in [h for f in sys.argv[1:] for h in ET.parse(f).getroot().iter("host")]:
    ip = h.find("address").get("addr")
    for p in h.iter("port"):
        s = p.find("state")
        print("%s:%s %s %s" % (ip, p.get("portid"), s.get("state"),
                               s.get("reason")))
' "$XS_TMP/nmap1.xml" "$XS_TMP/nmap-$PROHIB_IP.xml" \
	"$XS_TMP/nmap-$UNREACH_IP.xml" | sort >"$XS_TMP/nmap.txt"
# ours: open -> open, closed -> closed, filtered/unreachable/silent -> filtered
awk '{ s = $2; if (s != "open" && s != "closed") s = "filtered";
	print $1, s }' "$XS_TMP/ours.txt" | sort >"$XS_TMP/ours3.txt"
awk '{ print $1, $2 }' "$XS_TMP/nmap.txt" >"$XS_TMP/nmap3.txt"
if [ -s "$XS_TMP/nmap3.txt" ] &&
	diff -u "$XS_TMP/nmap3.txt" "$XS_TMP/ours3.txt" >"$XS_TMP/ndiff.txt"; then
	pass nmap_agrees
else
	fail nmap_agrees "nmap -sS and xdpshake disagree"
	cat "$XS_TMP/ndiff.txt" "$XS_TMP/nmap.out"
fi
# The table for the record: ours (state type/code from) | nmap (state reason)
join "$XS_TMP/ours.txt" "$XS_TMP/nmap.txt" 2>/dev/null | sed 's/^/# /'
# TTL 1 (time exceeded), for the record too: nmap's state and reason.
ip netns exec "$CLI_NS" timeout 60 nmap -sS -Pn -n -g 40000 --ttl 1 \
	--max-retries 1 --reason -p 80 "$SRV_IP" 2>&1 | grep '^80/tcp' |
	sed "s|^|# ttl 1: ours $(grep -o '"state":"[a-z]*","sport"' "$XS_TMP/ttl.out" | cut -d'"' -f4); nmap |"

xs_done
