#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 3: `xdpshake monitor`, the tutorial's router sniffer.
#
#   hostB (client, connect) -- router (ip_forward=1, monitor) -- hostA (:80)
#
# The monitor watches the router's interface towards hostB while hostB's
# xdpshake runs one handshake with hostA's kernel server.  It must print
# exactly the three packets of the handshake in the tutorial's format, with the
# numbers the client reports, and carry the same in --json and in a --pcap
# file that tcpdump reads back.  Both attach methods (tcx, and the clsact
# fallback) must leave nothing behind.  Then the monitor runs on hostB's
# own interface beside a loaded xdpshake: the TC guard must keep dropping
# the kernel's RSTs.  Last, on that same interface, where none of the
# handshake passes TC, the monitor must still print all three packets
# through the monitor hook: SYN and ACK as xdpshake sends them through
# AF_XDP, the SYN-ACK as its XDP program redirects it; with a load, and
# with connect attaching for its run only.  Then IPv6 (7): a kernel
# connection through a router with ULA addresses, the three packets with
# IPv6's field names, and --host taking an IPv6 address.
. "$(dirname "$0")/lib.sh"

xs_init mon
xs_need_bin

topo_routed
PORT=80
M32=0xffffffff

# Connections 1-3 come from the client through the router, one per case.
# Each is held open as long as the test may run (a fixed 30 s ends within
# the test on a busy machine): a server closing one while a later case
# watches port 80 would add its FIN to that case's frames.  (tserver
# accepts the next one only after a hold: the kernel has established
# them meanwhile, which is all the cases need.)
srv_start "$SRV_NS" "$SRV_IP" "$PORT" --count 3 --hold "$XS_SRV_LIFE_MS" \
	--timeout "$XS_SRV_LIFE_MS"

# mon_start NAME ARGS...: `xdpshake monitor ARGS` in the background, waited
# for until it says it is attached.  Sets MON_PID MON_OUT MON_ERR, and
# MON_PROGS (its program ids, from the ready line).
mon_start() {
	local name=$1
	shift
	MON_OUT=$XS_TMP/$name.out
	MON_ERR=$XS_TMP/$name.err
	timeout --kill-after=5 "$XS_RUN_TIMEOUT" "$XS_BIN" monitor "$@" \
		>"$MON_OUT" 2>"$MON_ERR" </dev/null &
	MON_PID=$!
	XS_BG_PIDS+=("$MON_PID")
	echo "xdpshake monitor $* (background)" >>"$XS_TMP/commands.log"
	if ! xs_wait_for 10 grep -qs 'attached to' "$MON_ERR"; then
		MON_PROGS=
		return 1
	fi
	MON_PROGS=$(sed -n 's/.*ingress prog \([0-9]*\), egress prog \([0-9]*\).*/\1 \2/p' \
		"$MON_ERR")
	[ -n "$MON_PROGS" ]
}

# mon_stop: SIGINT (if it is still running), then its exit status in MON_RC.
mon_stop() {
	kill -INT "$MON_PID" 2>/dev/null
	xs_wait_pid "$MON_PID" 10
	MON_RC=$?
}

# mon_wait SECONDS: wait for the monitor to end by itself (--count).
mon_wait() {
	xs_wait_pid "$MON_PID" "$1"
	MON_RC=$?
}

mon_show() {
	show "monitor stdout" "$MON_OUT"
	show "monitor stderr" "$MON_ERR"
}

# mon_gone NS IF: none of the monitor's programs is loaded any more, and
# nothing of ours is on IF (XDP, tc filters, clsact qdisc, pins).
# bpftool before 7.3 does not list tcx links in `net show`; the program ids
# are the proof for those (a link holds its program).
mon_progs_gone() {
	local id
	for id in $MON_PROGS; do
		bpftool prog show id "$id" >/dev/null 2>&1 && return 1
	done
	return 0
}
mon_gone() {
	local why=
	xs_wait_for 3 mon_progs_gone || why="program(s) $MON_PROGS still loaded"
	if ! xs_clean "$1" "$2"; then
		why+="${why:+; }left on $2: $(tr '\n' ' ' <"$XS_TMP/attached.txt")"
	fi
	[ -z "$why" ] && return 0
	echo "$why" >"$XS_TMP/gone_why.txt"
	return 1
}

# connect_json NAME SPORT [DPORT]: one handshake from hostB; sets ISN
# SISN (numbers the client reports) or fails the case.
connect_json() {
	xs_run "$1" connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:${3:-$PORT}" \
		--sport "$2" --timeout 1000 --retries 2 --json
	ISN=$(json_result "$RUN_OUT" isn)
	SISN=$(json_result "$RUN_OUT" server_isn)
	if [ "$XS_RC" -eq 0 ] && [ -n "$ISN" ] && [ -n "$SISN" ]; then
		pass "$1"
		return 0
	fi
	fail "$1" "connect exited $XS_RC (want 0), isn '${ISN}' server_isn '${SISN}'"
	xs_show_run
	return 1
}

# The tutorial's dict line for each packet connect --json reported, rendered
# from its fields: what the monitor must print for the same frames.
tutorial_dicts_from_json() {
	"$XS_PY" -c '
import json, sys
NAMES = ["CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"]
for line in open(sys.argv[1]):
    o = json.loads(line) if line.strip() else {}
    if o.get("event") != "packet":
        continue
    t = o["tcp"]
    bits = t["flags_bits"]
    flags = ",".join(n if bits & (0x80 >> i) else "_" for i, n in enumerate(NAMES))
    data = repr(bytes.fromhex(o.get("data", "")))
    print("{%r: %d, %r: %d, %r: %d, %r: %d, %r: %r, %r: %d, %r: %d, %r: %d, %r: %d, %r: %d, %r: %s}" % (
        "SRC_PORT", t["sport"], "DEST_PORT", t["dport"], "SEQ", t["seq"],
        "ACK_NUM", t["ack"], "Flags", flags, "RESERVE", t["reserved"],
        "TCP_LENGTH", t["doff"], "WINDOW", t["window"], "CHECKSUM", t["csum"],
        "PTR", t["urg_ptr"], "data", data))
' "$1"
}

