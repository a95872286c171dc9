#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue test 5: load, status, unload.
#
# While loaded: an XDP program and a TC egress program on the interface,
# pins under /sys/fs/bpf/xdpshake/<netns>/<ifname>, counters readable by
# field name with bpftool, `status --json` showing it.  A second load on the
# same interface, and a load on an interface another XDP program owns, are
# refused (exit 1 or 4, one clear message) and change nothing.  After
# unload nothing is left: no XDP program, no tc/tcx program, no clsact
# qdisc, no pin.  The same in --mode skb.
. "$(dirname "$0")/lib.sh"

xs_init lu
xs_need_bin

topo_pair
PORTS="$XS_PORT_LO-$XS_PORT_HI"
PINDIR=$XS_PIN_ROOT/$CLI_NS/$CLI_IF

if xs_clean "$CLI_NS" "$CLI_IF"; then
	pass clean_before
else
	fail clean_before "a fresh veth already has something attached"
	show "attached" "$XS_TMP/attached.txt"
fi

# ------------------------------------------------------------------ load
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run load load -i "$CLI_IF" --netns "$CLI_NS" --sports "$PORTS"
if [ "$XS_RC" -eq 0 ]; then
	pass load
else
	fail load "load exited $XS_RC, want 0"
	xs_show_run
	xs_done
fi

xs_attached "$CLI_NS" "$CLI_IF" >"$XS_TMP/loaded.txt"
if grep -q '^link-xdp: ' "$XS_TMP/loaded.txt" &&
	grep -q '^bpftool-xdp: ' "$XS_TMP/loaded.txt"; then
	pass loaded_xdp_attached
else
	fail loaded_xdp_attached "no XDP program on $CLI_IF after load"
	show "attached" "$XS_TMP/loaded.txt"
fi
# The guard may be a tcx link or a clsact filter (see xs_attached).
if grep -Eq '^(bpftool-tc: .*egress|tcx-egress: |tc-egress: )' "$XS_TMP/loaded.txt"; then
	pass loaded_tc_egress_attached
else
	fail loaded_tc_egress_attached "no TC egress program on $CLI_IF after load"
	show "attached" "$XS_TMP/loaded.txt"
fi
if [ -d "$PINDIR" ] && [ -n "$(ls -A "$PINDIR")" ]; then
	pass loaded_pins
	echo "# pins: $(ls "$PINDIR" | tr '\n' ' ')"
else
	fail loaded_pins "no pins in $PINDIR"
	ls -lR "$XS_PIN_ROOT" 2>&1 | sed 's/^/  | /' | head -20
fi

# The counters, by field name, straight from bpftool.
stats=
for f in stats xs_stats; do [ -e "$PINDIR/$f" ] && stats=$PINDIR/$f && break; done
if [ -n "$stats" ] &&
	bpftool map dump pinned "$stats" 2>&1 | grep -q 'tc_rst_drop' &&
	bpftool map dump pinned "$stats" 2>&1 | grep -q 'rx_synack'; then
	pass bpftool_counters_by_name
else
	fail bpftool_counters_by_name "bpftool map dump pinned ${stats:-$PINDIR/stats} has no named counters"
	[ -n "$stats" ] && bpftool map dump pinned "$stats" 2>&1 | head -20 | sed 's/^/  | /'
fi

# status --json, for this interface and for everything.
xs_run status status -i "$CLI_IF" --netns "$CLI_NS" --json
if [ "$XS_RC" -eq 0 ] && json_valid "$RUN_OUT" &&
	grep -q "\"$CLI_IF\"" "$RUN_OUT" && grep -q '"counters"' "$RUN_OUT" &&
	grep -q '"tc_rst_drop"' "$RUN_OUT"; then
	pass status_json_shows_it
else
	fail status_json_shows_it "status -i $CLI_IF --json: exit $XS_RC, want JSON naming $CLI_IF with counters"
	xs_show_run
fi
xs_run status_all status --json
if [ "$XS_RC" -eq 0 ] && json_valid "$RUN_OUT" && grep -q "\"$CLI_NS\"" "$RUN_OUT"; then
	pass status_all_json_lists_it
else
	fail status_all_json_lists_it "status --json: exit $XS_RC, want JSON listing netns $CLI_NS"
	xs_show_run
fi
xs_run status_text status -i "$CLI_IF" --netns "$CLI_NS"
if [ "$XS_RC" -eq 0 ] && grep -q "$CLI_IF" "$RUN_OUT"; then
	pass status_text
