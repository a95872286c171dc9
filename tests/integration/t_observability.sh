#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 3: what bpftool and `xdpshake status` show after real handshakes.
#   - bpftool map dump of the pinned maps prints named fields with the
#     values the handshakes produced: counters, the connection table (4-tuple,
#     state, isn, server_isn as connect reported them), the RTT histogram;
#   - a forged SYN-ACK for a tracked 4-tuple with the wrong ack number is
#     dropped in XDP and counted rx_invalid (no ring slot, no answer);
#   - status --json agrees with the maps; --watch prints rates per refresh;
#     every JSON status (-i, --watch, without -i, not loaded) is strict JSON;
#   - unload removes every pin.
. "$(dirname "$0")/lib.sh"
xs_init obs
xs_need_bin

topo_pair 10.31.0.1 10.31.0.2
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
PIN=$XS_PIN_ROOT/$CLI_NS/$CLI_IF

xs_run load load -i "$CLI_IF" --netns "$CLI_NS" --sports 62000-62099
if [ "$XS_RC" -ne 0 ]; then
	fail load "exit $XS_RC: $(first_error)"
	xs_done
fi

srv_start "$SRV_NS" "$SRV_IP" 80 --count 2 --hold 3000 --timeout 15000
xs_run c1 connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" --sport 62001 --json
rc1=$XS_RC; cp "$RUN_OUT" "$XS_TMP/c1.json"
xs_run c2 connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" --sport 62002 --json
rc2=$XS_RC; cp "$RUN_OUT" "$XS_TMP/c2.json"
xs_run c3 connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:81" --sport 62003 --json
rc3=$XS_RC; cp "$RUN_OUT" "$XS_TMP/c3.json"
check handshakes_ran "exit codes $rc1 $rc2 $rc3, want 0 0 2" \
	test "$rc1/$rc2/$rc3" = "0/0/2"

# Sum a per-CPU struct field over CPUs from bpftool's JSON.
bpf_sum() {
	bpftool map dump pinned "$PIN/$1" | "$XS_PY" -c '
import json, sys
tot = 0
for e in json.load(sys.stdin):
    for c in e.get("values", []):
        v = c["value"]
        f = sys.argv[1]
        tot += sum(v[f]) if isinstance(v[f], list) else v[f]
print(tot)' "$2"
}

# Counters: two SYN-ACKs, one RST redirected; nothing malformed or invalid.
synack=$(bpf_sum stats rx_synack)
rst=$(bpf_sum stats rx_rst)
invalid=$(bpf_sum stats rx_invalid)
check bpftool_counters "rx_synack=$synack rx_rst=$rst rx_invalid=$invalid, want 2 1 0" \
	test "$synack/$rst/$invalid" = "2/1/0"
bpftool map dump pinned "$PIN/stats" >"$XS_TMP/stats.txt" 2>&1
check bpftool_named_fields "bpftool map dump does not print the counters by name" \
	grep -q '"rx_synack": ' "$XS_TMP/stats.txt"