# ---------------------------------------------------------------------------
# 1. Text output and pcap, --count 3, tcx (the default).
SPORT=$((XS_PORT_LO + 401))
PCAP=$XS_TMP/mon1.pcap
if mon_start mon1 -i "$RTR_CLI_IF" --netns "$RTR_NS" --count 3 --port "$PORT" \
	--pcap "$PCAP"; then
	pass monitor_attached
else
	fail monitor_attached "no 'attached to' line from the monitor"
	mon_show
	xs_done
fi
connect_json connect_1 "$SPORT"
mon_wait 10
if [ "$MON_RC" -eq 0 ]; then
	pass monitor_count_exit
else
	fail monitor_count_exit "monitor --count 3 exited $MON_RC, want 0"
	mon_show
fi

# Exactly three blocks of header line, dict line, dashes.
mapfile -t L <"$MON_OUT"
why=
TS_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2} (0[1-9]|1[0-2]):[0-5][0-9]:[0-5][0-9] (AM|PM) INFO '
if [ "${#L[@]}" -ne 9 ]; then
	why="${#L[@]} lines, want 9 (3 packets)"
else
	for i in 0 3 6; do
		[[ "${L[$i]}" =~ $TS_RE ]] || why+="line $((i + 1)) is not a log line; "
		[[ "${L[$((i + 1))]}" == "{'SRC_PORT': "* ]] || why+="line $((i + 2)) is not a dict; "
		[ "${L[$((i + 2))]}" = "------------------------" ] || why+="line $((i + 3)) is not the separator; "
	done
fi
if [ -z "$why" ]; then pass monitor_three_packets_tutorial_format; else
	fail monitor_three_packets_tutorial_format "$why"; mon_show; fi

# The header lines: who sent each frame to whom, one hop for the SYN-ACK.
hdr() { # SMAC DMAC TTL SRC DST
	echo "Source Mac: $1 Destination Mac: $2 Protocol: IPv4 Version: 4 Type of Service: 0 Packet ID: [0-9]+ TTL: $3 Protocol: TCP Source IP: $4 Destination IP: $5\$"
}
why=
[[ "${L[0]:-}" =~ $(hdr "$CLI_MAC" "$RTR_CLI_MAC" 64 "$CLI_IP" "$SRV_IP") ]] || why+="SYN header; "
[[ "${L[3]:-}" =~ $(hdr "$RTR_CLI_MAC" "$CLI_MAC" 63 "$SRV_IP" "$CLI_IP") ]] || why+="SYN-ACK header; "
[[ "${L[6]:-}" =~ $(hdr "$CLI_MAC" "$RTR_CLI_MAC" 64 "$CLI_IP" "$SRV_IP") ]] || why+="ACK header; "
if [ -z "$why" ]; then pass monitor_header_lines; else
	fail monitor_header_lines "$why"; mon_show; fi

# Flags and numbers, against what the client reports.
dict_re() { # SPORT DPORT SEQ ACK FLAGS
	echo "^\{'SRC_PORT': $1, 'DEST_PORT': $2, 'SEQ': $3, 'ACK_NUM': $4, 'Flags': '$5', "
}
why=
if [ -n "${ISN:-}" ] && [ -n "${SISN:-}" ]; then
	[[ "${L[1]:-}" =~ $(dict_re "$SPORT" "$PORT" "$ISN" 0 '_,_,_,_,_,_,SYN,_') ]] ||
		why+="SYN dict; "
	[[ "${L[4]:-}" =~ $(dict_re "$PORT" "$SPORT" "$SISN" $(((ISN + 1) & M32)) '_,_,_,ACK,_,_,SYN,_') ]] ||
		why+="SYN-ACK dict; "
	[[ "${L[7]:-}" =~ $(dict_re "$SPORT" "$PORT" $(((ISN + 1) & M32)) $(((SISN + 1) & M32)) '_,_,_,ACK,_,_,_,_') ]] ||
		why+="ACK dict; "
else
	why="no ISN from the client"
fi
if [ -z "$why" ]; then pass monitor_flags_and_numbers; else
	fail monitor_flags_and_numbers "$why(isn $ISN, server isn $SISN)"; mon_show; fi

# Every field of the dict lines, byte for byte, as the client's own JSON
# describes the same frames.
tutorial_dicts_from_json "$RUN_OUT" >"$XS_TMP/want_dicts.txt" 2>&1
printf '%s\n' "${L[1]:-}" "${L[4]:-}" "${L[7]:-}" >"$XS_TMP/got_dicts.txt"
if diff -u "$XS_TMP/want_dicts.txt" "$XS_TMP/got_dicts.txt" >"$XS_TMP/dicts.diff"; then
	pass monitor_dicts_match_client
else
	fail monitor_dicts_match_client "dict lines differ from the client's JSON"
	show "diff want got" "$XS_TMP/dicts.diff"
fi

if grep -q 'monitor: 3 frames, 0 ringbuf drops' "$MON_ERR"; then
	pass monitor_summary
else
	fail monitor_summary "no '3 frames, 0 ringbuf drops' summary on stderr"
	mon_show
fi

# The pcap: tcpdump reads it, and it holds the same three segments.
tcpdump -r "$PCAP" -nn -S >"$XS_TMP/pcap.txt" 2>"$XS_TMP/pcap.err"
tdrc=$?
why=
if [ "$tdrc" -ne 0 ]; then
	why="tcpdump -r exited $tdrc"
elif [ "$(wc -l <"$XS_TMP/pcap.txt")" -ne 3 ]; then
	why="$(wc -l <"$XS_TMP/pcap.txt") packets in the pcap, want 3"
else
	mapfile -t P <"$XS_TMP/pcap.txt"
	[[ "${P[0]}" == *"IP $CLI_IP.$SPORT > $SRV_IP.$PORT: Flags [S], seq $ISN,"* ]] ||
		why+="SYN: ${P[0]}; "
	[[ "${P[1]}" == *"IP $SRV_IP.$PORT > $CLI_IP.$SPORT: Flags [S.], seq $SISN, ack $(((ISN + 1) & M32)),"* ]] ||
		why+="SYN-ACK: ${P[1]}; "
	[[ "${P[2]}" == *"IP $CLI_IP.$SPORT > $SRV_IP.$PORT: Flags [.], ack $(((SISN + 1) & M32)),"* ]] ||
		why+="ACK: ${P[2]}; "