else
	fail status_text "status -i $CLI_IF: exit $XS_RC, want text naming $CLI_IF"
	xs_show_run
fi

# --------------------------------------------------- second load refused
xs_run load2 load -i "$CLI_IF" --netns "$CLI_NS" --sports "$PORTS"
xs_attached "$CLI_NS" "$CLI_IF" >"$XS_TMP/loaded2.txt"
if { [ "$XS_RC" -eq 1 ] || [ "$XS_RC" -eq 4 ]; } && grep -q . "$RUN_ERR" &&
	cmp -s "$XS_TMP/loaded.txt" "$XS_TMP/loaded2.txt"; then
	pass second_load_refused
	echo "#   $(first_error)"
else
	fail second_load_refused "second load exited $XS_RC (want 1 or 4 with a message, nothing changed)"
	xs_show_run
	diff "$XS_TMP/loaded.txt" "$XS_TMP/loaded2.txt" | sed 's/^/  | /'
fi

# rst_from_port PORT: a SYN from the server to the client's closed PORT;
# true if the client kernel's RST made it back to the server.
rst_from_port() {
	cap_start "$SRV_NS" "$SRV_IF"
	ip netns exec "$SRV_NS" timeout 5 nc -z -w 1 "$CLI_IP" "$1" >/dev/null 2>&1
	cap_stop
	cap_fields "$CAP_FILE" | awk -v c="$CLI_IP" -v p="$1" \
		'$4 == c && $5 == p && $8 ~ /R/' | grep -q .
}
# The guard works while loaded: an RST from a port in the range is dropped.
GUARD_PORT=$((XS_PORT_LO + 500))
if rst_from_port "$GUARD_PORT"; then
	fail guard_active_while_loaded "an RST from $CLI_IP:$GUARD_PORT passed the loaded guard"
else
	pass guard_active_while_loaded
fi

# ---------------------------------------------------------------- unload
xs_run unload unload -i "$CLI_IF" --netns "$CLI_NS"
if [ "$XS_RC" -eq 0 ]; then
	pass unload
else
	fail unload "unload exited $XS_RC, want 0"
	xs_show_run
fi
if xs_clean "$CLI_NS" "$CLI_IF"; then
	pass unload_leaves_nothing
else
	fail unload_leaves_nothing "left on $CLI_NS/$CLI_IF after unload"
	show "attached" "$XS_TMP/attached.txt"
fi
# Behaviour, not only listings: the kernel's RST from that port passes now.
if rst_from_port "$GUARD_PORT"; then
	pass guard_gone_after_unload
else
	fail guard_gone_after_unload "the RST from $CLI_IP:$GUARD_PORT is still dropped after unload"
fi
if [ ! -e "$XS_PIN_ROOT/$CLI_NS" ]; then
	pass unload_removes_netns_pin_dir
else
	fail unload_removes_netns_pin_dir "$XS_PIN_ROOT/$CLI_NS still exists"
	find "$XS_PIN_ROOT/$CLI_NS" | sed 's/^/  | /'
fi
xs_run unload2 unload -i "$CLI_IF" --netns "$CLI_NS"
echo "# unload when not loaded: exit $XS_RC: $(head -n 1 "$RUN_ERR" "$RUN_OUT" 2>/dev/null | grep -v '^==>' | grep . | head -n 1)"

# ------------------------------------------------- the same in skb mode
xs_run load_skb load -i "$CLI_IF" --netns "$CLI_NS" --sports "$PORTS" --mode skb
if [ "$XS_RC" -eq 0 ] && ip -n "$CLI_NS" -d link show dev "$CLI_IF" | grep -q 'xdpgeneric'; then
	pass load_skb_mode
else
	fail load_skb_mode "load --mode skb exited $XS_RC (want 0 and xdpgeneric on $CLI_IF)"
	xs_show_run
	ip -n "$CLI_NS" -d link show dev "$CLI_IF" | sed 's/^/  | /'
fi
xs_run unload_skb unload -i "$CLI_IF" --netns "$CLI_NS"
if [ "$XS_RC" -eq 0 ] && xs_clean "$CLI_NS" "$CLI_IF" && [ ! -e "$XS_PIN_ROOT/$CLI_NS" ]; then
	pass unload_skb_leaves_nothing
else
	fail unload_skb_leaves_nothing "unload exited $XS_RC, or something is left"
	show "attached" "$XS_TMP/attached.txt"
fi

