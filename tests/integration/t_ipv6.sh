#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 13: connect, connect --count and scan over IPv6, end to end.
#
#   client ns fd00:13::1 --veth-- server ns fd00:13::2 (tserver, tcpdump)
#
# Addresses are added with nodad (else the first frames go nowhere while
# DAD runs).  After `load` (both families: the IPv4 and the IPv6 source
# from the interface):
#   - connect [fd00:13::2]:PORT --json with --sport --seq --window --ttl
#     (the hop limit) --mss exits 0; the server's accept() returns our
#     4-tuple ESTABLISHED; its wire holds exactly SYN, SYN-ACK, ACK with
#     those fields (TCP checksum right, hop limit, window, MSS option),
#     and, though the server sends data the client kernel has no socket
#     for, no RST from the client (the TC guard over IPv6); status lists
#     the handshake with RFC 5952 addresses;
#   - --no-options sends a bare 20-byte header; --close fin closes (the
#     server sees EOF), --close rst resets (RST);
#   - a closed port is refused (exit 2), the unbracketed fd00:13::2:80,
#     an IPv4 --src for an IPv6 destination and --ip-id are usage errors;
#   - connect --count N over IPv6: N handshakes, counted at the server;
#   - scan of a /120 (AnyIP on the server) and an IPv4 target in one run:
#     the exact open, closed, silent and filtered (ICMPv6) sets;
#   - scan --src once per family (twice for one: an error), unloaded, from
#     second addresses: the server's wire has each family's SYNs from it;
#     a silent on-link IPv6 target is skipped with NDP named;
#     ndjson and CSV say each result's family;
#   - host names with A and AAAA records (a private /etc/hosts): IPv4
#     first, an AAAA-only name, an IPv6 --src only scans the AAAA.
# Routed (client, router, server; the client's default route via the
# router's link-local address): established through the router (the SYN
# to the router's MAC, the server sees hop limit 63); a destination behind
# a prohibit route answers ICMPv6 administratively prohibited: exit 7,
# filtered, from the router; hop limit 1: time exceeded (unreachable, and
# in -oX addrtype ipv6, reason time-exceeded); a banner through the router.
. "$(dirname "$0")/lib.sh"

xs_init ipv6
xs_need_bin

M32=0xffffffff

# v6_on NS: undo xs_ns_add's disable_ipv6 (the default elsewhere).
v6_on() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 >/dev/null
	for i in $(ip -n "$1" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
		ip netns exec "$1" sysctl -qw "net.ipv6.conf.$i.disable_ipv6=0" >/dev/null
	done
}

# ---------------------------------------------------------------------------
# Pair: one handshake with every field given, seen on the server's wire.
topo_pair 10.13.0.1 10.13.0.2
CLI6=fd00:13::1
SRV6=fd00:13::2
v6_on "$CLI_NS"
v6_on "$SRV_NS"
ip -n "$CLI_NS" addr add "$CLI6/64" dev "$CLI_IF" nodad
ip -n "$SRV_NS" addr add "$SRV6/64" dev "$SRV_IF" nodad
# Neighbour discovery needs each side's link-local address, which DAD
# keeps tentative for a second once IPv6 is enabled.
no_tentative() { ! ip -n "$1" -6 addr show dev "$2" | grep -q tentative; }
xs_wait_for 5 no_tentative "$CLI_NS" "$CLI_IF"
xs_wait_for 5 no_tentative "$SRV_NS" "$SRV_IF"

xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run load load -i "$CLI_IF" --netns "$CLI_NS" --sports "$XS_PORT_LO-$XS_PORT_HI"
check load_both_families "load: exit $XS_RC: $(cat "$RUN_ERR") $(cat "$RUN_OUT")" \
	grep -q "src 10.13.0.1 src6 $CLI6 " "$RUN_OUT"

PORT=8080
SPORT=$((XS_PORT_LO + 613))
# The banner: data the client kernel has no socket for, which it would
# answer with RST were it not for the guard.
srv_start "$SRV_NS" "$SRV6" "$PORT" --count 1 --banner hello6 \
	--hold "$XS_SRV_LIFE_MS" --timeout "$XS_SRV_LIFE_MS"