fi
if [ -z "$why" ]; then pass pcap_tcpdump_reads_handshake; else
	fail pcap_tcpdump_reads_handshake "$why"
	show "tcpdump -r" "$XS_TMP/pcap.txt"
	show "tcpdump stderr" "$XS_TMP/pcap.err"
fi
# Field by field (lib.sh's pcap reader): MACs, flags, seq and ack of all
# three, and every segment captured whole with a checksum that is either
# complete or the CHECKSUM_PARTIAL sum a veth sender leaves ("cut" or "bad"
# would mean the capture lost or garbled bytes).
cap_fields "$PCAP" >"$XS_TMP/pcap_fields.txt"
got=$(awk '{printf "%s %s %s %s %s|", $2, $3, $8, $9, $10}' "$XS_TMP/pcap_fields.txt")
got_ck=$(awk '{print $18}' "$XS_TMP/pcap_fields.txt" | tr '\n' ' ')
want="$CLI_MAC $RTR_CLI_MAC S $ISN 0|"
want+="$RTR_CLI_MAC $CLI_MAC S. $SISN $(((ISN + 1) & M32))|"
want+="$CLI_MAC $RTR_CLI_MAC . $(((ISN + 1) & M32)) $(((SISN + 1) & M32))|"
if [ "$got" = "$want" ] && [[ "$got_ck" != *cut* ]] && [[ "$got_ck" != *bad* ]]; then
	pass pcap_fields
else
	fail pcap_fields "got '$got' checksums '$got_ck', want '$want'"
fi

if mon_gone "$RTR_NS" "$RTR_CLI_IF"; then
	pass monitor_detached_tcx
else
	fail monitor_detached_tcx "$(cat "$XS_TMP/gone_why.txt")"
fi

# ---------------------------------------------------------------------------
# 2. --json, stopped by SIGINT: the same three frames and nothing else.
SPORT2=$((XS_PORT_LO + 402))
if ! mon_start mon2 -i "$RTR_CLI_IF" --netns "$RTR_NS" --port "$PORT" --json; then
	fail monitor_json_attached "no 'attached to' line"
	mon_show
	xs_done
fi
connect_json connect_2 "$SPORT2"
# Time for a retransmission or an RST to show up, if there were one.
sleep 1
mon_stop
if [ "$MON_RC" -eq 0 ] && json_valid "$MON_OUT"; then
	pass monitor_json_sigint_exit
else
	fail monitor_json_sigint_exit "exit $MON_RC (want 0) or output is not JSON lines"
	mon_show
fi
"$XS_PY" - "$MON_OUT" "$ISN" "$SISN" "$CLI_IP" "$SPORT2" "$SRV_IP" "$PORT" \
	"$CLI_MAC" "$RTR_CLI_MAC" >"$XS_TMP/json_check.txt" 2>&1 <<'EOF'
import json, sys
out, isn, sisn, cip, cport, sip, sport, cmac, rmac = sys.argv[1:]
isn, sisn, cport, sport = int(isn), int(sisn), int(cport), int(sport)
M = 0xffffffff
objs = [json.loads(l) for l in open(out) if l.strip()]
pk = [o for o in objs if o.get("event") == "packet"]
want = [
    ("ingress", 2, isn, 0, cip, cport, sip, sport, cmac, rmac, 64),
    ("egress", 18, sisn, (isn + 1) & M, sip, sport, cip, cport, rmac, cmac, 63),
    ("ingress", 16, (isn + 1) & M, (sisn + 1) & M, cip, cport, sip, sport, cmac, rmac, 64),
]
got = [(o["dir"], o["tcp"]["flags_bits"], o["tcp"]["seq"], o["tcp"]["ack"],
        o["ip"]["saddr"], o["tcp"]["sport"], o["ip"]["daddr"], o["tcp"]["dport"],
        o["src_mac"], o["dst_mac"], o["ip"]["ttl"]) for o in pk]
errs = []
if got != want:
    errs.append("packets %r, want %r" % (got, want))
att = objs[0] if objs else {}
if att.get("event") != "attached":
    errs.append("first object is not the attached event")
elif (att.get("port"), att.get("host"), att.get("snaplen")) != (sport, None, 128):
    errs.append("attached %r, want port %d, host null (no --host), snaplen 128"
                % (att, sport))
summ = [o for o in objs if o.get("event") == "summary"]
if len(summ) != 1 or summ[0].get("frames") != 3 or summ[0].get("ringbuf_drops") != 0:
    errs.append("summary %r, want frames 3 ringbuf_drops 0" % summ)
elif summ[0].get("counters", {}).get("events") != 3:
    errs.append("kernel counted %r events, want 3" % summ[0].get("counters"))
print("; ".join(errs) if errs else "ok")
EOF
if [ "$(cat "$XS_TMP/json_check.txt")" = ok ]; then
	pass monitor_json_packets
else
	fail monitor_json_packets "$(head -c 600 "$XS_TMP/json_check.txt")"
	mon_show
fi
if mon_gone "$RTR_NS" "$RTR_CLI_IF"; then
	pass monitor_detached_after_sigint
else
	fail monitor_detached_after_sigint "$(cat "$XS_TMP/gone_why.txt")"
fi

# ---------------------------------------------------------------------------
# 3. The clsact fallback: same frames, and no filter or qdisc left after.
SPORT3=$((XS_PORT_LO + 403))
if mon_start mon3 -i "$RTR_CLI_IF" --netns "$RTR_NS" --count 3 --port "$PORT" \
	--tc clsact; then
	if tc -n "$RTR_NS" filter show dev "$RTR_CLI_IF" ingress | grep -q xs_mon_ingress &&
		tc -n "$RTR_NS" filter show dev "$RTR_CLI_IF" egress | grep -q xs_mon_egress; then
		pass monitor_clsact_filters
	else
		fail monitor_clsact_filters "no xs_mon_* filters on $RTR_CLI_IF ingress/egress"
		tc -n "$RTR_NS" filter show dev "$RTR_CLI_IF" ingress | sed 's/^/  | /'
	fi
	connect_json connect_3 "$SPORT3"
	mon_wait 10
	flags=$(grep -o "'Flags': '[^']*'" "$MON_OUT" | tr '\n' ' ')
	want="'Flags': '_,_,_,_,_,_,SYN,_' 'Flags': '_,_,_,ACK,_,_,SYN,_' 'Flags': '_,_,_,ACK,_,_,_,_' "
	if [ "$MON_RC" -eq 0 ] && [ "$flags" = "$want" ]; then
		pass monitor_clsact_handshake
	else
		fail monitor_clsact_handshake "exit $MON_RC, flags: $flags"
		mon_show
	fi
	if mon_gone "$RTR_NS" "$RTR_CLI_IF"; then
		pass monitor_detached_clsact
	else
		fail monitor_detached_clsact "$(cat "$XS_TMP/gone_why.txt")"
	fi
