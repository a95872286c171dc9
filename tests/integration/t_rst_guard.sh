#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue test 2: the TC RST guard.
#
# The server writes a banner right after accept().  The client's kernel has
# no socket for the connection xdpshake made, so it answers the banner (and
# every retransmission of it) with an RST.  With the programs loaded, the TC
# egress guard must drop those RSTs: none reaches the server, whose socket
# stays established, and the tc_rst_drop counter goes up.  RSTs from ports
# outside the loaded range are not the guard's business and must pass.
. "$(dirname "$0")/lib.sh"

xs_init rg
xs_need_bin

topo_pair
PORT=8080
SPORT=$((XS_PORT_LO + 321))
# IPv6 too (ULA, nodad: usable at once); one load serves both families.
CLI_IP6=fd00:11::1
SRV_IP6=fd00:11::2
xs_ipv6_on "$CLI_NS" "$CLI_IF" "$CLI_IP6/64"
xs_ipv6_on "$SRV_NS" "$SRV_IF" "$SRV_IP6/64"

# Persistent load, so the guard outlives connect and its counters are pinned.
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run load load -i "$CLI_IF" --netns "$CLI_NS" --sports "$XS_PORT_LO-$XS_PORT_HI"
if [ "$XS_RC" -eq 0 ]; then
	pass load
else
	fail load "load exited $XS_RC, want 0"
	xs_show_run
	xs_done
fi
# Without --src, each family takes the interface's address.
src6=$(timeout 10 "$XS_BIN" status -i "$CLI_IF" --netns "$CLI_NS" --json 2>/dev/null |
	"$XS_PY" -c 'import json, sys; print(json.load(sys.stdin)["interfaces"][0]["config"]["src_ip6"])' 2>/dev/null)
check load_takes_interface_ipv6 "status says src_ip6 '$src6', want $CLI_IP6" \
	test "$src6" = "$CLI_IP6"
drops0=$(xs_counter "$CLI_NS" "$CLI_IF" tc_rst_drop)
if [ -n "$drops0" ]; then
	pass counters_readable
else
	fail counters_readable "no tc_rst_drop from 'status --json' nor the pinned stats map"
	ls -l "$XS_PIN_ROOT/$CLI_NS/$CLI_IF" 2>&1 | sed 's/^/  | /'
	drops0=0
fi

# The server holds the connection for as long as the test may run (it is
# stopped at the end): server_still_established looks at it after the
# counter reads and the capture's decoding, which took longer than a 6 s
# hold on a busy machine (the server had closed: FIN-WAIT-1, not ESTAB).
srv_start "$SRV_NS" "$SRV_IP" "$PORT" --banner "hello from tserver" \
	--count 1 --hold "$XS_SRV_LIFE_MS" --timeout "$XS_SRV_LIFE_MS"
cap_start "$SRV_NS" "$SRV_IF"

xs_run connect connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$PORT" \
	--sport "$SPORT" --timeout 1000 --retries 2 --json
if [ "$XS_RC" -eq 0 ] && json_valid "$RUN_OUT"; then
	pass connect_with_load
else
	fail connect_with_load "connect exited $XS_RC (want 0) or its JSON does not parse"
	xs_show_run
fi

# The banner went out, and the kernel's RSTs to it come (and go) while the
# server retransmits: wait until the guard has dropped one, then a little
# longer so a retransmission or two are answered too.
xs_wait_for 3 srv_saw '^SENT [0-9]+$'
got_drop() {
	local v
	v=$(xs_counter "$CLI_NS" "$CLI_IF" tc_rst_drop)
	[ -n "$v" ] && [ "$v" -gt "$drops0" ]
}
xs_wait_for 4 got_drop
sleep 0.8
drops1=$(xs_counter "$CLI_NS" "$CLI_IF" tc_rst_drop)
cap_stop
FLOW=$XS_TMP/flow.txt
cap_flow "$CAP_FILE" "$CLI_IP" "$SPORT" "$SRV_IP" "$PORT" >"$FLOW"

if srv_saw "^ACCEPT $CLI_IP:$SPORT state=ESTABLISHED\$" && srv_saw '^SENT [0-9]+$'; then
	pass server_sent_banner
else
	fail server_sent_banner "the server did not accept $CLI_IP:$SPORT and send its banner"
	show "tserver" "$SRV_OUT"
fi

# The banner is on the wire (so the client's kernel had something to reset).
if awk -v s="$SRV_IP" '$4 == s && $16 > 0' "$FLOW" | grep -q .; then
	pass banner_on_wire
else
	fail banner_on_wire "no data segment from the server captured"
	show_cap "$CAP_FILE"
fi

# No RST from the client reached the server; its socket saw none either.
if awk -v c="$CLI_IP" '$4 == c && $8 ~ /R/' "$FLOW" | grep -q .; then
	fail no_rst_reaches_server "an RST from $CLI_IP:$SPORT reached the server"
	show_cap "$CAP_FILE"