cap_start "$SRV_NS" "$SRV_IF" "ip6 and tcp"

xs_run json connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV6]:$PORT" \
	--sport "$SPORT" --seq 4000000000 --window 1234 --ttl 33 --mss 1000 \
	--timeout 1000 --retries 2 --json
JSON_OUT=$RUN_OUT
if [ "$XS_RC" -eq 0 ]; then
	pass connect6_exit_0
else
	fail connect6_exit_0 "connect exited $XS_RC, want 0"
	xs_show_run
fi
check connect6_server_accept "no 'ACCEPT [$CLI6]:$SPORT state=ESTABLISHED'" \
	xs_wait_for 3 srv_saw "^ACCEPT \[$CLI6\]:$SPORT state=ESTABLISHED\$"
check connect6_server_sent_banner "the server never sent its banner" \
	xs_wait_for 3 srv_saw "^SENT 6\$"
# The server retransmits the banner we never acknowledge: each one would
# draw an RST from the client's kernel.  Let two go by.
sleep 1.5
cap_stop
FLOW=$XS_TMP/flow6.txt
cap_flow "$CAP_FILE" "$CLI6" "$SPORT" "$SRV6" "$PORT" >"$FLOW"

# On the wire: SYN with our fields, SYN-ACK, ACK; then only the server's
# data, never an RST from us.
ok=1
mapfile -t L <"$FLOW"
read -r _ _ _ s1 sp1 d1 dp1 f1 q1 a1 w1 _ t1 o1 c1 _ _ k1 <<<"${L[0]:-}"
read -r _ _ _ s2 _ _ _ f2 q2 a2 _ _ _ _ _ _ _ k2 <<<"${L[1]:-}"
read -r _ _ _ s3 _ _ _ f3 q3 a3 w3 _ t3 o3 _ _ _ k3 <<<"${L[2]:-}"
[ "$s1 $sp1 $d1 $dp1 $f1 $q1 $a1 $w1 $t1 $o1 $k1" = \
	"$CLI6 $SPORT $SRV6 $PORT S 4000000000 0 1234 33 8 ok" ] || ok=0
[ "$s2 $f2 $a2" = "$SRV6 S. 4000000001" ] || ok=0
[ "$s3 $f3 $q3 $a3 $w3 $t3 $o3 $k3" = \
	"$CLI6 . 4000000001 $(((q2 + 1) & M32)) 1234 33 5 ok" ] || ok=0
if [ "$ok" = 1 ]; then
	pass connect6_wire_syn_synack_ack
else
	fail connect6_wire_syn_synack_ack "want S(seq 4000000000 win 1234 hlim 33 doff 8 csum ok), S., . from the capture:"
	show flow "$FLOW"
fi
nrst=$(awk -v c="$CLI6" '$4 == c && $8 ~ /R/' "$FLOW" | wc -l)
ndata=$(awk -v s="$SRV6" '$4 == s && $8 ~ /P/' "$FLOW" | wc -l)
if [ "$nrst" = 0 ] && [ "$ndata" -ge 2 ]; then
	pass connect6_no_rst_from_client
else
	fail connect6_no_rst_from_client "$nrst RSTs from the client, $ndata data segments from the server (want 0 and >= 2)"
	show flow "$FLOW"
fi
if tcpdump -r "$CAP_FILE" -nn -v 2>/dev/null |
	grep -E "$CLI6\.$SPORT > $SRV6\.$PORT: Flags \[S\]" |
	grep -q 'options \[mss 1000,nop,nop,sackOK,nop,wscale 7\]'; then
	pass connect6_syn_options
else
	fail connect6_syn_options "the SYN's options are not MSS 1000, SACK, wscale 7"
	cap_text "$CAP_FILE" | sed 's/^/  | /'
fi

