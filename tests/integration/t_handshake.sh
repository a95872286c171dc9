#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue test 1: one handshake between two namespaces on a veth pair.
#
#   client ns  --veth--  server ns (tserver, tcpdump)
#
# connect (no `load` first: it attaches for the run and detaches on exit)
# must exit 0; the server's accept() must return the client's 4-tuple in
# ESTABLISHED; the capture on the server side must hold exactly SYN, SYN-ACK,
# ACK with the numbers connect reported, and no RST.  Then the same with the
# default (tutorial log format) output, the tutorial's own addresses and SYN fields
# (checksum 58692), and --netns given as a /proc/PID/ns/net path.
. "$(dirname "$0")/lib.sh"

xs_init hs
xs_need_bin

M32=0xffffffff

# ---------------------------------------------------------------------------
# Case group 1: --json handshake, numbers checked on the wire.
topo_pair
PORT=8080
SPORT=$((XS_PORT_LO + 123))
# The server holds the connection as long as the test may run: the capture
# must stop before the server's FIN (see below), and a 5 s hold can end
# first on a busy machine.
srv_start "$SRV_NS" "$SRV_IP" "$PORT" --count 1 --hold "$XS_SRV_LIFE_MS" \
	--timeout "$XS_SRV_LIFE_MS"
cap_start "$SRV_NS" "$SRV_IF"

xs_run json connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$PORT" \
	--sport "$SPORT" --timeout 1000 --retries 2 --json
JSON_OUT=$RUN_OUT
if [ "$XS_RC" -eq 0 ]; then
	pass connect_exit_0
else
	fail connect_exit_0 "connect exited $XS_RC, want 0"
	xs_show_run
fi

# The server saw accept() from exactly our 4-tuple, in ESTABLISHED.
if xs_wait_for 3 srv_saw "^ACCEPT $CLI_IP:$SPORT state=ESTABLISHED\$"; then
	pass server_accept_4tuple
else
	fail server_accept_4tuple "no 'ACCEPT $CLI_IP:$SPORT state=ESTABLISHED'"
	show "tserver" "$SRV_OUT"
fi

# The server's socket is still established while it holds it (ss's view).
if ip netns exec "$SRV_NS" ss -Htn state established \
	"( sport = :$PORT and dport = :$SPORT )" | grep -q .; then
	pass server_ss_established
else
	fail server_ss_established "ss shows no ESTAB $SRV_IP:$PORT <-> $CLI_IP:$SPORT"
	ip netns exec "$SRV_NS" ss -tan | sed 's/^/  | /'
fi

# Stop the capture now, before the server's hold ends: once connect has
# exited nothing guards the client's kernel any more, and the server's FIN
# would draw an RST that is not part of this handshake.
cap_stop
FLOW=$XS_TMP/flow1.txt
cap_flow "$CAP_FILE" "$CLI_IP" "$SPORT" "$SRV_IP" "$PORT" >"$FLOW"

# JSON: every line parses; three packet events; a result event.
ISN=''
SISN=''
if json_valid "$JSON_OUT"; then
	mapfile -t PK < <(json_packets "$JSON_OUT")
	read -r d1 f1 s1 a1 _ <<<"${PK[0]:-}"
	read -r d2 f2 s2 a2 _ <<<"${PK[1]:-}"
	read -r d3 f3 s3 a3 _ <<<"${PK[2]:-}"
	res="$(json_result "$JSON_OUT" event) $(json_result "$JSON_OUT" family)"
	if [ "${#PK[@]}" -eq 3 ] && [ "$res" = "result ipv4" ] &&
		[ "$d1 $f1 $a1" = "sent 2 0" ] && [ "$d2 $f2" = "received 18" ] &&
		[ "$d3 $f3" = "sent 16" ] &&
		[ "$a2" = $(((s1 + 1) & M32)) ] &&
		[ "$s3" = $(((s1 + 1) & M32)) ] && [ "$a3" = $(((s2 + 1) & M32)) ]; then
		pass json_output
		ISN=$s1
		SISN=$s2
	else
		fail json_output "want sent SYN, received SYN-ACK (ack=ISN+1), sent ACK (seq=ISN+1, ack=server ISN+1), then a result object (family ipv4)"
		printf '  | %s\n' "${PK[@]}"
		show "json" "$JSON_OUT"
	fi
else
	fail json_output "stdout of connect --json is not JSON lines"
	show "json" "$JSON_OUT"
fi

# The wire, seen from the server: exactly SYN, SYN-ACK, ACK; no RST.
mapfile -t W <"$FLOW"
read -r _ _ _ _ _ _ _ wf1 ws1 wa1 _ <<<"${W[0]:-}"
read -r _ _ _ _ _ _ _ wf2 ws2 wa2 _ <<<"${W[1]:-}"
read -r _ _ _ _ _ _ _ wf3 ws3 wa3 _ <<<"${W[2]:-}"
why=
if [ "${#W[@]}" -ne 3 ]; then
	why="${#W[@]} segments on the wire, want exactly 3"