# The connection table, as bpftool prints it, against what connect said.
conn_of() { # FILE.json -> "isn server_isn"
	echo "$(json_result "$1" isn) $(json_result "$1" server_isn)"
}
bpftool map dump pinned "$PIN/conns" >"$XS_TMP/conns.json" 2>&1
table=$("$XS_PY" -c '
import ipaddress, json, sys
def ip(b):  # 16 bytes, IPv4 as ::ffff:a.b.c.d
    a = ipaddress.IPv6Address(bytes(b))
    return str(a.ipv4_mapped or a)
for e in json.load(open(sys.argv[1])):
    k, v = e["key"], e["value"]
    print("%s:%d %s:%d %s %d %d %d" % (ip(k["local_ip"]),
          k["local_port"], ip(k["remote_ip"]),
          k["remote_port"], v["state"], v["isn"], v["server_isn"], v["rtt_us"]))
' "$XS_TMP/conns.json" | sort)
echo "$table" >"$XS_TMP/table.txt"
want1="$CLI_IP:62001 $SRV_IP:80 XS_CONN_ESTABLISHED $(conn_of "$XS_TMP/c1.json")"
want2="$CLI_IP:62002 $SRV_IP:80 XS_CONN_ESTABLISHED $(conn_of "$XS_TMP/c2.json")"
want3="$CLI_IP:62003 $SRV_IP:81 XS_CONN_REFUSED $(json_result "$XS_TMP/c3.json" isn) 0"
ok=1
for w in "$want1" "$want2" "$want3"; do
	grep -q "^$w [0-9]*$" "$XS_TMP/table.txt" || ok=0
done
if [ "$ok" = 1 ] && [ "$(wc -l <"$XS_TMP/table.txt")" -eq 3 ]; then
	pass bpftool_conn_table
else
	fail bpftool_conn_table "want lines starting '$want1' / '$want2' / '$want3'"
	show "table" "$XS_TMP/table.txt"
fi

# Histogram: one round trip recorded per reply (2 SYN-ACKs + 1 RST).
hist=$(bpf_sum rtt slot)
check bpftool_rtt_hist "rtt histogram holds $hist round trips, want 3" test "$hist" = 3

# A forged SYN-ACK for a tracked 4-tuple, ack = isn + 5: dropped in XDP.
isn1=$(json_result "$XS_TMP/c1.json" isn)
before_other=$(bpf_sum stats rx_synack)
ip netns exec "$SRV_NS" "$XS_PY" - "$SRV_IF" "$SRV_MAC" "$CLI_MAC" "$SRV_IP" \
	"$CLI_IP" 80 62001 $(((isn1 + 5) % 4294967296)) <<'EOF'
import socket, struct, sys
ifc, smac, dmac, sip, dip = sys.argv[1:6]
sport, dport, ack = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
sa, da = socket.inet_aton(sip), socket.inet_aton(dip)
tcp = struct.pack("!HHIIBBHHH", sport, dport, 12345, ack, 5 << 4, 0x12, 64240, 0, 0)
c = csum(sa + da + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, sa, da)
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
eth = bytes.fromhex(dmac.replace(":", "")) + bytes.fromhex(smac.replace(":", "")) + b"\x08\x00"
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifc, 0))
s.send(eth + ip + tcp)
EOF
xs_wait_for 3 test "$(bpf_sum stats rx_invalid)" = 1
invalid=$(bpf_sum stats rx_invalid)
after_synack=$(bpf_sum stats rx_synack)
check forged_synack_dropped "rx_invalid=$invalid rx_synack $before_other->$after_synack, want 1 and unchanged" \
	test "$invalid/$after_synack" = "1/$before_other"

# status --json agrees with the maps.
xs_run status status -i "$CLI_IF" --netns "$CLI_NS" --json
"$XS_PY" - "$RUN_OUT" "$synack" "$rst" "$XS_TMP/table.txt" >"$XS_TMP/agree.txt" 2>&1 <<'EOF'
import json, sys
o = json.load(open(sys.argv[1]))["interfaces"][0]
c = o["counters"]
assert c["rx_synack"] == int(sys.argv[2]), c
assert c["rx_rst"] == int(sys.argv[3]), c
assert c["rx_invalid"] == 1, c
assert o["config"]["port_lo"] == 62000 and o["config"]["port_hi"] == 62099
assert o["conns_in_table"] == 3, o["conns_in_table"]
states = sorted(x["state"] for x in o["conns"])
assert states == ["established", "established", "refused"], states
assert sum(o["rtt_us"]["slots"]) == 3
assert o["rtt_us"]["p50_lt"] > 0
assert o["tc"]["method"] in ("tcx", "clsact") and o["xdp"]["prog_id"] > 0
EOF
if [ "$XS_RC" -eq 0 ] && [ ! -s "$XS_TMP/agree.txt" ]; then
	pass status_json_agrees
else
	fail status_json_agrees "exit $XS_RC; $(tail -n 1 "$XS_TMP/agree.txt")"
fi

# Text status draws the histogram and lists the handshakes.
xs_run status_text status -i "$CLI_IF" --netns "$CLI_NS"
if grep -q 'handshake rtt (us)' "$RUN_OUT" && grep -q '|@' "$RUN_OUT" &&
	grep -q 'p50 < ' "$RUN_OUT" && grep -c 'established' "$RUN_OUT" | grep -q 2; then
	pass status_text_hist
else
	fail status_text_hist "no histogram or handshakes in status output"
	xs_show_run
fi