# JSON: the packets and the result, with IPv6 addresses.
mapfile -t PK < <(json_packets "$JSON_OUT")
read -r d1 b1 s1 _ src1 _ dst1 _ <<<"${PK[0]:-}"
if json_valid "$JSON_OUT" && [ "${#PK[@]}" -eq 3 ] &&
	[ "$d1 $b1 $s1" = "sent 2 4000000000" ] &&
	[ "$(json_result "$JSON_OUT" src) $(json_result "$JSON_OUT" dst)" = "$CLI6 $SRV6" ] &&
	[ "$(json_result "$JSON_OUT" result)" = established ] &&
	[ "$(json_result "$JSON_OUT" family)" = ipv6 ]; then
	pass connect6_json
else
	fail connect6_json "want 3 packets and an established result from $CLI6 to $SRV6, family ipv6"
	show json "$JSON_OUT"
fi

# status: the handshake in the table, readably.
xs_run status status -i "$CLI_IF" --netns "$CLI_NS"
check status_lists_ipv6_handshake "status has no '[$CLI6]:$SPORT -> [$SRV6]:$PORT established'" \
	grep -Eq "^ +\[$CLI6\]:$SPORT +-> \[$SRV6\]:$PORT +established " "$RUN_OUT"
# Every counter's value ends in one column, the longest name's too.
check status_counters_aligned "counter lines of several widths: $(grep -E '^  [a-z0-9_]+ +[0-9]+$' "$RUN_OUT" | awk '{print length($0)}' | sort -u | tr '\n' ' ')" \
	test "$(grep -E '^  [a-z0-9_]+ +[0-9]+$' "$RUN_OUT" | awk '{print length($0)}' | sort -u | wc -l)" = 1
# --json: the connection with its family, the addresses bracketed.
xs_run status_json status -i "$CLI_IF" --netns "$CLI_NS" --json
sj=$("$XS_PY" -c '
import json, sys
def conns(o):
    if isinstance(o, dict):
        yield from o.get("conns", [])
        for v in o.values():
            if isinstance(v, (dict, list)):
                yield from conns(v)
    elif isinstance(o, list):
        for v in o:
            yield from conns(v)
got = {c.get("family") for c in conns(json.load(open(sys.argv[1]))) if c["remote"] == sys.argv[2]}
print(" ".join(sorted(map(str, got))))
' "$RUN_OUT" "[$SRV6]:$PORT" 2>&1)
check status_json_conn_family "status --json connections to [$SRV6]:$PORT have family '$sj', want ipv6" \
	test "$sj" = ipv6

# --no-options, --close fin: a bare header; the server sees our FIN.
# (--hold: the server reads until our FIN, then closes its side)
srv_start "$SRV_NS" "$SRV6" 8081 --count 1 --hold 5000 --timeout "$XS_SRV_LIFE_MS"
cap_start "$SRV_NS" "$SRV_IF" "ip6 and tcp port 8081"
xs_run fin connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV6]:8081" \
	--no-options --close fin --timeout 1000 -q
cap_stop
syn=$(cap_fields "$CAP_FILE" | awk '$8 == "S"' | head -1)
read -r _ _ _ _ _ _ _ _ _ _ _ _ _ sdoff _ <<<"$syn"
if [ "$XS_RC" -eq 0 ] && grep -q 'FIN close: closed' "$RUN_OUT" &&
	xs_wait_for 3 srv_saw '^EOF$' && [ "$sdoff" = 5 ]; then
	pass connect6_no_options_close_fin
else
	fail connect6_no_options_close_fin "exit $XS_RC, SYN doff '$sdoff'; want 0, 'FIN close: closed', the server's EOF, doff 5"
	xs_show_run
	show tserver "$SRV_OUT"
fi

srv_start "$SRV_NS" "$SRV6" 8082 --count 1 --hold 5000 --timeout "$XS_SRV_LIFE_MS"
xs_run rst connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV6]:8082" \
	--close rst --timeout 1000 --ttl 40
