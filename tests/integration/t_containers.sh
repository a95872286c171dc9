#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 5, containers.
#
#   A "container": a process started in its own network namespace with
#   `unshare --net` (no name in /var/run/netns, as a runtime does it), one
#   end of a veth moved into it, the other end in a namespace we made that
#   acts as the host.
#     - connect from the host side of the veth to a server in the container;
#     - connect --netns /proc/PID/ns/net from inside the container to a
#       server on the host side;
#     - load/status/connect/unload with --netns /proc/PID/ns/net: pins under
#       .../xdpshake/ns<inode>/IF, all gone after unload.
#   Offloads on a plain veth pair: the server's TX checksum offload on (the
#   default: SYN-ACKs carry only the pseudo-header sum) and off, GRO on
#   either end, native and skb mode: every handshake completes.
#   MTU 9000: native XDP on a veth whose peer has MTU 9000 is refused with a
#   message that suggests --mode skb, and --mode skb works (connect and
#   load); MTU 9000 on our side only works natively.
#   No kernel RST from our range reaches a server in any of these.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_faults.sh"

xs_init ctr
xs_need_bin
xs_need_helpers

# -------------------------------------------------------- the container
xs_ns_add HOST_NS host
# The container lives as long as the test may (the EXIT trap ends it): with
# a fixed 60 s its namespace went away under a slow section.
unshare --net sleep $((XS_SRV_LIFE_MS / 1000)) &
CTR_PID=$!
XS_BG_PIDS+=("$CTR_PID")
CTR_NET=/proc/$CTR_PID/ns/net
ctr() { nsenter --net="$CTR_NET" "$@"; }
# unshare execs sleep once the namespace is made: wait for that.
ctr_started() {
	local ns
	ns=$(readlink "$CTR_NET" 2>/dev/null) &&
		[ "$ns" != "$(readlink /proc/self/ns/net)" ] &&
		[ "$(cat "/proc/$CTR_PID/comm" 2>/dev/null)" = sleep ]
}
if ! xs_wait_for 5 ctr_started; then
	fail container_setup "unshare --net did not start"
	xs_done
fi
CTR_INO=$(stat -L -c %i "$CTR_NET")
xs_defer "rm -rf '$XS_PIN_ROOT/ns$CTR_INO'"
HOST_IF=xsh0
CTR_IF=xsk0
HOST_IP=10.54.0.1
CTR_IP=10.54.0.2
ip -n "$HOST_NS" link add "$HOST_IF" type veth peer name "$CTR_IF" netns "$CTR_PID" ||
	{ fail container_setup "veth into the container"; xs_done; }
ip -n "$HOST_NS" addr add "$HOST_IP/24" dev "$HOST_IF"
ip -n "$HOST_NS" link set "$HOST_IF" up
ctr ip link set lo up
ctr sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1
ctr ip addr add "$CTR_IP/24" dev "$CTR_IF"
ctr ip link set "$CTR_IF" up
xs_wait_for 5 xs_link_up "$HOST_NS" "$HOST_IF"

# ctr_server PORT: tserver in the container on CTR_IP:PORT.
ctr_server() {
	local ready=$XS_TMP/ctrsrv$1.ready
	# nsenter itself, not the ctr function: a function in the background
	# is a subshell, and killing that at exit left tserver running.
	nsenter --net="$CTR_NET" "$XS_TSERVER" --bind "$CTR_IP" --port "$1" \
		--count 100 --timeout "$XS_SRV_LIFE_MS" --ready "$ready" \
		>"$XS_TMP/ctrsrv$1.out" 2>&1 &
	XS_BG_PIDS+=("$!")
	xs_wait_for 5 test -e "$ready" ||
		{ fail container_setup "tserver in the container"; xs_done; }
}

# ctr_clean NAME: nothing of ours on the container's veth and no pins.  A
# name for the namespace exists only while we look (xs_clean works by
# name); no xdpshake runs meanwhile, so its pin folder name is unaffected.
ctr_clean() {
	local view="xs-$XS_TEST-$$-view" ok=1
	ip netns attach "$view" "$CTR_PID" || ok=
	if [ -n "$ok" ] && xs_wait_for 2 xs_clean "$view" "$CTR_IF" &&
		[ ! -e "$XS_PIN_ROOT/ns$CTR_INO" ]; then
		pass "$1"
	else
		fail "$1" "left behind in the container"
		show "attached" "$XS_TMP/attached.txt"
	fi
	ip netns delete "$view" 2>/dev/null
}

