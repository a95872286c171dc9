#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 12 point 2: scans never lose an open port.  Against real kernel
# servers (tserver, a listener that never accepts) and hand-built SYN-ACKs
# (tests/helpers/odd_synack.py), on a /24 of server addresses:
#   - banner mode with servers that send nothing: every handshake reported
#     (open, empty banner) with the default --banner-timeout 3 s > --wait
#     2 s, and closed: no server socket left ESTABLISHED (ss);
#   - --close fin: the server's FIN acknowledged (no LAST-ACK left), or an
#     RST after a bounded time when it never closes (no CLOSE-WAIT left);
#   - rescans: two scans in a row of the same targets find every open port,
#     with and without a `load` in place (--close fin, banner mode); source
#     ports differ from run to run, and with one --seed they repeat (in its
#     shards too): then a
#     connection the first scan left ESTABLISHED (--close none) answers our
#     SYN with a challenge ACK, which gets an RST and the SYN again;
#   - --retries 3 puts 4 SYNs on the wire to a dropped port, and the probe
#     is counted once, as silent (open + closed + filtered + silent = sent);
#     a SYN-ACK 1.5 s after the first SYN, after the last retry but within
#     --wait, is reported;
#   - a server that retransmits its SYN-ACK (our ACK and RST dropped on its
#     side) gets an RST each time, never a second bare ACK, and each
#     (target, port) is one result, also with duplicate targets;
#   - our ACK, data and FIN carry timestamps when the SYN-ACK took them;
#   - a TSecr we never sent gives no wrapped rtt_us; wscale 15 is printed
#     as 15; a SYN-ACK with an option of length 0 is open, options_malformed;
#   - connect, answered after retransmissions, says it cannot tell which SYN
#     the SYN-ACK answers (Karn).
. "$(dirname "$0")/lib.sh"
xs_init scanloss
xs_need_bin

ODD=$XS_ROOT/tests/helpers/odd_synack.py
BLOCK=10.212.0
topo_pair 10.52.0.1 10.52.0.2
ip -n "$SRV_NS" route add local $BLOCK.0/24 dev lo
ip -n "$CLI_NS" route add $BLOCK.0/24 via "$SRV_IP"
# 8083: dropped.  8084: only SYNs get in (the kernel retransmits its
# SYN-ACK).  7001-7003: odd_synack answers, the kernel must not.
ip netns exec "$SRV_NS" nft -f - <<EOF
table inet xs_scanloss {
	chain input {
		type filter hook input priority 0;
		tcp dport 8083 counter drop
		tcp dport 8084 tcp flags & syn == 0 counter drop
		tcp dport 7001-7003 drop
	}
}
EOF
L=$XS_SRV_LIFE_MS
srv_start "$SRV_NS" 0.0.0.0 8080 --hold 20000 --count 100000 --timeout "$L"
srv_start "$SRV_NS" 0.0.0.0 8081 --count 100000 --timeout "$L"
srv_start "$SRV_NS" 0.0.0.0 8084 --count 100000 --timeout "$L"
srv_start "$SRV_NS" 0.0.0.0 8086 --count 100000 --timeout "$L"
# 8082: a listener that never accepts, so never closes.
ip netns exec "$SRV_NS" "$XS_PY" -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8082)); s.listen(64)
open(sys.argv[1], "w").close()
time.sleep(float(sys.argv[2]))' "$XS_TMP/l8082.ready" $((L / 1000)) &
XS_BG_PIDS+=($!)
ip netns exec "$SRV_NS" "$XS_PY" "$ODD" "$SRV_IF" "$XS_TMP/odd.ready" \
	$((L / 1000)) >"$XS_TMP/odd.out" 2>&1 &
XS_BG_PIDS+=($!)
xs_wait_for 5 test -e "$XS_TMP/l8082.ready" -a -e "$XS_TMP/odd.ready" ||
	{ fail scanloss_setup "the listeners did not start"; xs_done; }