# The tutorial log format with IPv6's field names (the monitor's).
if [ "$XS_RC" -eq 0 ] && xs_wait_for 3 srv_saw '^RST$' &&
	[ "$(grep -cE " INFO Source Mac: .* Protocol: IPv6 Version: 6 Traffic Class: 0 Flow Label: [0-9]+ Payload Length: 20 Hop Limit: 40 Next Header: TCP Source IP: $CLI6 Destination IP: $SRV6\$" "$RUN_OUT")" = 2 ]; then
	pass connect6_close_rst
else
	fail connect6_close_rst "exit $XS_RC; want 0, the server's RST, and ACK and RST logged with IPv6's names"
	xs_show_run
	show tserver "$SRV_OUT"
fi

# A closed port: RST, exit 2.
xs_run refused connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV6]:9" \
	--timeout 1000 -q
check connect6_refused_exit_2 "exit $XS_RC: $(cat "$RUN_OUT")" \
	eval '[ "$XS_RC" -eq 2 ] && grep -q "^refused: \[$SRV6\]:9 answered RST" "$RUN_OUT"'

# Bad input: one line, usage exit 1.
xs_run nobrackets connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV6:80"
check connect6_unbracketed_refused "exit $XS_RC: $(cat "$RUN_ERR")" \
	eval '[ "$XS_RC" -eq 1 ] && grep -q "\[" "$RUN_ERR" && [ "$(wc -l <"$RUN_ERR")" = 1 ]'
xs_run srcfamily connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV6]:80" --src 10.13.0.1
check connect6_src_family_refused "exit $XS_RC: $(cat "$RUN_ERR")" \
	eval '[ "$XS_RC" -eq 1 ] && grep -q "src is IPv4" "$RUN_ERR"'
xs_run ipid connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV6]:80" --ip-id 7
check connect6_ip_id_refused "exit $XS_RC: $(cat "$RUN_ERR")" \
	eval '[ "$XS_RC" -eq 1 ] && grep -q "IPv6 has no IP ID" "$RUN_ERR"'

# connect --count over IPv6: N handshakes, each accept()ed by the server.
N=200
srv_start "$SRV_NS" "$SRV6" 8083 --count "$N" --backlog 256 \
	--timeout "$XS_SRV_LIFE_MS"
xs_run count connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV6]:8083" \
	--count "$N" --concurrency 32 --timeout 1000 --retries 2
xs_wait_for 5 srv_saw "^DONE accepted=$N\$"
acc=$(grep -c "^ACCEPT \[$CLI6\]:" "$SRV_OUT")
if [ "$XS_RC" -eq 0 ] && [ "$acc" = "$N" ]; then
	pass count6_all_accepted
else
	fail count6_all_accepted "exit $XS_RC, the server accepted $acc of $N"
	xs_show_run
fi

# scan over IPv6: a /120 through AnyIP on the server and one IPv4 target,
# in one run: port 80 open but on ::10-::1f (dropped: silent), 81 closed,
# 82 closed but on ::20-::22 (ICMPv6 administratively prohibited:
# filtered).  The exact sets, from -oL.
BLOCK=fd00:99::
ip -n "$SRV_NS" -6 route add local "$BLOCK/120" dev lo
ip -n "$CLI_NS" -6 route add "$BLOCK/120" via "$SRV6"
ip netns exec "$SRV_NS" sysctl -qw net.ipv6.icmp.ratelimit=0 >/dev/null
ip netns exec "$SRV_NS" nft -f - <<EOF
table inet xs_ipv6_test {
	chain input {
		type filter hook input priority 0;
		ip6 daddr ${BLOCK}10-${BLOCK}1f tcp dport 80 drop
		ip6 daddr ${BLOCK}20-${BLOCK}22 tcp dport 82 reject with icmpv6 type admin-prohibited
	}
}
EOF
srv_start "$SRV_NS" :: 80 --backlog 512 --count 100000 --timeout "$XS_SRV_LIFE_MS"
srv_start "$SRV_NS" 10.13.0.2 80 --count 100000 --timeout "$XS_SRV_LIFE_MS"
xs_run scan6 scan -i "$CLI_IF" --netns "$CLI_NS" "$BLOCK/120" 10.13.0.2 \
	-p 80-82 --rate 5000 --retries 1 --timeout 500 --wait 1 --show all -oL -