elif [ "$wf1 $wf2 $wf3" != "S S. ." ]; then
	why="flags '$wf1 $wf2 $wf3', want 'S S. .'"
elif [ "$wa1" != 0 ] || [ "$wa2" != $(((ws1 + 1) & M32)) ]; then
	why="SYN-ACK ack $wa2, want SYN seq+1 = $(((ws1 + 1) & M32))"
elif [ "$ws3" != $(((ws1 + 1) & M32)) ] || [ "$wa3" != $(((ws2 + 1) & M32)) ]; then
	why="ACK seq/ack $ws3/$wa3, want $(((ws1 + 1) & M32))/$(((ws2 + 1) & M32))"
elif [ -n "$ISN" ] && { [ "$ws1" != "$ISN" ] || [ "$ws2" != "$SISN" ]; }; then
	why="wire ISNs $ws1/$ws2 differ from connect --json's $ISN/$SISN"
fi
if [ -z "$why" ]; then pass wire_syn_synack_ack; else
	fail wire_syn_synack_ack "$why"; show_cap "$CAP_FILE"; fi
if [ ! -s "$FLOW" ]; then
	fail wire_no_rst "nothing captured for the 4-tuple"
elif grep -Eq ' R\.? ' "$FLOW"; then
	fail wire_no_rst "an RST crossed the wire"
	show_cap "$CAP_FILE"
else
	pass wire_no_rst
fi

# connect attached the programs for its run only: nothing may be left.
if xs_clean "$CLI_NS" "$CLI_IF"; then
	pass connect_leaves_nothing
else
	fail connect_leaves_nothing "left on $CLI_NS/$CLI_IF after connect exited"
	show "attached" "$XS_TMP/attached.txt"
fi

# ---------------------------------------------------------------------------
# Case group 2: default output is the tutorial's log format, then a result line.
PORT2=8081
SPORT2=$((XS_PORT_LO + 124))
srv_start "$SRV_NS" "$SRV_IP" "$PORT2" --count 1 --hold 5000 --timeout 20000
xs_run text connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$PORT2" \
	--sport "$SPORT2" --timeout 1000 --retries 2
# check_tutorial_format FILE: three blocks of (header, dict, dashes) with the
# flags SYN / SYN+ACK / ACK, then at least one more non-empty line.
check_tutorial_format() {
	"$XS_PY" - "$1" <<'EOF'
import re, sys
lines = [l.rstrip('\n') for l in open(sys.argv[1])]
hdr = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (AM|PM) INFO Source Mac: "
                 r"([0-9a-f]{2}:){5}[0-9a-f]{2} Destination Mac: "
                 r"([0-9a-f]{2}:){5}[0-9a-f]{2} Protocol: IPv4 Version: 4 "
                 r"Type of Service: \d+ Packet ID: \d+ TTL: \d+ Protocol: TCP "
                 r"Source IP: [\d.]+ Destination IP: [\d.]+$")
dct = re.compile(r"^\{'SRC_PORT': \d+, 'DEST_PORT': \d+, 'SEQ': \d+, "
                 r"'ACK_NUM': \d+, 'Flags': '([A-Z_]+(,[A-Z_]+){7})', "
                 r"'RESERVE': \d+, 'TCP_LENGTH': \d+, 'WINDOW': \d+, "
                 r"'CHECKSUM': \d+, 'PTR': \d+, 'data': b'.*'\}$")
want = ['_,_,_,_,_,_,SYN,_', '_,_,_,ACK,_,_,SYN,_', '_,_,_,ACK,_,_,_,_']
if len(lines) < 10:
    sys.exit('%d lines, want 9 + a result line' % len(lines))
for i in range(3):
    h, d, dash = lines[3 * i:3 * i + 3]
    if not hdr.match(h):
        sys.exit('packet %d header line: %r' % (i + 1, h))
    m = dct.match(d)
    if not m:
        sys.exit('packet %d dict line: %r' % (i + 1, d))
    if m.group(1) != want[i]:
        sys.exit('packet %d flags %s, want %s' % (i + 1, m.group(1), want[i]))
    if dash != '-' * 24:
        sys.exit('packet %d separator: %r' % (i + 1, dash))
if not any(l.strip() for l in lines[9:]):
    sys.exit('no result line after the packets')
EOF
}
if [ "$XS_RC" -ne 0 ]; then
	fail default_output_tutorial_format "connect exited $XS_RC, want 0"
	xs_show_run
elif why=$(check_tutorial_format "$RUN_OUT" 2>&1); then
	pass default_output_tutorial_format
