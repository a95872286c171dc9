#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue test 3: the tutorial's topology, with the router in between.
#
#   hostB (client, xdpshake) -- router (ip_forward=1) -- hostA (server :80)
#
# The client's frame must go to the router's MAC (learnt from the route and
# the neighbour table, resolved by ARP in a fresh namespace), the handshake
# must complete through the router, and hostA's accept() must see hostB's
# address and port.
. "$(dirname "$0")/lib.sh"

xs_init rt
xs_need_bin

topo_routed
PORT=80
SPORT=$((XS_PORT_LO + 200))
M32=0xffffffff

srv_start "$SRV_NS" "$SRV_IP" "$PORT" --count 1 --hold 5000 --timeout 20000
# Two captures: on the router's side facing hostB (what hostB sent), and on
# hostA (what arrived, after forwarding).
cap_start "$RTR_NS" "$RTR_CLI_IF"
CAP_R=$CAP_FILE
PID_R=$CAP_PID
cap_start "$SRV_NS" "$SRV_IF"
CAP_S=$CAP_FILE
PID_S=$CAP_PID

xs_run connect connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$PORT" \
	--sport "$SPORT" --timeout 1000 --retries 2 --json
if [ "$XS_RC" -eq 0 ]; then
	pass connect_through_router
else
	fail connect_through_router "connect exited $XS_RC, want 0"
	xs_show_run
fi
if xs_wait_for 3 srv_saw "^ACCEPT $CLI_IP:$SPORT state=ESTABLISHED\$"; then
	pass server_accept_4tuple
else
	fail server_accept_4tuple "hostA saw no 'ACCEPT $CLI_IP:$SPORT state=ESTABLISHED'"
	show "tserver" "$SRV_OUT"
fi
cap_stop "$PID_R"
cap_stop "$PID_S"
cap_flow "$CAP_R" "$CLI_IP" "$SPORT" "$SRV_IP" "$PORT" >"$XS_TMP/flow_r.txt"
cap_flow "$CAP_S" "$CLI_IP" "$SPORT" "$SRV_IP" "$PORT" >"$XS_TMP/flow_s.txt"

# hostB's SYN, as the router received it: to the router's MAC, from hostB's.
read -r _ smac dmac src _ dst _ fl _ _ _ _ ttl _ <<<"$(head -n 1 "$XS_TMP/flow_r.txt")"
got="${fl:-none} $src > $dst $smac > $dmac ttl=${ttl:-}"
want="S $CLI_IP > $SRV_IP $CLI_MAC > $RTR_CLI_MAC ttl=64"
if [ "$got" = "$want" ]; then
	pass syn_to_router_mac
else
	fail syn_to_router_mac "first segment at the router: '$got', want '$want'"
	show_cap "$CAP_R"
fi

# The same in connect's own report of the SYN it sent.
jmac=$("$XS_PY" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l) if l.strip() else {}
    if o.get("event") == "packet" and o.get("dir") == "sent":
        print(o.get("dst_mac")); break
' "$RUN_OUT" 2>/dev/null)
if [ "$jmac" = "$RTR_CLI_MAC" ]; then
	pass json_dst_mac_is_router
else
	fail json_dst_mac_is_router "connect --json says the SYN went to '${jmac}', want $RTR_CLI_MAC"
	xs_show_run
fi

# At hostA: exactly SYN, SYN-ACK, ACK, numbers consistent, forwarded (TTL
# 63), no RST.
mapfile -t W <"$XS_TMP/flow_s.txt"
read -r _ _ _ _ _ _ _ f1 s1 _ _ _ t1 _ <<<"${W[0]:-}"
read -r _ _ _ _ _ _ _ f2 s2 a2 _ <<<"${W[1]:-}"
read -r _ _ _ _ _ _ _ f3 s3 a3 _ _ t3 _ <<<"${W[2]:-}"
why=
if [ "${#W[@]}" -ne 3 ]; then
	why="${#W[@]} segments at hostA, want exactly 3"
elif [ "$f1 $f2 $f3" != "S S. ." ]; then
	why="flags '$f1 $f2 $f3', want 'S S. .'"
elif [ "$a2" != $(((s1 + 1) & M32)) ] || [ "$s3" != $(((s1 + 1) & M32)) ] ||
	[ "$a3" != $(((s2 + 1) & M32)) ]; then
	why="numbers: SYN seq $s1, SYN-ACK seq $s2 ack $a2, ACK seq $s3 ack $a3"
elif [ "$t1 $t3" != "63 63" ]; then
	why="TTL at hostA '$t1 $t3', want '63 63' (one hop)"
fi
if [ -z "$why" ]; then pass handshake_at_hostA; else
	fail handshake_at_hostA "$why"; show_cap "$CAP_S"; fi
if cat "$XS_TMP/flow_r.txt" "$XS_TMP/flow_s.txt" | grep -Eq ' R\.? '; then
	fail no_rst "an RST crossed the router"
	show_cap "$CAP_R"
else
	pass no_rst
fi

xs_done