else
	fail monitor_clsact_attached "no 'attached to' line with --tc clsact"
	mon_show
fi

# ---------------------------------------------------------------------------
# 4. Beside a loaded xdpshake on hostB's own interface.  The server writes a
# banner; hostB's kernel answers it with RSTs, which the TC guard (attached
# by load, before the monitor, so first in the tcx chain) must keep
# dropping.  The monitor sees what passes TC: the banner on ingress.
BPORT=8080
SPORT4=$((XS_PORT_LO + 404))
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run load load -i "$CLI_IF" --netns "$CLI_NS" --sports "$XS_PORT_LO-$XS_PORT_HI"
if [ "$XS_RC" -ne 0 ]; then
	fail load_beside "load exited $XS_RC"
	xs_show_run
	xs_done
fi
srv_start "$SRV_NS" "$SRV_IP" "$BPORT" --banner "hello from tserver" \
	--count 1 --hold 5000 --timeout 20000
drops0=$(xs_counter "$CLI_NS" "$CLI_IF" tc_rst_drop)
drops0=${drops0:-0}
if ! mon_start mon4 -i "$CLI_IF" --netns "$CLI_NS" --port "$BPORT" --json; then
	fail monitor_beside_attached "no 'attached to' line beside a loaded xdpshake"
	mon_show
	xs_done
fi
pass monitor_beside_attached
connect_json connect_beside "$SPORT4" "$BPORT"
got_drop() {
	local v
	v=$(xs_counter "$CLI_NS" "$CLI_IF" tc_rst_drop)
	[ -n "$v" ] && [ "$v" -gt "$drops0" ]
}
if xs_wait_for 4 got_drop; then
	pass guard_drops_beside_monitor
else
	fail guard_drops_beside_monitor "tc_rst_drop stayed at $drops0"
fi
sleep 0.3
mon_stop
if srv_saw '^(RST|ERROR)'; then
	fail no_rst_reaches_server "the server's socket was reset"
	show "tserver" "$SRV_OUT"
else
	pass no_rst_reaches_server
fi
"$XS_PY" - "$MON_OUT" "$SRV_IP" "$BPORT" >"$XS_TMP/beside.txt" 2>&1 <<'EOF'
import json, sys
out, sip, sport = sys.argv[1], sys.argv[2], int(sys.argv[3])
pk = [o for o in (json.loads(l) for l in open(out) if l.strip())
      if o.get("event") == "packet"]
banner = [o for o in pk if o["dir"] == "ingress" and o["ip"]["saddr"] == sip
          and o["tcp"]["sport"] == sport and o["payload_len"] > 0]
rst_out = [o for o in pk if o["dir"] == "egress" and o["tcp"]["flags_bits"] & 4]
errs = []
if not banner:
    errs.append("no banner segment on ingress")
if rst_out:
    errs.append("%d RST(s) on egress: the guard ran after the monitor" % len(rst_out))
print("; ".join(errs) if errs else "ok")
EOF
if [ "$MON_RC" -eq 0 ] && [ "$(cat "$XS_TMP/beside.txt")" = ok ]; then
	pass monitor_beside_sees_kernel_path
else
	fail monitor_beside_sees_kernel_path "exit $MON_RC; $(cat "$XS_TMP/beside.txt")"
	mon_show