# Every counter, by the name bpftool's BTF gives its field, in that order:
# status --json lists exactly those; text status has a line for each.
"$XS_PY" - "$XS_TMP/stats.txt" "$XS_TMP/status.out" "$RUN_OUT" \
	>"$XS_TMP/names.txt" 2>&1 <<'EOF'
import json, sys
btf = list(json.load(open(sys.argv[1]))[0]["values"][0]["value"].keys())
st = list(json.loads(open(sys.argv[2]).readline())["interfaces"][0]["counters"])
assert st == btf, (st, btf)
text = [l.split()[0] for l in open(sys.argv[3]) if l.startswith("  ") and l.split()]
missing = [n for n in btf if n not in text]
assert not missing and len(btf) > 5, ("not in text status", missing)
EOF
check status_lists_every_counter "$(tail -n 1 "$XS_TMP/names.txt")" \
	test ! -s "$XS_TMP/names.txt"

# --watch: one JSON object per refresh, rates from the second one on.
xs_run watch status -i "$CLI_IF" --netns "$CLI_NS" --json --watch 1 --count 2
n=$(grep -c '"interfaces"' "$RUN_OUT")
check status_watch "exit $XS_RC, $n refreshes, want 0 and 2 (second with rates)" \
	test "$XS_RC/$n/$(sed -n 2p "$RUN_OUT" | grep -c '"rates"')" = "0/2/1"

# Without -i: the interface is listed with its namespace.
xs_run all status --json
check status_all "status --json without -i does not list $CLI_NS/$CLI_IF" \
	grep -q "\"netns\":\"$CLI_NS\",\"ifname\":\"$CLI_IF\"" "$RUN_OUT"

# Every JSON status is strict JSON lines (json_valid): with -i, --watch
# (one line per refresh), --conns 0, and without -i.
xs_run conns0 status -i "$CLI_IF" --netns "$CLI_NS" --json --conns 0
bad=
for f in status watch conns0 all; do
	json_valid "$XS_TMP/$f.out" || bad="$bad $f"
done
check status_json_strict "not strict JSON lines:${bad:- none}" test -z "$bad"

# Status nobody can read is an error: exit 6 and one line, with -i and
# without, and --watch stops at the first refresh it cannot write.
xs_run_full status_full status -i "$CLI_IF" --netns "$CLI_NS" --json
if [ "$XS_RC" = 6 ] && write_error_once && grep -q 'status to standard output' "$RUN_ERR"; then
	pass status_json_stdout_full_exit6
else
	fail status_json_stdout_full_exit6 "exit $XS_RC (want 6), stderr: $(tr '\n' ' ' <"$RUN_ERR")"
fi
xs_run_full status_all_full status --json
if [ "$XS_RC" = 6 ] && write_error_once; then
	pass status_all_stdout_full_exit6
else
	fail status_all_stdout_full_exit6 "exit $XS_RC (want 6), stderr: $(tr '\n' ' ' <"$RUN_ERR")"
fi
xs_run_full watch_full status -i "$CLI_IF" --netns "$CLI_NS" --watch 1 --count 3
if [ "$XS_RC" = 6 ] && write_error_once; then
	pass status_watch_stdout_full_exit6
else
	fail status_watch_stdout_full_exit6 "exit $XS_RC (want 6), stderr: $(tr '\n' ' ' <"$RUN_ERR")"
fi

srv_wait 5
xs_run unload unload -i "$CLI_IF" --netns "$CLI_NS"
if [ "$XS_RC" -eq 0 ] && [ ! -e "$PIN" ] && xs_clean "$CLI_NS" "$CLI_IF"; then
	pass unload_removes_pins
else
	fail unload_removes_pins "exit $XS_RC; left: $(tr '\n' ' ' <"$XS_TMP/attached.txt")"
fi

# Not loaded: one strict JSON object that says so.
xs_run not_loaded status -i "$CLI_IF" --netns "$CLI_NS" --json
if [ "$XS_RC" -eq 0 ] && json_valid "$RUN_OUT" &&
	grep -q "^{\"interfaces\":\[\],\"runs\":\[\],\"loaded\":false,\"ifname\":\"$CLI_IF\"," "$RUN_OUT"; then
	pass status_json_not_loaded
else
	fail status_json_not_loaded "exit $XS_RC, want 0 and one strict JSON object with loaded false"
	xs_show_run
fi
xs_done