# want: state port address, sorted
"$XS_PY" - "$BLOCK" <<'EOF' | sort >"$XS_TMP/scan6.want"
import ipaddress, sys
b = int(ipaddress.IPv6Address(sys.argv[1]))
for i in range(256):
    a = ipaddress.IPv6Address(b + i).compressed
    print("silent" if 0x10 <= i <= 0x1f else "open", 80, a)
    print("closed", 81, a)
    print("filtered" if 0x20 <= i <= 0x22 else "closed", 82, a)
for st, p in (("open", 80), ("closed", 81), ("closed", 82)):
    print(st, p, "10.13.0.2")
EOF
grep -v '^#' "$RUN_OUT" | awk '{print $1, $3, $4}' | sort >"$XS_TMP/scan6.got"
if [ "$XS_RC" -eq 0 ] && cmp -s "$XS_TMP/scan6.want" "$XS_TMP/scan6.got"; then
	pass scan6_block_and_ipv4_exact_sets
else
	fail scan6_block_and_ipv4_exact_sets "exit $XS_RC; want/got differ:"
	diff "$XS_TMP/scan6.want" "$XS_TMP/scan6.got" | head -20 | sed 's/^/  | /'
	show stderr "$RUN_ERR"
fi
check scan6_filtered_names_icmp6 "not 3 lines 'filtered tcp 82 ... icmp 1/1 from $SRV6'" \
	eval '[ "$(grep -c "^filtered tcp 82 .* icmp 1/1 from $SRV6" "$RUN_OUT")" = 3 ]'

# scan --src, once per family: two of one family is an error in one line;
# without the load (the scan attaches for its run), from second addresses
# of each family, a mixed scan's SYNs on the server's wire carry them.
xs_run src2 scan -i "$CLI_IF" --netns "$CLI_NS" --src 10.13.0.1 \
	--src 10.13.0.3 10.13.0.2 -p 80
check scan_src_twice_one_family "exit $XS_RC: $(cat "$RUN_ERR")" \
	eval '[ "$XS_RC" -eq 1 ] && [ "$(wc -l <"$RUN_ERR")" = 1 ] &&
		grep -q "^xdpshake: --src .10.13.0.3.: an IPv4 source is already given" "$RUN_ERR"'
"$XS_BIN" unload -i "$CLI_IF" --netns "$CLI_NS" >/dev/null 2>&1
ip -n "$CLI_NS" addr add 10.13.0.11/24 dev "$CLI_IF"
ip -n "$CLI_NS" addr add fd00:13::11/64 dev "$CLI_IF" nodad
cap_start "$SRV_NS" "$SRV_IF" "tcp dst port 80"
xs_run scansrc scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV6" 10.13.0.2 fd00:13::77 -p 80 \
	--src fd00:13::11 --src 10.13.0.11 --retries 0 --timeout 500 --wait 1 \
	--show all -oL - -oD "$XS_TMP/src.ndjson" -o "$XS_TMP/src.csv" --format csv
cap_stop
got=$(cap_fields "$CAP_FILE" | awk '$8 == "S" {print $4, $6}' | sort -u | tr '\n' ' ')
nopen=$(grep -c '^open tcp 80 ' "$RUN_OUT")
if [ "$XS_RC" -eq 0 ] && [ "$got" = "10.13.0.11 10.13.0.2 fd00:13::11 $SRV6 " ] &&
	[ "$nopen" = 2 ]; then
	pass scan_src_per_family_on_wire
else
	fail scan_src_per_family_on_wire "exit $XS_RC, $nopen open (want 2), SYNs src dst: '$got'"
	show stderr "$RUN_ERR"
fi
check scan_src_not_tentative_no_warning "stderr: $(grep tentative "$RUN_ERR")" \
	eval '! grep -q tentative "$RUN_ERR"'
# fd00:13::77 answers no neighbour solicitation: skipped, and said so in
# IPv6's words.
check scan6_skipped_says_ndp "stderr: $(grep skipped "$RUN_ERR")" \
	grep -q 'warning: 1 target skipped: no route or no NDP answer for its next hop' "$RUN_ERR"