fi
mon_progs_gone_wait() { xs_wait_for 3 mon_progs_gone; }
st=$(timeout 10 "$XS_BIN" status -i "$CLI_IF" --netns "$CLI_NS" --json 2>/dev/null |
	"$XS_PY" -c '
import json, sys
i = json.load(sys.stdin)["interfaces"][0]
print(i["tc"]["method"], i["tc"]["prog_id"] > 0, i["xdp"]["prog_id"] > 0)
' 2>/dev/null)
if mon_progs_gone_wait && [ "$st" = "tcx True True" ]; then
	pass xdpshake_intact_after_monitor
else
	fail xdpshake_intact_after_monitor "monitor progs '$MON_PROGS' gone? status says '$st', want 'tcx True True'"
fi

# ---------------------------------------------------------------------------
# 5. The handshake on hostB's own interface, where none of it passes TC.
# 5a: loaded, text, --count 3: the tutorial's three blocks, numbers and all,
# exactly as on the router in case 1.
HPORT=8081
# Held as long as the test may run, like port 80's above.
srv_start "$SRV_NS" "$SRV_IP" "$HPORT" --count 3 --hold "$XS_SRV_LIFE_MS" \
	--timeout "$XS_SRV_LIFE_MS"

# check_tutorial_lines NAME SPORT: $MON_OUT holds the tutorial's three blocks for
# the handshake connect_json just reported (ISN SISN), with hostB's MACs.
check_tutorial_lines() {
	local name=$1 sport=$2 why= i
	mapfile -t L <"$MON_OUT"
	if [ "${#L[@]}" -ne 9 ]; then
		why="${#L[@]} lines, want 9 (3 packets); "
	else
		for i in 0 3 6; do
			[[ "${L[$i]}" =~ $TS_RE ]] || why+="line $((i + 1)) is not a log line; "
			[ "${L[$((i + 2))]}" = "------------------------" ] ||
				why+="line $((i + 3)) is not the separator; "
		done
	fi
	[[ "${L[0]:-}" =~ $(hdr "$CLI_MAC" "$RTR_CLI_MAC" 64 "$CLI_IP" "$SRV_IP") ]] || why+="SYN header; "
	[[ "${L[3]:-}" =~ $(hdr "$RTR_CLI_MAC" "$CLI_MAC" 63 "$SRV_IP" "$CLI_IP") ]] || why+="SYN-ACK header; "
	[[ "${L[6]:-}" =~ $(hdr "$CLI_MAC" "$RTR_CLI_MAC" 64 "$CLI_IP" "$SRV_IP") ]] || why+="ACK header; "
	[[ "${L[1]:-}" =~ $(dict_re "$sport" "$HPORT" "$ISN" 0 '_,_,_,_,_,_,SYN,_') ]] || why+="SYN dict; "
	[[ "${L[4]:-}" =~ $(dict_re "$HPORT" "$sport" "$SISN" $(((ISN + 1) & M32)) '_,_,_,ACK,_,_,SYN,_') ]] ||
		why+="SYN-ACK dict; "
	[[ "${L[7]:-}" =~ $(dict_re "$sport" "$HPORT" $(((ISN + 1) & M32)) $(((SISN + 1) & M32)) '_,_,_,ACK,_,_,_,_') ]] ||
		why+="ACK dict; "
	# Every field, byte for byte, as the client describes its frames.
	tutorial_dicts_from_json "$RUN_OUT" >"$XS_TMP/$name.want" 2>&1
	printf '%s\n' "${L[1]:-}" "${L[4]:-}" "${L[7]:-}" >"$XS_TMP/$name.got"
	diff -u "$XS_TMP/$name.want" "$XS_TMP/$name.got" >"$XS_TMP/$name.diff" ||
		why+="dict lines differ from the client's JSON ($(tr '\n' ' ' <"$XS_TMP/$name.diff" | head -c 400)); "
	if [ -z "$why" ]; then pass "$name"; else
		fail "$name" "$why(isn $ISN, server isn $SISN)"; mon_show; fi
}

# check_json_paths NAME SPORT HOOK [HOST]: $MON_OUT (--json, stopped by
# SIGINT) is strict JSON lines and holds the handshake and nothing else,
# each packet with its path; the attached object says HOOK ("plugged", or
# "none" when xdpshake is not there yet) and the --host filter HOST (null
# without --host).
check_json_paths() {
	"$XS_PY" - "$MON_OUT" "$ISN" "$SISN" "$CLI_IP" "$2" "$SRV_IP" "$HPORT" \
		"$3" "${4:-}" >"$XS_TMP/$1.txt" 2>&1 <<'EOF'
import json, sys
out, isn, sisn, cip, cport, sip, sport, hook, host = sys.argv[1:]
isn, sisn, cport, sport = int(isn), int(sisn), int(cport), int(sport)
M = 0xffffffff
objs = [json.loads(l) for l in open(out) if l.strip()]
pk = [o for o in objs if o.get("event") == "packet"]
want = [
    ("egress", "afxdp_tx", 2, isn, 0, cip, cport, sip, sport, 64),
    ("ingress", "xdp_redirect", 18, sisn, (isn + 1) & M, sip, sport, cip, cport, 63),
    ("egress", "afxdp_tx", 16, (isn + 1) & M, (sisn + 1) & M, cip, cport, sip, sport, 64),
]
got = [(o["dir"], o.get("path"), o["tcp"]["flags_bits"], o["tcp"]["seq"],
        o["tcp"]["ack"], o["ip"]["saddr"], o["tcp"]["sport"], o["ip"]["daddr"],
        o["tcp"]["dport"], o["ip"]["ttl"]) for o in pk]
errs = []
if got != want:
    errs.append("packets %r, want %r" % (got, want))
att = objs[0] if objs else {}
if att.get("event") != "attached" or att.get("xdp_hook") != hook \
        or att.get("host") != (host or None):
    errs.append("attached object %r, want xdp_hook %r, host %r"
                % (att, hook, host or None))
summ = [o for o in objs if o.get("event") == "summary"]
paths = {"tc": 0, "xdp_redirect": 1, "afxdp_tx": 2, "xdp_tx": 0}
if len(summ) != 1 or summ[0].get("frames") != 3 or summ[0].get("paths") != paths \
        or summ[0].get("ringbuf_drops") != 0:
    errs.append("summary %r, want frames 3, paths %r, no drops" % (summ, paths))
elif summ[0].get("counters", {}).get("events") != 3:
    errs.append("kernel counted %r, want 3 events" % summ[0].get("counters"))
print("; ".join(errs) if errs else "ok")
EOF
	if [ "$MON_RC" -eq 0 ] && json_valid "$MON_OUT" &&
		[ "$(cat "$XS_TMP/$1.txt")" = ok ]; then
		pass "$1"
	else
		fail "$1" "exit $MON_RC, strict JSON lines: $(json_valid "$MON_OUT" && echo yes || echo no); $(head -c 900 "$XS_TMP/$1.txt")"
		mon_show
	fi
}

SPORT5=$((XS_PORT_LO + 405))
if mon_start mon5 -i "$CLI_IF" --netns "$CLI_NS" --port "$HPORT" --count 3; then
	connect_json connect_hook_load_text "$SPORT5" "$HPORT"
	mon_wait 10
	if [ "$MON_RC" -eq 0 ] && grep -q "plugged into xdpshake's XDP program" "$MON_ERR" &&
		grep -q 'monitor: 3 frames, 0 ringbuf drops.*by path: tc 0, xdp_redirect 1, afxdp_tx 2, xdp_tx 0' "$MON_ERR"; then
		pass monitor_hook_load_plugged_summary
	else
		fail monitor_hook_load_plugged_summary "exit $MON_RC, no 'plugged into' line or per-path summary"
		mon_show
	fi
	check_tutorial_lines monitor_hook_load_tutorial_three_packets "$SPORT5"
else
	fail monitor_hook_load_attached "no 'attached to' line"
	mon_show
fi

# 5b: loaded, --json, stopped by SIGINT: paths, and nothing seen twice
# (the redirected SYN-ACK never reaches TC, the sent frames never pass it);
# the --host filter lets the handshake through on every path.
SPORT6=$((XS_PORT_LO + 406))
if mon_start mon6 -i "$CLI_IF" --netns "$CLI_NS" --port "$HPORT" \
	--host "$SRV_IP" --json; then
	connect_json connect_hook_load_json "$SPORT6" "$HPORT"
	sleep 1
	mon_stop
	check_json_paths monitor_hook_load_json_paths "$SPORT6" plugged "$SRV_IP"
else
	fail monitor_hook_load_json_attached "no 'attached to' line"
	mon_show
fi

# 5c: no load: the monitor starts first, connect attaches for its run and
# plugs the monitor in (it is on the interface's tcx hook) before its SYN.
xs_run unload_for_hook unload -i "$CLI_IF" --netns "$CLI_NS"
SPORT7=$((XS_PORT_LO + 407))
if [ "$XS_RC" -ne 0 ]; then
	fail monitor_hook_run_unload "unload exited $XS_RC"
	xs_show_run
elif mon_start mon7 -i "$CLI_IF" --netns "$CLI_NS" --port "$HPORT" --json; then
	connect_json connect_hook_run "$SPORT7" "$HPORT"
	sleep 1
	mon_stop
	check_json_paths monitor_hook_run_json_paths "$SPORT7" none
	if mon_gone "$CLI_NS" "$CLI_IF"; then
		pass monitor_hook_run_nothing_left
	else
		fail monitor_hook_run_nothing_left "$(cat "$XS_TMP/gone_why.txt")"
	fi
else
	fail monitor_hook_run_attached "no 'attached to' line"
	mon_show
fi

# ---------------------------------------------------------------------------
# 6. Frames that cannot be recorded stop the monitor: exit 6 and one line
# saying what could not be written (a pcap file, standard output), never
# exit 0 with the frames gone.  The frames: a SYN to a closed port of
# hostA, and its RST, through the router.
closed_port_syn() {
	xs_run "$1" connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:9" \
		--timeout 500 --retries 0 -q
}
if mon_start mon8 -i "$RTR_CLI_IF" --netns "$RTR_NS" --port 9 --count 2 \
	--pcap /dev/full; then
	closed_port_syn rst_pcap_full
	mon_wait 10
	if [ "$MON_RC" = 6 ] && write_error_once "$MON_ERR" &&
		grep -q 'cannot write pcap file /dev/full' "$MON_ERR" &&
		mon_gone "$RTR_NS" "$RTR_CLI_IF"; then
		pass monitor_pcap_full_exit6
	else
		fail monitor_pcap_full_exit6 "exit $MON_RC (want 6); $(cat "$XS_TMP/gone_why.txt" 2>/dev/null)"
		mon_show
	fi
else
	fail monitor_pcap_full_exit6 "no 'attached to' line"
	mon_show
fi
MON_ERR=$XS_TMP/mon9.err
timeout --kill-after=5 "$XS_RUN_TIMEOUT" "$XS_BIN" monitor -i "$RTR_CLI_IF" \
	--netns "$RTR_NS" --port 9 --count 2 >/dev/full 2>"$MON_ERR" </dev/null &
MON_PID=$!
XS_BG_PIDS+=("$MON_PID")
if xs_wait_for 10 grep -qs 'attached to' "$MON_ERR"; then
	closed_port_syn rst_stdout_full
	mon_wait 10
	if [ "$MON_RC" = 6 ] && write_error_once "$MON_ERR" &&
		grep -q 'cannot write the frames to standard output' "$MON_ERR"; then
		pass monitor_stdout_full_exit6
	else
		fail monitor_stdout_full_exit6 "exit $MON_RC (want 6)"
		show "monitor stderr" "$MON_ERR"
	fi
else
	fail monitor_stdout_full_exit6 "no 'attached to' line"
	show "monitor stderr" "$MON_ERR"
fi

# ---------------------------------------------------------------------------
# 7. IPv6: the same router, its own namespaces with ULA addresses (nodad:
# no frame waits for duplicate address detection), forwarding on, and a
# kernel TCP connection over IPv6 (python3 on both ends).  The monitor on
# the router must print exactly the three handshake packets in order, with
# IPv6's field names, and --host must take an IPv6 address.
topo_routed6() {
	local ns
	xs_ns_add CLI6_NS hostB6
	xs_ns_add RTR6_NS router6
	xs_ns_add SRV6_NS hostA6
	for ns in "$CLI6_NS" "$RTR6_NS" "$SRV6_NS"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.disable_ipv6=0 \
			net.ipv6.conf.default.accept_dad=0 >/dev/null
	done
	xs_veth "$CLI6_NS" xsb0 "$RTR6_NS" xsr0
	xs_veth "$SRV6_NS" xsa0 "$RTR6_NS" xsr1
	ip -n "$CLI6_NS" addr add fd00:2::2/64 dev xsb0 nodad
	ip -n "$RTR6_NS" addr add fd00:2::1/64 dev xsr0 nodad
	ip -n "$RTR6_NS" addr add fd00:5::1/64 dev xsr1 nodad
	ip -n "$SRV6_NS" addr add fd00:5::5/64 dev xsa0 nodad
	ip -n "$SRV6_NS" addr add fd00:5::6/64 dev xsa0 nodad
	ip netns exec "$RTR6_NS" sysctl -qw net.ipv6.conf.all.forwarding=1 >/dev/null
	ip -n "$CLI6_NS" -6 route add default via fd00:2::1 dev xsb0
	ip -n "$SRV6_NS" -6 route add default via fd00:5::1 dev xsa0
	xs_wait_for 5 xs_link_up "$CLI6_NS" xsb0 ||
		{ fail "$XS_TEST" "xsb0 (IPv6) did not come up"; xs_done; }
	xs_wait_for 5 xs_link_up "$SRV6_NS" xsa0
	CLI6_MAC=$(mac_of "$CLI6_NS" xsb0)
	RTR6_MAC=$(mac_of "$RTR6_NS" xsr0)
	XS_NTOPO=$((XS_NTOPO + 1))
}

# srv6_start: a kernel listener on [fd00:5::5]:80 and [fd00:5::6]:80 that
# accepts and holds every connection for the test's life.
srv6_start() {
	local ready=$XS_TMP/srv6.ready
	ip netns exec "$SRV6_NS" "$XS_PY" -c '
import select, socket, sys, time
ls = []
for a in ("fd00:5::5", "fd00:5::6"):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a, 80))
    s.listen(8)
    ls.append(s)