elif srv_saw '^(RST|ERROR)'; then
	fail no_rst_reaches_server "the server's socket reported a reset"
	show "tserver" "$SRV_OUT"
elif [ ! -s "$FLOW" ]; then
	fail no_rst_reaches_server "nothing captured for the 4-tuple"
else
	pass no_rst_reaches_server
fi

# The server's socket is still established (ss's view).
if ip netns exec "$SRV_NS" ss -Htn state established \
	"( sport = :$PORT and dport = :$SPORT )" | grep -q .; then
	pass server_still_established
else
	fail server_still_established "no ESTAB socket for $CLI_IP:$SPORT on the server"
	ip netns exec "$SRV_NS" ss -tan | sed 's/^/  | /'
fi

if [ -n "$drops1" ] && [ "$drops1" -gt "$drops0" ]; then
	pass tc_rst_drop_counted
	echo "# tc_rst_drop: $drops0 -> $drops1"
else
	fail tc_rst_drop_counted "tc_rst_drop ${drops0} -> ${drops1:-?}, want an increase"
	timeout 10 "$XS_BIN" status -i "$CLI_IF" --netns "$CLI_NS" 2>&1 | sed 's/^/  | /'
fi

# The guard is for our port range only.  A SYN from the server to a closed
# port of the client draws the client kernel's RST: from a port outside the
# range it must reach the server (nc sees "refused" at once); from a port
# inside the range it is the guard's and must be dropped (nc times out).
OUT_PORT=5555
IN_PORT=$((XS_PORT_LO + 500))
cap_start "$SRV_NS" "$SRV_IF"
ip netns exec "$SRV_NS" timeout 5 nc -z -w 1 "$CLI_IP" "$OUT_PORT" >/dev/null 2>&1
ip netns exec "$SRV_NS" timeout 5 nc -z -w 1 "$CLI_IP" "$IN_PORT" >/dev/null 2>&1
cap_stop
cap_fields "$CAP_FILE" >"$XS_TMP/ports.txt"
if awk -v c="$CLI_IP" -v p="$OUT_PORT" '$4 == c && $5 == p && $8 ~ /R/' \
	"$XS_TMP/ports.txt" | grep -q .; then
	pass rst_outside_range_passes
else
	fail rst_outside_range_passes "no RST from $CLI_IP:$OUT_PORT reached the server"
	show_cap "$CAP_FILE"
fi
if awk -v c="$CLI_IP" -v p="$IN_PORT" '$4 == c && $5 == p && $8 ~ /R/' \
	"$XS_TMP/ports.txt" | grep -q .; then
	fail rst_inside_range_dropped "an RST from $CLI_IP:$IN_PORT reached the server"
	show_cap "$CAP_FILE"
elif ! awk -v c="$CLI_IP" -v p="$IN_PORT" '$6 == c && $7 == p && $8 == "S"' \
	"$XS_TMP/ports.txt" | grep -q .; then
	fail rst_inside_range_dropped "the SYN to $CLI_IP:$IN_PORT was not captured"
else
	pass rst_inside_range_dropped
fi

# IPv6, through the same load.  Neighbour discovery crosses the XDP filter
# (it is the kernel's): with the server's neighbour entries gone, the first
# attempt below needs a solicitation that the client's kernel answers.
ip -n "$SRV_NS" neigh flush dev "$SRV_IF"
v6_try() { # PORT -> open | refused | timeout | error ...
	ip netns exec "$SRV_NS" "$XS_PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.settimeout(1.5)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    print("open")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")
except OSError as e:
    print("error", e)
' "$CLI_IP6" "$1"
}
d6a=$(xs_counter "$CLI_NS" "$CLI_IF" tc_rst_drop)
r_out=$(v6_try "$OUT_PORT")
r_in=$(v6_try "$IN_PORT")
d6b=$(xs_counter "$CLI_NS" "$CLI_IF" tc_rst_drop)
check ndp_through_filter "the server has no neighbour entry for $CLI_IP6" \
	eval 'ip -n "$SRV_NS" -6 neigh show "$CLI_IP6" dev "$SRV_IF" | grep -q lladdr'
check rst6_outside_range_passes "IPv6 connect to [$CLI_IP6]:$OUT_PORT: $r_out, want refused" \
	test "$r_out" = refused
check rst6_inside_range_dropped "IPv6 connect to [$CLI_IP6]:$IN_PORT: $r_in, want timeout (RST dropped)" \
	test "$r_in" = timeout
check rst6_drop_counted "tc_rst_drop ${d6a:-?} -> ${d6b:-?} over the IPv6 attempt, want an increase" \
	test -n "$d6a" -a -n "$d6b" -a "${d6b:-0}" -gt "${d6a:-0}"

xs_done