# ------------------------------ an interface another XDP program owns
# A one-line XDP_PASS program of our own making, attached with ip(8) to the
# server side's veth; load and connect must refuse it and leave it there.
FOREIGN_C=$XS_TMP/foreign.c
FOREIGN_O=$XS_TMP/foreign.o
cat >"$FOREIGN_C" <<'EOF'
__attribute__((section("xdp"), used)) int xs_foreign(void *ctx) { return 2; }
char _license[] __attribute__((section("license"), used)) = "GPL";
EOF
if ! "${CLANG:-clang}" -O2 -target bpf -c "$FOREIGN_C" -o "$FOREIGN_O" 2>"$XS_TMP/clang.err" ||
	! ip -n "$SRV_NS" link set dev "$SRV_IF" xdp obj "$FOREIGN_O" sec xdp 2>"$XS_TMP/ip.err"; then
	fail foreign_xdp_setup "could not attach a foreign XDP program"
	show "clang" "$XS_TMP/clang.err"
	show "ip" "$XS_TMP/ip.err"
else
	xs_defer "ip -n '$SRV_NS' link set dev '$SRV_IF' xdp off"
	xs_unload_at_exit "$SRV_NS" "$SRV_IF"
	before=$(ip -n "$SRV_NS" -d link show dev "$SRV_IF" | grep -o 'prog/xdp.* id [0-9]*')
	xs_run load_foreign load -i "$SRV_IF" --netns "$SRV_NS" --sports "$PORTS"
	after=$(ip -n "$SRV_NS" -d link show dev "$SRV_IF" | grep -o 'prog/xdp.* id [0-9]*')
	if { [ "$XS_RC" -eq 1 ] || [ "$XS_RC" -eq 4 ]; } && grep -q . "$RUN_ERR" &&
		[ -n "$before" ] && [ "$before" = "$after" ] &&
		[ ! -e "$XS_PIN_ROOT/$SRV_NS/$SRV_IF" ]; then
		pass load_refuses_foreign_xdp
		echo "#   $(first_error)"
	else
		fail load_refuses_foreign_xdp "load on an interface with another XDP program: exit $XS_RC; xdp '$before' -> '$after'"
		xs_show_run
	fi
	xs_run connect_foreign connect -i "$SRV_IF" --netns "$SRV_NS" "$CLI_IP:80" \
		--sport "$((XS_PORT_LO + 7))" --timeout 300 --retries 0
	after=$(ip -n "$SRV_NS" -d link show dev "$SRV_IF" | grep -o 'prog/xdp.* id [0-9]*')
	if { [ "$XS_RC" -eq 1 ] || [ "$XS_RC" -eq 4 ]; } && grep -q . "$RUN_ERR" &&
		[ "$before" = "$after" ]; then
		pass connect_refuses_foreign_xdp
		echo "#   $(first_error)"
	else
		fail connect_refuses_foreign_xdp "connect on an interface with another XDP program: exit $XS_RC; xdp '$before' -> '$after'"
		xs_show_run
	fi
fi

# ------------------------------------------ --src of either family
# One load serves both families: an IPv6 source given beside the IPv4 one
# is in the config (the veth has no IPv6: nothing to take by default).
xs_run load_src6 load -i "$CLI_IF" --netns "$CLI_NS" --sports "$PORTS" \
	--src fd00:13::5 --src "$CLI_IP" --json
check load_src_both_families "load --src fd00:13::5 --src $CLI_IP: exit $XS_RC, $(cat "$RUN_OUT")" \
	eval '[ "$XS_RC" -eq 0 ] && grep -q "\"src_ip\":\"$CLI_IP\"" "$RUN_OUT" && grep -q "\"src_ip6\":\"fd00:13::5\"" "$RUN_OUT"'
xs_run status_src6 status -i "$CLI_IF" --netns "$CLI_NS"
check status_text_src6 "status does not say 'src $CLI_IP src6 fd00:13::5'" \
	grep -q "src $CLI_IP src6 fd00:13::5 ports" "$RUN_OUT"
# An IPv6 handshake in the table, written as a run would (16-byte
# addresses, ports in host order): status prints it in RFC 5952 form.
key6="fd 00 00 13 00 00 00 00 00 00 00 00 00 00 00 05 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 48 ee bb 01"
val6="02 00 00 00 01 00 00 00 02 00 00 00 01 00 00 00 $(printf '00 %.0s' $(seq 40))"
# shellcheck disable=SC2086
bpftool map update pinned "$XS_PIN_ROOT/$CLI_NS/$CLI_IF/conns" key hex $key6 value hex $val6
xs_run status_conn6 status -i "$CLI_IF" --netns "$CLI_NS"
check status_conn6_text "status does not print [fd00:13::5]:61000 -> [2001:db8::1]:443 established" \
	grep -Eq '\[fd00:13::5\]:61000 +-> \[2001:db8::1\]:443 +established' "$RUN_OUT"