SCAN=(scan -i "$CLI_IF" --netns "$CLI_NS" -q)

# sockets STATE PORT: server sockets on PORT in STATE (ss state filter).
sockets() {
	ip netns exec "$SRV_NS" ss -Htan state "$1" "( sport = :$2 )" | wc -l
}
# nopen FILE: open results in an ndjson file.
nopen() { grep -c '"state":"open"' "$1"; }
# sports FILE: "ip port sport" lines, sorted.
sports() {
	"$XS_PY" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if "sport" in o:
        print(o["ip"], o["port"], o["sport"])' "$1" | sort
}
# summary FIELD: a field of the last run's JSON summary (--json, stdout).
summary() {
	"$XS_PY" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("event") == "summary":
        print(o[sys.argv[2]])' "$RUN_OUT" "$1"
}
# once: open + closed + filtered + silent == sent in the last summary.
once() {
	local o c f s n
	o=$(summary open) c=$(summary closed) f=$(summary filtered)
	s=$(summary silent) n=$(summary sent)
	[ -n "$o" ] && [ -n "$c" ] && [ -n "$f" ] && [ -n "$s" ] &&
		[ "$((o + c + f + s))" = "$n" ]
}

# ---------------------------------------------- banner mode, silent servers
xs_run banner_idle "${SCAN[@]}" $BLOCK.1-$BLOCK.4 -p 8080 --banner \
	-o "$XS_TMP/banner_idle.ndjson"
n=$(grep -c '"state":"open".*"banner":""' "$XS_TMP/banner_idle.ndjson")
check banner_silent_reported "exit $XS_RC, $n of 4 open results with an empty banner (defaults: --banner-timeout 3 s, --wait 2 s)" \
	test "$XS_RC" = 0 -a "$n" = 4
check banner_silent_closed "$(sockets established 8080) server sockets left ESTABLISHED" \
	xs_wait_for 2 test "$(sockets established 8080)" = 0

# --------------------------------------------------------------- --close fin
cap_start "$SRV_NS" "$SRV_IF" "tcp port 8081"
xs_run closefin "${SCAN[@]}" $BLOCK.1-$BLOCK.4 -p 8081 --close fin --wait 1 \
	-o "$XS_TMP/closefin.ndjson"
CAP_FIN=$CAP_FILE
cap_stop
left=$(($(sockets last-ack 8081) + $(sockets close-wait 8081) + $(sockets established 8081)))
check closefin_server_closed "exit $XS_RC, $(nopen "$XS_TMP/closefin.ndjson") open; $left server sockets left in LAST-ACK/CLOSE-WAIT/ESTABLISHED" \
	test "$XS_RC" = 0 -a "$(nopen "$XS_TMP/closefin.ndjson")" = 4 -a "$left" = 0