ctr_server 80
srv_start "$HOST_NS" "$HOST_IP" 8080 --count 100 --timeout "$XS_SRV_LIFE_MS"
ctr tcpdump -i "$CTR_IF" -nn --immediate-mode -U -s 256 -Z root \
	-w "$XS_TMP/ctr.pcap" tcp >"$XS_TMP/ctr.pcap.log" 2>&1 &
CTR_CAP=$!
XS_BG_PIDS+=("$CTR_CAP")
xs_wait_for 5 grep -q 'listening on' "$XS_TMP/ctr.pcap.log"

# The host side of the container's veth.
xs_run host_side connect -i "$HOST_IF" --netns "$HOST_NS" "$CTR_IP:80" \
	--sport 61501 --timeout 500 --retries 2 --close fin -q
check container_host_side_connect "exit $XS_RC: $(first_error)" test "$XS_RC" -eq 0

# Inside the container, by /proc/PID/ns/net.
xs_run ctr_side connect -i "$CTR_IF" --netns "$CTR_NET" "$HOST_IP:8080" \
	--sport 61502 --timeout 500 --retries 2 --close fin -q
check container_proc_netns_connect "exit $XS_RC: $(first_error)" test "$XS_RC" -eq 0
ctr_clean container_connect_leaves_nothing

# load / status / connect / unload by /proc path.
xs_run ctr_load load -i "$CTR_IF" --netns "$CTR_NET" --sports "$XS_PORT_LO-$XS_PORT_HI"
xs_defer "timeout 10 '$XS_BIN' unload -i '$CTR_IF' --netns '$CTR_NET'"
if [ "$XS_RC" -eq 0 ] && [ -e "$XS_PIN_ROOT/ns$CTR_INO/$CTR_IF" ]; then
	pass container_load_pins_by_inode
else
	fail container_load_pins_by_inode "load exited $XS_RC; want pins in $XS_PIN_ROOT/ns$CTR_INO/$CTR_IF"
	xs_show_run
	ls -R "$XS_PIN_ROOT" 2>&1 | head -20 | sed 's/^/  | /'
fi
pindir=$(status_field "$CTR_NET" "$CTR_IF" pindir)
check container_status "status --netns $CTR_NET shows pindir '${pindir:-none}'" \
	test "$pindir" = "$XS_PIN_ROOT/ns$CTR_INO/$CTR_IF"
xs_run ctr_loaded connect -i "$CTR_IF" --netns "$CTR_NET" "$HOST_IP:8080" \
	--sport 61503 --timeout 500 --retries 2 --close fin -q
check container_loaded_connect "exit $XS_RC: $(first_error)" test "$XS_RC" -eq 0
xs_run ctr_unload unload -i "$CTR_IF" --netns "$CTR_NET"
check container_unload "unload exited $XS_RC" test "$XS_RC" -eq 0
ctr_clean container_unload_leaves_nothing

sleep 0.2
kill -INT "$CTR_CAP" 2>/dev/null
xs_wait_pid "$CTR_CAP" 5
# Both directions cross the container's veth: host-side runs and the runs
# inside the container.
CLI_IP=$HOST_IP check_no_rst container_no_rst_from_host_side "$XS_TMP/ctr.pcap"
CLI_IP=$CTR_IP check_no_rst container_no_rst_from_container "$XS_TMP/ctr.pcap"

# ------------------------------------------------- offloads, GRO, MTU
topo_pair 10.54.1.1 10.54.1.2
srv_start "$SRV_NS" "$SRV_IP" 80 --count 100 --timeout "$XS_SRV_LIFE_MS"
cap_start "$SRV_NS" "$SRV_IF"
ETH_C() { ip netns exec "$CLI_NS" "$XS_ETHTOOL" "$CLI_IF" "$@"; }
ETH_S() { ip netns exec "$SRV_NS" "$XS_ETHTOOL" "$SRV_IF" "$@"; }