open(sys.argv[1], "w").close()
held, end = [], time.time() + float(sys.argv[2])
while time.time() < end:
    r, _, _ = select.select(ls, [], [], 0.2)
    for s in r:
        c, peer = s.accept()
        held.append(c)
        print("ACCEPT [%s]:%d" % peer[:2], flush=True)
' "$ready" "$((XS_SRV_LIFE_MS / 1000))" >"$XS_TMP/srv6.out" 2>&1 &
	XS_BG_PIDS+=("$!")
	xs_wait_for 5 test -e "$ready" ||
		{ fail "$XS_TEST" "IPv6 server did not start"; show srv6 "$XS_TMP/srv6.out"; xs_done; }
}

# cli6 NAME DST SPORT...: kernel connect()s from fd00:2::2, one per SPORT,
# to DST port 80 in turn; each socket stays open while the next connects.
cli6() {
	local name=$1 dst=$2
	shift 2
	ip netns exec "$CLI6_NS" timeout 20 "$XS_PY" -c '
import socket, sys, time
held = []
for port in sys.argv[2:]:
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.bind(("fd00:2::2", int(port)))
    s.settimeout(5)
    s.connect((sys.argv[1], 80))
    held.append(s)
    print("CONNECTED %s" % port, flush=True)
time.sleep(1)
' "$dst" "$@" >"$XS_TMP/$name.out" 2>&1
	check "$name" "kernel connect over IPv6 failed: $(tr '\n' ' ' <"$XS_TMP/$name.out")" \
		grep -q "CONNECTED ${*: -1}" "$XS_TMP/$name.out"
}