# Each server FIN got our ACK of it: ack = its sequence + 1.
acked=$(cap_fields "$CAP_FIN" | awk -v c="$CLI_IP" '
	$4 != c && $8 ~ /F/ {
		v = $9 + 1; if (v >= 4294967296) v -= 4294967296
		fin[$4 " " $7] = sprintf("%.0f", v) }
	$4 == c && $8 == "." { ack[$6 " " $5 " " $10] = 1 }
	END { for (k in fin) { split(k, a, " "); if ((a[1] " " a[2] " " fin[k]) in ack) n++ } print n + 0 }')
check closefin_fin_acked "$acked of 4 server FINs acknowledged" test "$acked" = 4

xs_run closefin_never "${SCAN[@]}" $BLOCK.1-$BLOCK.4 -p 8082 --close fin \
	--timeout 300 --wait 1 -o "$XS_TMP/closefin_never.ndjson"
left=$(($(sockets close-wait 8082) + $(sockets established 8082)))
check closefin_rst_fallback "exit $XS_RC, $(nopen "$XS_TMP/closefin_never.ndjson") open; $left sockets of a server that never closes left in CLOSE-WAIT/ESTABLISHED" \
	test "$XS_RC" = 0 -a "$(nopen "$XS_TMP/closefin_never.ndjson")" = 4 -a "$left" = 0

# ------------------------------------------------- timestamps on the wire
# Every segment of ours after the SYN but RSTs: a TS option, echoing.
ts_missing() {
	cap_text "$1" | awk -v c="$CLI_IP" '
		index($0, ": " c ".") && !/Flags \[S\]/ && !/Flags \[R/ {
			n++; if (!/TS val [0-9]+ ecr [1-9]/) bad++ }
		END { print (n + 0) " " (bad + 0) }'
}
read -r nseg nbad <<<"$(ts_missing "$CAP_FIN")"
check ts_on_ack_fin "$nbad of our $nseg ACK/FIN segments lack a timestamp" \
	test "$nseg" -ge 8 -a "$nbad" = 0
cap_start "$SRV_NS" "$SRV_IF" "tcp port 8086"
xs_run ts_data "${SCAN[@]}" $BLOCK.1-$BLOCK.2 -p 8086 --banner \
	--payload 'HEAD / HTTP/1.0\r\n\r\n' --banner-timeout 500 --wait 1 \
	-o "$XS_TMP/ts_data.ndjson"
cap_stop
read -r nseg nbad <<<"$(ts_missing "$CAP_FILE")"
ndata=$(cap_fields "$CAP_FILE" | awk -v c="$CLI_IP" '$4 == c && $16 > 0' | wc -l)
check ts_on_data "$nbad of our $nseg ACK/data segments lack a timestamp ($ndata with data)" \
	test "$ndata" = 2 -a "$nbad" = 0

# ---------------------------------------------------------------- rescans
# rescan NAME ARGS...: two scans in a row of .1-.4; the second finds all 4.
rescan() {
	local name=$1
	shift
	xs_run "${name}_1" "${SCAN[@]}" $BLOCK.1-$BLOCK.4 "$@" -o "$XS_TMP/${name}_1.ndjson"
	xs_run "${name}_2" "${SCAN[@]}" $BLOCK.1-$BLOCK.4 "$@" -o "$XS_TMP/${name}_2.ndjson"
	check "rescan_$name" "exit $XS_RC $(first_error); open on the first run $(nopen "$XS_TMP/${name}_1.ndjson"), on the second $(nopen "$XS_TMP/${name}_2.ndjson"), want 4 and 4" \
		test "$XS_RC" = 0 -a "$(nopen "$XS_TMP/${name}_1.ndjson")" = 4 -a \
		"$(nopen "$XS_TMP/${name}_2.ndjson")" = 4
}
# challenge NAME: the first scan leaves every connection ESTABLISHED on the
# server (8080 holds them, reading), the second, with the same seed, reuses
# every 4-tuple.
challenge() {
	local name=$1
	xs_run "${name}_1" "${SCAN[@]}" $BLOCK.1-$BLOCK.4 -p 8080 --close none \
		--seed 99 --wait 1 -o "$XS_TMP/${name}_1.ndjson"
	xs_run "${name}_2" "${SCAN[@]}" $BLOCK.1-$BLOCK.4 -p 8080 --close fin \
		--seed 99 --wait 1 --json
	sports "$XS_TMP/${name}_1.ndjson" >"$XS_TMP/${name}_1.sp"
	sports "$RUN_OUT" >"$XS_TMP/${name}_2.sp"
	check "rescan_${name}_challenge_ack" "exit $XS_RC $(first_error); second run: $(summary open) open, $(summary challenges) challenge ACKs answered; same ports: $(cmp -s "$XS_TMP/${name}_1.sp" "$XS_TMP/${name}_2.sp" && echo yes)" \
		test "$XS_RC" = 0 -a "$(summary open)" = 4 -a \
		"$(summary challenges)" -ge 1 -a -s "$XS_TMP/${name}_1.sp"
	check "rescan_${name}_same_seed_same_ports" "one --seed gave other source ports" \
		cmp -s "$XS_TMP/${name}_1.sp" "$XS_TMP/${name}_2.sp"
}
rescan fin -p 8081 --close fin --wait 1
rescan banner -p 8080 --banner --banner-timeout 500 --wait 1
# Source ports are keyed by the run's seed: two random seeds, other ports.
same=$(comm -12 <(sports "$XS_TMP/fin_1.ndjson") <(sports "$XS_TMP/fin_2.ndjson") | wc -l)
check rescan_sports_differ "$same of 4 4-tuples reused by a second scan" test "$same" -lt 4
# One --seed: the shards use the ports of the unsharded scan.
for sh in 0 1 2; do
	xs_run "shard$sh" "${SCAN[@]}" $BLOCK.1-$BLOCK.6 -p 8081 --close fin \
		--seed 42 --wait 1 $([ $sh = 0 ] || echo --shard $sh/2) \
		-o "$XS_TMP/shard$sh.ndjson"
	sports "$XS_TMP/shard$sh.ndjson" >"$XS_TMP/shard$sh.sp"
done
sort "$XS_TMP/shard1.sp" "$XS_TMP/shard2.sp" >"$XS_TMP/shards.sp"
check rescan_shards_same_ports "the shards' source ports differ from the full scan's with the same --seed" \
	sh -c "[ \$(wc -l <'$XS_TMP/shard0.sp') = 6 ] && cmp -s '$XS_TMP/shard0.sp' '$XS_TMP/shards.sp'"
challenge plain
xs_run load load -i "$CLI_IF" --netns "$CLI_NS" --ports "$XS_PORT_LO-$XS_PORT_HI"
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
if [ "$XS_RC" = 0 ]; then
	rescan fin_loaded -p 8081 --close fin --wait 1
	rescan banner_loaded -p 8080 --banner --banner-timeout 500 --wait 1
	challenge loaded
	xs_run unload unload -i "$CLI_IF" --netns "$CLI_NS"
else
	fail rescan_loaded "xdpshake load failed (exit $XS_RC): $(first_error)"
fi

# ------------------------------------- retries on the wire, one outcome each
cap_start "$SRV_NS" "$SRV_IF" "tcp dst port 8083"
xs_run retries "${SCAN[@]}" $BLOCK.9 -p 8083 --retries 3 --timeout 300 \
	--wait 1 --json
cap_stop
nsyn=$(cap_fields "$CAP_FILE" | awk '$8 == "S"' | wc -l)
check retries_all_sent "$nsyn SYNs on the wire for --retries 3, want 4" test "$nsyn" = 4
check retries_counted_once "exit $XS_RC; sent $(summary sent), silent $(summary silent), open $(summary open), closed $(summary closed); want 1 silent, each probe once" \
	sh -c "[ '$XS_RC' = 0 ] && [ '$(summary silent)' = 1 ] && [ '$(summary retransmits)' = 3 ]"
check retries_sum "open + closed + filtered + silent != sent" once
xs_run retries_text scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.9 -p 8083 \
	--retries 0 --timeout 100 --wait 0
check retries_text_summary "the text summary does not say '0 filtered, 0 unreachable, 1 silent': $(tail -n 2 "$RUN_ERR" | tr '\n' ' ')" \
	grep -q ' 0 filtered, 0 unreachable, 1 silent' "$RUN_ERR"

# A SYN-ACK 1.5 s after the first SYN: after the last retry (300 ms), within
# --wait 3.  Reported, once, and counted open, not silent.
xs_run late "${SCAN[@]}" $BLOCK.10 -p 7003 --retries 1 --timeout 300 \
	--wait 3 --json
check late_synack_reported "exit $XS_RC; $(nopen "$RUN_OUT") open results, summary open $(summary open) silent $(summary silent)" \
	test "$XS_RC" = 0 -a "$(nopen "$RUN_OUT")" = 1 -a "$(summary open)" = 1 -a "$(summary silent)" = 0
check late_counted_once "open + closed + filtered + silent != sent" once

# -------------------------------------------------- duplicate SYN-ACKs
# Our ACK and RST never reach 8084: the kernel retransmits its SYN-ACK
# (about 1 s and 3 s later), inside the 1.5 s grace and after it.  The
# dropped 8083 keeps the run going for its --wait 5.
cap_start "$SRV_NS" "$SRV_IF" "tcp port 8084"
xs_run dup "${SCAN[@]}" $BLOCK.1 $BLOCK.1 $BLOCK.1-$BLOCK.2 -p 8083,8084 \
	--retries 0 --timeout 1500 --wait 5 -o "$XS_TMP/dup.ndjson"
cap_stop
"$XS_PY" -c '
import json, sys
seen = [(o["ip"], o["port"]) for o in map(json.loads, open(sys.argv[1]))]
print(len(seen), len(set(seen)))' "$XS_TMP/dup.ndjson" >"$XS_TMP/dup.n"
read -r nres nuniq <"$XS_TMP/dup.n"
check dup_reported_once "$nres results for $nuniq (target, port), want 2 and 2" \
	test "$nres" = 2 -a "$nuniq" = 2
cap_fields "$CAP_FILE" | awk -v c="$CLI_IP" '
	$4 != c && $8 == "S." { sa[$4]++ }
	$4 == c && $8 == "." { ack[$6]++ }
	$4 == c && $8 ~ /^R/ { rst[$6]++ }
	END { for (h in sa) print h, sa[h], ack[h] + 0, rst[h] + 0 }' >"$XS_TMP/dup.flow"
bad=$(awk '$2 < 2 || $3 != 1 || $4 < $2' "$XS_TMP/dup.flow" | wc -l)
check dup_synack_gets_rst "per server: SYN-ACKs, our bare ACKs, our RSTs: $(tr '\n' ';' <"$XS_TMP/dup.flow") (want >= 2 SYN-ACKs, 1 ACK, an RST for each SYN-ACK)" \
	test "$bad" = 0 -a "$(wc -l <"$XS_TMP/dup.flow")" = 2

# ------------------------------------------------------ odd SYN-ACK options
xs_run odd "${SCAN[@]}" $BLOCK.11 -p 7001,7002 --retries 0 --timeout 500 \
	--wait 1 --json
"$XS_PY" - "$RUN_OUT" >"$XS_TMP/odd.chk" 2>&1 <<'PYEOF'
import json, sys
res, summ = {}, None
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("event") == "summary":
        summ = o
    elif "port" in o:
        res[o["port"]] = o
span_us = summ["duration_s"] * 1e6
a, b = res.get(7001), res.get(7002)
assert a and a["state"] == "open", "7001: %r" % a
assert a["wscale"] == 15, "wscale printed as %r, the option said 15" % a["wscale"]
assert 0 <= a["rtt_us"] <= span_us, \
    "rtt_us %r from a TSecr we never sent (the run took %d us)" % (a["rtt_us"], span_us)
assert "options_malformed" not in a, a
assert b and b["state"] == "open", "7002 (option of length 0) not open: %r" % b
assert b.get("options_malformed") is True, b
assert b["mss"] == 1460 and b["wscale"] == 7, b
PYEOF
check odd_synack_options "exit $XS_RC; $(tail -n 1 "$XS_TMP/odd.chk")" \
	test "$XS_RC" = 0 -a ! -s "$XS_TMP/odd.chk"

# connect after retransmissions: the SYN-ACK (1.5 s after the first SYN)
# may answer any of the SYNs, and connect says it cannot tell which.
xs_run karn connect -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.12:7003 \
	--timeout 300 --retries 3
check connect_karn "exit $XS_RC: $(grep -m 1 '^established' "$RUN_OUT")" \
	grep -q 'after the last of [2-4] SYNs sent, which of them it answers cannot be told' "$RUN_OUT"

xs_done