else
	fail default_output_tutorial_format "$why"
	xs_show_run
fi

# ---------------------------------------------------------------------------
# Case group 3: the tutorial's addresses and SYN.  172.17.0.2 -> 172.17.0.5:80,
# the tutorial's MACs, --sport 20 --seq 0 --window 29200 --ip-id 123 --ttl 64
# --no-options: the SYN must be the tutorial's byte for byte (checksum 58692),
# and connect must print it exactly as the tutorial's sniffer did.
TUT_B_MAC=02:42:ac:11:00:02
TUT_A_MAC=02:42:ac:11:00:05
topo_pair 172.17.0.2 172.17.0.5 16 "$TUT_B_MAC" "$TUT_A_MAC"
# Held as long as the test may run, for the same reason as the first.
srv_start "$SRV_NS" "$SRV_IP" 80 --count 1 --hold "$XS_SRV_LIFE_MS" \
	--timeout "$XS_SRV_LIFE_MS"
cap_start "$SRV_NS" "$SRV_IF"
xs_run tutorial connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" \
	--sport 20 --seq 0 --window 29200 --ip-id 123 --ttl 64 --no-options \
	--timeout 1000 --retries 2
TUT_OUT=$RUN_OUT
TUT_ERR=$RUN_ERR
TUT_RC=$XS_RC
xs_wait_for 3 srv_saw "^ACCEPT $CLI_IP:20 state=ESTABLISHED\$"
cap_stop
FLOW=$XS_TMP/flow3.txt
cap_flow "$CAP_FILE" "$CLI_IP" 20 "$SRV_IP" 80 >"$FLOW"

if [ "$TUT_RC" -eq 0 ] && srv_saw "^ACCEPT $CLI_IP:20 state=ESTABLISHED\$"; then
	pass tutorial_handshake
else
	fail tutorial_handshake "connect exited $TUT_RC (want 0), or no accept from $CLI_IP:20"
	show "xdpshake stdout" "$TUT_OUT"
	show "xdpshake stderr" "$TUT_ERR"
	show "tserver" "$SRV_OUT"
fi

# The SYN on the wire, field by field, as the tutorial built it.
read -r _ smac dmac src sport dst dport fl seq ack win ipid ttl doff csum plen tos ck \
	<<<"$(head -n 1 "$FLOW")"
got="$smac $dmac $src:$sport>$dst:$dport $fl seq=$seq ack=$ack win=$win id=$ipid ttl=$ttl doff=$doff csum=$csum len=$plen tos=$tos $ck"
want="$TUT_B_MAC $TUT_A_MAC 172.17.0.2:20>172.17.0.5:80 S seq=0 ack=0 win=29200 id=123 ttl=64 doff=5 csum=58692 len=0 tos=0 ok"
if [ "$got" = "$want" ]; then
	pass tutorial_syn_on_wire
else
	fail tutorial_syn_on_wire "got '$got', want '$want'"
	show_cap "$CAP_FILE"
fi

# Our ACK on the wire: seq 1, ack = server ISN + 1, window 29200, a valid
# checksum (the tutorial's 30586 holds only for the tutorial's server ISN).
read -r _ _ _ _ _ _ _ f2 s2 _ <<<"$(sed -n 2p "$FLOW")"
read -r _ _ _ _ _ _ _ f3 s3 a3 w3 _ _ d3 c3 p3 _ k3 <<<"$(sed -n 3p "$FLOW")"
got="$f2 / $f3 seq=$s3 ack=$a3 win=$w3 doff=$d3 len=$p3 $k3"
want="S. / . seq=1 ack=$(((${s2:-0} + 1) & M32)) win=29200 doff=5 len=0 ok"
if [ "$got" = "$want" ] && ! grep -Eq ' R\.? ' "$FLOW"; then
	pass tutorial_ack_on_wire
else
	fail tutorial_ack_on_wire "got '$got', want '$want' and no RST"
	show_cap "$CAP_FILE"
fi