# A --src still tentative (DAD kept running: one probe per 30 s) is said:
# peers get no neighbour advertisement for it until DAD is over.
rt=$(ip netns exec "$CLI_NS" sysctl -n "net.ipv6.conf.$CLI_IF.retrans_time_ms")
ip netns exec "$CLI_NS" sysctl -qw "net.ipv6.conf.$CLI_IF.retrans_time_ms=30000"
ip -n "$CLI_NS" addr add fd00:13::12/64 dev "$CLI_IF"
xs_run tentative connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV6]:80" \
	--src fd00:13::12 --timeout 200 --retries 0 -q
tent=$(ip -n "$CLI_NS" -6 addr show dev "$CLI_IF" | grep -c 'fd00:13::12/64.*tentative')
ip -n "$CLI_NS" addr del fd00:13::12/64 dev "$CLI_IF"
ip netns exec "$CLI_NS" sysctl -qw "net.ipv6.conf.$CLI_IF.retrans_time_ms=$rt"
check connect6_tentative_src_warned "still tentative after: $tent; stderr: $(head -3 "$RUN_ERR")" \
	eval '[ "$tent" = 1 ] && grep -q "^xdpshake: warning: fd00:13::12 is tentative on $CLI_IF (duplicate address detection not over)" "$RUN_ERR"'
# A link-local destination: the source is the interface's link-local
# address (the same scope, as the kernel chooses), the server's RST comes
# back to it: refused, exit 2.
lladdr() { ip -n "$1" -6 addr show dev "$2" scope link | awk '/inet6/ {sub("/.*", "", $2); print $2; exit}'; }
CLI_LL=$(lladdr "$CLI_NS" "$CLI_IF")
SRV_LL=$(lladdr "$SRV_NS" "$SRV_IF")
cap_start "$SRV_NS" "$SRV_IF" "ip6 and tcp port 9"
xs_run linklocal connect -i "$CLI_IF" --netns "$CLI_NS" "[$SRV_LL%$CLI_IF]:9" \
	--timeout 1000 --retries 1 -q
cap_stop
llsyn=$(cap_fields "$CAP_FILE" | awk '$8 == "S" {print $4; exit}')
check connect6_link_local_src "exit $XS_RC (want 2), SYN from '$llsyn' (want $CLI_LL): $(cat "$RUN_OUT" "$RUN_ERR" | head -3)" \
	eval '[ "$XS_RC" = 2 ] && [ -n "$CLI_LL" ] && [ "$llsyn" = "$CLI_LL" ]'
# Each result says its address family, in ndjson and in CSV's column.
fam=$("$XS_PY" - "$XS_TMP/src.ndjson" "$XS_TMP/src.csv" <<'EOF'
import csv, json, sys
nd = sorted((o["ip"], o["family"]) for o in map(json.loads, open(sys.argv[1])))
cs = sorted((r["ip"], r["family"]) for r in csv.DictReader(open(sys.argv[2], newline="")))
print(nd == cs and " ".join("%s=%s" % p for p in nd))
EOF
)
check scan_results_family "ndjson/csv (ip, family): $fam" \
	test "$fam" = "10.13.0.2=ipv4 $SRV6=ipv6"

# Host names: A and AAAA records.  A private mount namespace (unshare -m:
# bpffs and /run stay as they are) gets its own /etc/hosts by a bind mount;
# the host's is never touched.  A dual-stack name stands for its IPv4
# address, the others said (nmap's words); an AAAA-only name for its IPv6
# one; with an IPv6 --src only, the dual name for its IPv6 address: a real
# scan of it finds the port open.
printf '10.13.0.2 xs-dual.test\n%s xs-dual.test\n%s xs-six.test\n' \
	"$SRV6" "$SRV6" >"$XS_TMP/hosts"