# hs NAME SPORT [ARGS...]: an established handshake, closed with FIN.
hs() {
	local name=$1 sp=$2
	shift 2
	xs_run "$name" connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" \
		--sport "$sp" --timeout 500 --retries 2 --close fin -q "$@"
	if [ "$XS_RC" -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "exit $XS_RC, want 0"
		xs_show_run
	fi
}

# synack_ck SPORT: what the SYN-ACK to SPORT carried as its checksum (see
# cap_fields: ok or partial).
synack_ck() {
	cap_fields "$CAP_FILE" | awk -v s="$SRV_IP" -v p="$1" \
		'$4 == s && $7 == p && $8 == "S." { print $18; exit }'
}

# synack_in_cap SPORT: the SYN-ACK to SPORT has reached the capture file
# (tcpdump, busy, may write it a while after connect got it); sets ck.
synack_in_cap() {
	ck=$(synack_ck "$1")
	[ -n "$ck" ]
}

echo "# defaults: server tx $(ETH_S get tx), client gro $(ETH_C get gro)"
hs offload_default_native 61510
hs offload_default_skb 61511 --mode skb
xs_wait_for 5 synack_in_cap 61510
check offload_default_partial_csum "the SYN-ACK's checksum was '${ck:-none}', want partial (TX offload on)" \
	test "$ck" = partial

ETH_S set tx off
hs offload_tx_off_native 61512
hs offload_tx_off_skb 61513 --mode skb
xs_wait_for 5 synack_in_cap 61512
check offload_tx_off_full_csum "the SYN-ACK's checksum was '${ck:-none}', want ok (TX offload off)" \
	test "$ck" = ok
ETH_S set tx on

ETH_C set gro on
ETH_S set gro on
hs gro_on_native 61514
hs gro_on_skb 61515 --mode skb
ETH_C set tx off
hs gro_on_client_tx_off 61516
ETH_C set tx on
ETH_C set gro off
ETH_S set gro off

# MTU 9000 on both ends: native XDP on veth refuses a peer that large.
ip -n "$CLI_NS" link set dev "$CLI_IF" mtu 9000
ip -n "$SRV_NS" link set dev "$SRV_IF" mtu 9000
xs_run mtu_native connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" \
	--sport 61520 --timeout 300 --retries 0 -q
if [ "$XS_RC" -eq 0 ]; then
	pass mtu9000_native_ok
	echo "# native XDP accepted MTU 9000 on this kernel"
elif [ "$XS_RC" -eq 4 ] && grep -q -- '--mode skb' "$RUN_ERR" &&
	grep -q 'MTU' "$RUN_ERR"; then
	pass mtu9000_native_refused_clearly
	echo "#   $(first_error)"
else
	fail mtu9000_native_refused_clearly "exit $XS_RC, want 0, or 4 with a message naming the MTU and --mode skb"
	xs_show_run
fi
hs mtu9000_skb 61521 --mode skb
# Our SYN does not invite segments larger than an AF_XDP frame holds (2 KiB
# less the 256-byte XDP headroom): MSS 1738, not 8960.
xs_run mtu_mss connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" \
	--sport 61522 --timeout 500 --retries 2 --close fin --mode skb --json
mss=$("$XS_PY" -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("dir") == "sent" and o["tcp"]["flags"] == "SYN":
        print(o["tcp"]["options"].get("mss")); break' "$RUN_OUT" 2>&1)
check mtu9000_mss_fits_frame "exit $XS_RC, the SYN announced MSS '$mss', want 1738" \
	test "$XS_RC:$mss" = 0:1738
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run mtu_load load -i "$CLI_IF" --netns "$CLI_NS" --sports "$XS_PORT_LO-$XS_PORT_HI"
if [ "$XS_RC" -eq 0 ] || { [ "$XS_RC" -eq 4 ] && grep -q -- '--mode skb' "$RUN_ERR"; }; then
	pass mtu9000_load_native
else
	fail mtu9000_load_native "load exited $XS_RC without suggesting --mode skb"
	xs_show_run
fi
xs_run mtu_unload0 unload -i "$CLI_IF" --netns "$CLI_NS"
xs_run mtu_load_skb load -i "$CLI_IF" --netns "$CLI_NS" --sports "$XS_PORT_LO-$XS_PORT_HI" --mode skb
check mtu9000_load_skb "load --mode skb exited $XS_RC" test "$XS_RC" -eq 0
# A port of its own: 61522's server socket may still be in LAST_ACK (its
# FIN unanswered once our run ended), and answers a SYN with an ACK.
hs mtu9000_loaded_skb_connect 61524
xs_run mtu_unload unload -i "$CLI_IF" --netns "$CLI_NS"
check mtu9000_unload "unload exited $XS_RC" test "$XS_RC" -eq 0

# MTU 9000 on our side only: the peer's MTU is what native XDP checks.
ip -n "$SRV_NS" link set dev "$SRV_IF" mtu 1500
hs mtu9000_own_side_native 61523
ip -n "$CLI_NS" link set dev "$CLI_IF" mtu 1500
if xs_wait_for 2 xs_clean "$CLI_NS" "$CLI_IF"; then
	pass offload_mtu_leave_nothing
else
	fail offload_mtu_leave_nothing "left behind"
	show "attached" "$XS_TMP/attached.txt"
fi
cap_stop
check_no_rst offload_mtu_no_rst "$CAP_FILE"

xs_done