# connect's own printout, timestamps aside: the SYN's two lines are the
# tutorial's verbatim; the SYN-ACK's differ only in SEQ and WINDOW (the server's
# choice) and carry the tutorial's CHECKSUM 22600 (veth's pseudo-header sum);
# the ACK's dict matches what crossed the wire.
tutorial_lines_check() {
	"$XS_PY" - "$TUT_OUT" "${s2:-x}" "${c3:-x}" <<'EOF'
import re, sys
lines = [l.rstrip('\n') for l in open(sys.argv[1])]
sisn, ack_csum = sys.argv[2], sys.argv[3]
ts = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (AM|PM) ")
if len(lines) < 9:
    sys.exit('%d lines of output, want at least 9' % len(lines))
strip = lambda l: ts.sub('', l)
B = ("INFO Source Mac: 02:42:ac:11:00:02 Destination Mac: 02:42:ac:11:00:05 "
     "Protocol: IPv4 Version: 4 Type of Service: 0 Packet ID: 123 TTL: 64 "
     "Protocol: TCP Source IP: 172.17.0.2 Destination IP: 172.17.0.5")
A = ("INFO Source Mac: 02:42:ac:11:00:05 Destination Mac: 02:42:ac:11:00:02 "
     "Protocol: IPv4 Version: 4 Type of Service: 0 Packet ID: 0 TTL: 64 "
     "Protocol: TCP Source IP: 172.17.0.5 Destination IP: 172.17.0.2")
want = [
    (B, re.escape("{'SRC_PORT': 20, 'DEST_PORT': 80, 'SEQ': 0, 'ACK_NUM': 0, "
        "'Flags': '_,_,_,_,_,_,SYN,_', 'RESERVE': 0, 'TCP_LENGTH': 5, "
        "'WINDOW': 29200, 'CHECKSUM': 58692, 'PTR': 0, 'data': b''}")),
    (A, re.escape("{'SRC_PORT': 80, 'DEST_PORT': 20, 'SEQ': ") + sisn +
        re.escape(", 'ACK_NUM': 1, 'Flags': '_,_,_,ACK,_,_,SYN,_', "
        "'RESERVE': 0, 'TCP_LENGTH': 6, 'WINDOW': ") + r"\d+" +
        re.escape(", 'CHECKSUM': 22600, 'PTR': 0, 'data': b''}")),
    (B, re.escape("{'SRC_PORT': 20, 'DEST_PORT': 80, 'SEQ': 1, 'ACK_NUM': %d, "
        "'Flags': '_,_,_,ACK,_,_,_,_', 'RESERVE': 0, 'TCP_LENGTH': 5, "
        "'WINDOW': 29200, 'CHECKSUM': %s, 'PTR': 0, 'data': b''}"
        % ((int(sisn) + 1) & 0xffffffff if sisn.isdigit() else -1, ack_csum))),
]
errs = []
for i, (h, d) in enumerate(want):
    if not ts.match(lines[3 * i]):
        errs.append('packet %d: no tutorial timestamp: %r' % (i + 1, lines[3 * i]))
    if strip(lines[3 * i]) != h:
        errs.append('packet %d header:\n    got  %r\n    want %r' % (i + 1, strip(lines[3 * i]), h))
    if not re.fullmatch(d, lines[3 * i + 1]):
        errs.append('packet %d dict:\n    got  %r\n    want %s' % (i + 1, lines[3 * i + 1], d))
    if lines[3 * i + 2] != '-' * 24:
        errs.append('packet %d separator %r' % (i + 1, lines[3 * i + 2]))
if errs:
    sys.exit('\n'.join(errs))
EOF
}
if why=$(tutorial_lines_check 2>&1); then
	pass tutorial_log_lines
else
	fail tutorial_log_lines "connect's output differs from the tutorial's log"
	echo "$why" | sed 's/^/  | /'
	show "xdpshake stdout" "$TUT_OUT"
fi

# ---------------------------------------------------------------------------
# Case group 4: --netns as a path (/proc/PID/ns/net), as for a container.
PORT4=8082
SPORT4=$((XS_PORT_LO + 125))
topo_pair 10.12.0.1 10.12.0.2
srv_start "$SRV_NS" "$SRV_IP" "$PORT4" --count 1 --hold 5000 --timeout 20000
ip netns exec "$CLI_NS" sleep 60 &
HOLDER=$!
XS_BG_PIDS+=("$HOLDER")
# ip(8) enters the namespace and then execs sleep: until it has, the PID's
# namespace is still ours, so wait until it is the client's.
in_cli_ns() {
	[ "$(stat -L -c %i "/proc/$HOLDER/ns/net" 2>/dev/null)" = \
		"$(stat -L -c %i "/var/run/netns/$CLI_NS")" ]
}
if ! xs_wait_for 3 in_cli_ns; then
	fail netns_as_proc_path "process $HOLDER never entered $CLI_NS"
	xs_done
fi
xs_run nspath connect -i "$CLI_IF" --netns "/proc/$HOLDER/ns/net" \
	"$SRV_IP:$PORT4" --sport "$SPORT4" --timeout 1000 --retries 2 -q
if [ "$XS_RC" -eq 0 ] &&
	xs_wait_for 3 srv_saw "^ACCEPT $CLI_IP:$SPORT4 state=ESTABLISHED\$"; then
	pass netns_as_proc_path
else
	fail netns_as_proc_path "connect --netns /proc/$HOLDER/ns/net exited $XS_RC (want 0), or no accept"
	xs_show_run
	show "tserver" "$SRV_OUT"
fi
kill "$HOLDER" 2>/dev/null

xs_done