by_name() {
	unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' \
		"$XS_TMP/hosts" timeout 20 "$XS_BIN" "$@"
}
by_name scan -i "$CLI_IF" --netns "$CLI_NS" --dryrun -p 80 xs-dual.test \
	xs-six.test >"$XS_TMP/names.out" 2>"$XS_TMP/names.err"
rc=$?
dsts=$(awk '$1 == "SYN" {print $4}' "$XS_TMP/names.out" | sort | tr '\n' ' ')
if [ "$rc" = 0 ] && [ "$dsts" = "10.13.0.2:80 [$SRV6]:80 " ] &&
	grep -qx "xdpshake: resolved xs-dual.test to 10.13.0.2" "$XS_TMP/names.err" &&
	grep -qx "xdpshake: other addresses for xs-dual.test (not scanned): $SRV6" "$XS_TMP/names.err" &&
	grep -qx "xdpshake: resolved xs-six.test to $SRV6" "$XS_TMP/names.err"; then
	pass names_a_first_aaaa_only_said
else
	fail names_a_first_aaaa_only_said "exit $rc, SYNs to '$dsts'"
	show stderr "$XS_TMP/names.err"
fi
by_name scan -i "$CLI_IF" --netns "$CLI_NS" -p 80 --src fd00:13::11 \
	xs-dual.test --retries 1 --timeout 500 --wait 1 -oL - \
	>"$XS_TMP/name6.out" 2>"$XS_TMP/name6.err"
rc=$?
if [ "$rc" = 0 ] && grep -q "^open tcp 80 $SRV6 " "$XS_TMP/name6.out" &&
	[ "$(grep -c '^open' "$XS_TMP/name6.out")" = 1 ] &&
	grep -qx "xdpshake: resolved xs-dual.test to $SRV6" "$XS_TMP/name6.err"; then
	pass names_ipv6_src_scans_aaaa
else
	fail names_ipv6_src_scans_aaaa "exit $rc"
	show stdout "$XS_TMP/name6.out"
	show stderr "$XS_TMP/name6.err"
fi

# ---------------------------------------------------------------------------
# Routed: client -- router -- server, the client's gateway link-local.
topo_routed
for n in "$CLI_NS" "$RTR_NS" "$SRV_NS"; do v6_on "$n"; done
ip netns exec "$RTR_NS" sysctl -qw net.ipv6.conf.all.forwarding=1 >/dev/null
ip -n "$CLI_NS" addr add fd00:2::2/64 dev "$CLI_IF" nodad
ip -n "$RTR_NS" addr add fd00:2::1/64 dev "$RTR_CLI_IF" nodad
ip -n "$RTR_NS" addr add fd00:5::1/64 dev "$RTR_SRV_IF" nodad
ip -n "$SRV_NS" addr add fd00:5::5/64 dev "$SRV_IF" nodad
ip -n "$RTR_NS" -6 route add prohibit fd00:9::/64
ip -n "$SRV_NS" -6 route add default via fd00:5::1 dev "$SRV_IF"
# The router's link-local address, once it has one.
rtr_ll() { ip -n "$RTR_NS" -6 -o addr show dev "$RTR_CLI_IF" scope link |
	awk '{print $4}' | cut -d/ -f1 | grep .; }
xs_wait_for 5 rtr_ll >/dev/null
RTR_LL=$(rtr_ll)
ip -n "$CLI_NS" -6 route add default via "$RTR_LL" dev "$CLI_IF"
# The router's link-local address must be past DAD before it answers
# neighbour solicitations, and the client's before it sends one.
xs_wait_for 5 no_tentative "$RTR_NS" "$RTR_CLI_IF"
xs_wait_for 5 no_tentative "$CLI_NS" "$CLI_IF"
xs_wait_for 5 no_tentative "$SRV_NS" "$SRV_IF"
xs_wait_for 5 no_tentative "$RTR_NS" "$RTR_SRV_IF"

srv_start "$SRV_NS" fd00:5::5 80 --count 1 --hold 5000 --timeout "$XS_SRV_LIFE_MS"
cap_start "$SRV_NS" "$SRV_IF" "ip6 and tcp"
xs_run routed connect -i "$CLI_IF" --netns "$CLI_NS" "[fd00:5::5]:80" \
	--close rst --timeout 1000 --retries 2 --json