topo_routed6
srv6_start

# 7a: text and pcap, --port 80 --count 3, on the router's client side.
SPORT6A=40123
PCAP6=$XS_TMP/mon_v6.pcap
if mon_start mon_v6 -i xsr0 --netns "$RTR6_NS" --port "$PORT" --count 3 \
	--pcap "$PCAP6"; then
	pass monitor_v6_attached
else
	fail monitor_v6_attached "no 'attached to' line"
	mon_show
fi
cli6 connect_v6_kernel fd00:5::5 "$SPORT6A"
mon_wait 10
check monitor_v6_count_exit "monitor --count 3 exited $MON_RC, want 0" \
	test "$MON_RC" -eq 0
mapfile -t L <"$MON_OUT"
# hdr6 SMAC DMAC HOPLIMIT SRC DST: the IPv6 header line, IPv4's layout.
hdr6() {
	echo "$TS_RE""Source Mac: $1 Destination Mac: $2 Protocol: IPv6 Version: 6 Traffic Class: 0 Flow Label: [0-9]+ Payload Length: ([0-9]+) Hop Limit: $3 Next Header: TCP Source IP: $4 Destination IP: $5\$"
}
# dict6 SPORT DPORT FLAGS LINE: the dict line; sets SEQ6 ACK6 DOFF6.
dict6() {
	local re="^\{'SRC_PORT': $1, 'DEST_PORT': $2, 'SEQ': ([0-9]+), 'ACK_NUM': ([0-9]+), 'Flags': '$3', 'RESERVE': 0, 'TCP_LENGTH': ([0-9]+), 'WINDOW': [0-9]+, 'CHECKSUM': [0-9]+, 'PTR': 0, 'data': b''\}$"
	[[ "$4" =~ $re ]] || return 1
	SEQ6=${BASH_REMATCH[1]} ACK6=${BASH_REMATCH[2]} DOFF6=${BASH_REMATCH[3]}
}
why=
S=() A=()
if [ "${#L[@]}" -ne 9 ]; then
	why="${#L[@]} lines, want 9 (3 packets)"
else
	# who sent each frame to whom; the SYN-ACK one hop later (63)
	want_hdr=("$(hdr6 "$CLI6_MAC" "$RTR6_MAC" 64 fd00:2::2 fd00:5::5)"
		"$(hdr6 "$RTR6_MAC" "$CLI6_MAC" 63 fd00:5::5 fd00:2::2)"
		"$(hdr6 "$CLI6_MAC" "$RTR6_MAC" 64 fd00:2::2 fd00:5::5)")
	want_dict=("$SPORT6A $PORT _,_,_,_,_,_,SYN,_"
		"$PORT $SPORT6A _,_,_,ACK,_,_,SYN,_"
		"$SPORT6A $PORT _,_,_,ACK,_,_,_,_")
	for k in 0 1 2; do
		i=$((k * 3))
		if [[ "${L[$i]}" =~ ${want_hdr[$k]} ]]; then
			plen=${BASH_REMATCH[3]}
		else
			why+="header line $((i + 1)); "
			continue
		fi
		read -r a b f <<<"${want_dict[$k]}"
		if dict6 "$a" "$b" "$f" "${L[$((i + 1))]}"; then
			S[k]=$SEQ6 A[k]=$ACK6
			# no data: the payload length is the TCP header
			[ "$plen" -eq $((DOFF6 * 4)) ] ||
				why+="packet $((k + 1)): Payload Length $plen, TCP_LENGTH $DOFF6; "
		else
			why+="dict line $((i + 2)); "
		fi
		[ "${L[$((i + 2))]}" = "------------------------" ] || why+="separator $((i + 3)); "
	done
	if [ -z "$why" ]; then
		[ "${A[0]}" -eq 0 ] || why+="SYN ack ${A[0]}; "
		[ "${A[1]}" -eq $(((S[0] + 1) & M32)) ] || why+="SYN-ACK acks ${A[1]}; "
		{ [ "${S[2]}" -eq $(((S[0] + 1) & M32)) ] &&
			[ "${A[2]}" -eq $(((S[1] + 1) & M32)) ]; } || why+="ACK ${S[2]}/${A[2]}; "
	fi
fi
if [ -z "$why" ]; then pass monitor_v6_three_packets_in_order; else
	fail monitor_v6_three_packets_in_order "$why"; mon_show; fi
tcpdump -r "$PCAP6" -nn -S >"$XS_TMP/pcap6.txt" 2>/dev/null
mapfile -t P <"$XS_TMP/pcap6.txt"
why=
[ "${#P[@]}" -eq 3 ] || why="${#P[@]} packets in the pcap, want 3; "
[[ "${P[0]:-}" == *"IP6 fd00:2::2.$SPORT6A > fd00:5::5.$PORT: Flags [S], seq ${S[0]:-x},"* ]] || why+="SYN: ${P[0]:-}; "
[[ "${P[1]:-}" == *"IP6 fd00:5::5.$PORT > fd00:2::2.$SPORT6A: Flags [S.], seq ${S[1]:-x}, ack ${A[1]:-x},"* ]] || why+="SYN-ACK: ${P[1]:-}; "
[[ "${P[2]:-}" == *"IP6 fd00:2::2.$SPORT6A > fd00:5::5.$PORT: Flags [.], ack ${A[2]:-x},"* ]] || why+="ACK: ${P[2]:-}; "
if [ -z "$why" ]; then pass pcap_v6_tcpdump_reads_handshake; else
	fail pcap_v6_tcpdump_reads_handshake "$why"; show "tcpdump -r" "$XS_TMP/pcap6.txt"; fi