xs_run status_conn6_json status -i "$CLI_IF" --netns "$CLI_NS" --json
check status_conn6_json "status --json does not give the IPv6 endpoints" \
	eval 'grep -q "\"local\":\"\[fd00:13::5\]:61000\",\"remote\":\"\[2001:db8::1\]:443\"" "$RUN_OUT"'
xs_run unload_src6 unload -i "$CLI_IF" --netns "$CLI_NS"
xs_run load_src_twice load -i "$CLI_IF" --netns "$CLI_NS" --src 10.9.9.9 --src 10.9.9.8
check load_src_once_per_family "--src twice for IPv4: exit $XS_RC ($(first_error)), want 1 (usage)" \
	eval '[ "$XS_RC" -eq 1 ] && grep -q "already given" "$RUN_ERR" && [ ! -e "$XS_PIN_ROOT/$CLI_NS" ]'

# ------------------------------ pins of layout 1 (IPv4-only xdpshake)
# The maps as that version pinned them (a 32-byte config without src_ip6,
# 12-byte connection keys): a run must refuse them by name, status must
# say so rather than misread them, and unload must remove them.
OLD=$XS_PIN_ROOT/$CLI_NS/$CLI_IF
mkdir -p "$OLD"
if bpftool map create "$OLD/cfg" type array key 4 value 32 entries 1 name xs_cfg &&
	bpftool map create "$OLD/stats" type percpu_array key 4 value 104 entries 1 name xs_stats &&
	bpftool map create "$OLD/xsks" type xskmap key 4 value 4 entries 64 name xs_xsks &&
	bpftool map create "$OLD/conns" type lru_hash key 12 value 56 entries 4096 name xs_conns &&
	bpftool map create "$OLD/rtt" type percpu_array key 4 value 256 entries 1 name xs_rtt &&
	bpftool map create "$OLD/sockstat" type array key 4 value 48 entries 1 name xs_sockstat &&
	bpftool map create "$OLD/link_xdp" type array key 4 value 4 entries 1 name xs_link_stub; then
	xs_run connect_old connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" \
		--timeout 300 --retries 0
	check old_layout_refused "connect on layout-1 pins: exit $XS_RC ($(first_error)), want 4, 'another xdpshake version'" \
		eval '[ "$XS_RC" -eq 4 ] && grep -q "another xdpshake version" "$RUN_ERR"'
	xs_run status_old status -i "$CLI_IF" --netns "$CLI_NS"
	check old_layout_status "status does not name the old layout" \
		grep -q "pins of another xdpshake version (map layout is not $(awk '/define XS_LAYOUT_VERSION/{print $3}' "$XS_ROOT/include/xdpshake.h"))" "$RUN_OUT"
	xs_run unload_old unload -i "$CLI_IF" --netns "$CLI_NS"
	check old_layout_unloaded "unload of layout-1 pins: exit $XS_RC, left: $(ls "$OLD" 2>&1 | tr '\n' ' ')" \
		eval '[ "$XS_RC" -eq 0 ] && [ ! -e "$XS_PIN_ROOT/$CLI_NS" ]'
else
	fail old_layout_refused "bpftool could not make layout-1 pins"
	rm -rf "$XS_PIN_ROOT/$CLI_NS"
fi

# The namespace is deleted while loaded: the links die with the interface,
# the pins stay; unload --netns NAME removes them by name.
xs_ns_add GONE_NS gone
ip -n "$GONE_NS" link add xsg0 type veth peer name xsg1
ip -n "$GONE_NS" addr add 10.66.0.1/24 dev xsg0
ip -n "$GONE_NS" link set xsg0 up
ip -n "$GONE_NS" link set xsg1 up
xs_run load_gone load -i xsg0 --netns "$GONE_NS" --sports "$PORTS"
loaded=$XS_RC
ip netns del "$GONE_NS"
xs_run unload_gone unload -i xsg0 --netns "$GONE_NS"
if [ "$loaded" = 0 ] && [ "$XS_RC" = 0 ] && [ ! -e "$XS_PIN_ROOT/$GONE_NS" ]; then
	pass unload_after_namespace_deleted
else
	fail unload_after_namespace_deleted "load exit $loaded, unload exit $XS_RC: $(first_error); pins left: $(ls "$XS_PIN_ROOT/$GONE_NS" 2>&1 | tr '\n' ' ')"
fi

xs_done