cap_stop
# (frames sent through AF_XDP never reach a capture on the sender: the
# SYN's destination MAC as connect logged it)
dmac=$("$XS_PY" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("dir") == "sent" and o["tcp"]["flags"] == "SYN":
        print(o["dst_mac"]); break' "$RUN_OUT" 2>/dev/null)
syn_srv=$(cap_fields "$CAP_FILE" | awk '$8 == "S"' | head -1)
read -r _ _ _ _ _ _ _ _ _ _ _ _ hl _ <<<"$syn_srv"
if [ "$XS_RC" -eq 0 ] && srv_saw '^ACCEPT \[fd00:2::2\]:[0-9]+ ' &&
	[ "$dmac" = "$RTR_CLI_MAC" ] && [ "$hl" = 63 ]; then
	pass routed6_link_local_gateway
else
	fail routed6_link_local_gateway "exit $XS_RC, SYN to $dmac (router $RTR_CLI_MAC via $RTR_LL), hop limit at the server '$hl' (want 63)"
	xs_show_run
	show tserver "$SRV_OUT"
fi

# A prohibit route on the router: ICMPv6 destination unreachable, code 1.
xs_run prohibited connect -i "$CLI_IF" --netns "$CLI_NS" "[fd00:9::9]:80" \
	--timeout 1000 --retries 1 --json
st="$(json_result "$RUN_OUT" state) $(json_result "$RUN_OUT" icmp_type) $(json_result "$RUN_OUT" icmp_code) $(json_result "$RUN_OUT" icmp_from)"
if [ "$XS_RC" -eq 7 ] && [ "$st" = "filtered 1 1 fd00:2::1" ]; then
	pass routed6_icmp6_admin_prohibited
else
	fail routed6_icmp6_admin_prohibited "exit $XS_RC, '$st'; want 7 and 'filtered 1 1 fd00:2::1'"
	xs_show_run
fi

# Time exceeded: hop limit 1 runs out at the router (ICMPv6 3/0), state
# unreachable, in nmap's XML with addrtype ipv6; and a banner over IPv6
# through the router (XDP hands the server's data to the socket).
srv_start "$SRV_NS" fd00:5::5 81 --count 1 --banner hi6 --hold 2000 \
	--timeout "$XS_SRV_LIFE_MS"
xs_run ttl1 scan -i "$CLI_IF" --netns "$CLI_NS" fd00:5::5 -p 80 --ttl 1 \
	--retries 1 --timeout 500 --wait 1 -oL - -oX "$XS_TMP/ttl1.xml"
xml=$("$XS_PY" - "$XS_TMP/ttl1.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
h = ET.parse(sys.argv[1]).getroot().find("host")
a, s = h.find("address"), h.find("ports/port/state")
print(a.get("addr"), a.get("addrtype"), s.get("state"), s.get("reason"))
EOF
)
if [ "$XS_RC" = 0 ] && grep -q '^unreachable tcp 80 fd00:5::5 .* icmp 3/0 from fd00:2::1$' "$RUN_OUT" &&
	[ "$xml" = "fd00:5::5 ipv6 filtered time-exceeded" ]; then
	pass routed6_hop_limit_exceeded_xml
else
	fail routed6_hop_limit_exceeded_xml "exit $XS_RC, xml '$xml' (want 'fd00:5::5 ipv6 filtered time-exceeded')"
	xs_show_run
fi
xs_run banner6 scan -i "$CLI_IF" --netns "$CLI_NS" fd00:5::5 -p 81 --banner \
	--retries 1 --timeout 500 --wait 1
check routed6_banner "exit $XS_RC, $(head -c 300 "$RUN_OUT")" \
	eval '[ "$XS_RC" = 0 ] && grep -q "\"ip\":\"fd00:5::5\",\"family\":\"ipv6\",\"port\":81,\"state\":\"open\".*\"banner\":\"hi6\"" "$RUN_OUT"'

xs_done