if mon_gone "$RTR6_NS" xsr0; then pass monitor_v6_detached; else
	fail monitor_v6_detached "$(cat "$XS_TMP/gone_why.txt")"; fi

# 7b: --host with an IPv6 address, --json: a handshake with fd00:5::6
# first, then one with fd00:5::5; only the second is shown.
if mon_start mon_v6h -i xsr0 --netns "$RTR6_NS" --host fd00:5::5 --count 3 \
	--json; then
	pass monitor_v6_host_attached
else
	fail monitor_v6_host_attached "no 'attached to' line"
	mon_show
fi
cli6 connect_v6_other_host fd00:5::6 40124
cli6 connect_v6_host fd00:5::5 40125
mon_wait 10
"$XS_PY" - "$MON_OUT" "$CLI6_MAC" "$RTR6_MAC" >"$XS_TMP/json6_check.txt" 2>&1 <<'PYEOF'
import json, sys
out, cmac, rmac = sys.argv[1:]
objs = [json.loads(l) for l in open(out) if l.strip()]
pk = [o for o in objs if o.get("event") == "packet"]
got = [(o["family"], o["dir"], o["tcp"]["flags"], o["ip"]["saddr"],
        o["tcp"]["sport"], o["ip"]["daddr"], o["tcp"]["dport"],
        o["ip"]["hop_limit"], o["ip"]["next_header"], o["ip"]["version"],
        o["src_mac"], o["tcp"]["csum_state"] != "bad") for o in pk]
c, s = "fd00:2::2", "fd00:5::5"
want = [
    ("ipv6", "ingress", "SYN", c, 40125, s, 80, 64, 6, 6, cmac, True),
    ("ipv6", "egress", "SYN|ACK", s, 80, c, 40125, 63, 6, 6, rmac, True),
    ("ipv6", "ingress", "ACK", c, 40125, s, 80, 64, 6, 6, cmac, True),
]
errs = []
if got != want:
    errs.append("packets %r, want %r" % (got, want))
att = objs[0] if objs else {}
if att.get("event") != "attached" or att.get("host") != s:
    errs.append("attached %r, want host %s" % (att, s))
summ = [o for o in objs if o.get("event") == "summary"]
cnt = summ[0].get("counters", {}) if summ else {}
if cnt.get("events") != 3 or cnt.get("filtered", 0) < 3:
    errs.append("counters %r: want 3 events, the other host's >= 3 filtered" % cnt)
print("; ".join(errs) if errs else "ok")
PYEOF
if [ "$(cat "$XS_TMP/json6_check.txt")" = ok ]; then
	pass monitor_v6_host_filter_json
else
	fail monitor_v6_host_filter_json "$(head -c 800 "$XS_TMP/json6_check.txt")"
	mon_show
fi
if mon_gone "$RTR6_NS" xsr0; then pass monitor_v6_host_detached; else
	fail monitor_v6_host_detached "$(cat "$XS_TMP/gone_why.txt")"; fi

# 7d: an ICMPv6 error quoting our SYN: a prohibit route on the router
# answers the SYN to fd00:5::7 with destination unreachable, code 1
# (administratively prohibited); the monitor shows the SYN, then the error
# with its quote.
ip -n "$RTR6_NS" -6 route add prohibit fd00:5::7/128
if mon_start mon_v6i -i xsr0 --netns "$RTR6_NS" --port "$PORT" --count 2; then
	ip netns exec "$CLI6_NS" timeout 10 "$XS_PY" -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.bind(("fd00:2::2", 40126))
s.settimeout(5)
try:
    s.connect(("fd00:5::7", 80))
    print("CONNECTED")
except OSError as e:
    print("REFUSED", e.errno)
' >"$XS_TMP/cli6_icmp.out" 2>&1
	mon_wait 10
	mapfile -t L <"$MON_OUT"
	seq_re="'SEQ': ([0-9]+),"
	why=
	[[ "${L[1]:-}" =~ $seq_re ]] && syn_seq=${BASH_REMATCH[1]} || why+="no SYN dict; "
	[[ "${L[3]:-}" == *" Protocol: IPv6 Version: 6 Traffic Class: "*" Next Header: IPv6-ICMP Source IP: fd00:2::1 Destination IP: fd00:2::2" ]] ||
		why+="ICMPv6 header line '${L[3]:-}'; "
	icmp_re="^\{'ICMP_TYPE': 1, 'ICMP_CODE': 1, 'REASON': 'administratively prohibited', 'CHECKSUM': [0-9]+, 'QUOTED_SRC': 'fd00:2::2', 'QUOTED_DEST': 'fd00:5::7', 'QUOTED_NEXT_HEADER': 6, 'QUOTED_SRC_PORT': 40126, 'QUOTED_DEST_PORT': 80, 'QUOTED_SEQ': ${syn_seq:-x}\}$"
	[[ "${L[4]:-}" =~ $icmp_re ]] || why+="ICMPv6 dict '${L[4]:-}'; "
	[ "${#L[@]}" -eq 6 ] || why+="${#L[@]} lines, want 6; "
	grep -q REFUSED "$XS_TMP/cli6_icmp.out" || why+="the kernel client was not refused; "
	if [ -z "$why" ]; then pass monitor_v6_icmp6_error_quoting_syn; else
		fail monitor_v6_icmp6_error_quoting_syn "$why"; mon_show; fi
else
	fail monitor_v6_icmp6_error_quoting_syn "no 'attached to' line"
	mon_show
fi

# 7c: --host refuses what is not one address, naming the token.
xs_run monitor_v6_bad_host monitor -i xsr0 --netns "$RTR6_NS" --host 'fe80::1%xsr0'
if [ "$XS_RC" -eq 1 ] &&
	grep -q "^xdpshake: --host takes an IPv4 or IPv6 address, not 'fe80::1%xsr0'" "$RUN_ERR"; then
	pass monitor_v6_bad_host
else
	fail monitor_v6_bad_host "exit $XS_RC (want 1): $(head -n 2 "$RUN_ERR")"
fi

xs_done
