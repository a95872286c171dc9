#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The scan engine counts every segment it sends: its --json summary's
# sent + retransmits, acks_sent, rsts_sent, fins_sent and data_sent equal
# the SYNs, bare ACKs, RSTs, FINs and payload segments from our address on
# the server's wire (tcpdump there).  Three scans against one server:
#   --banner --payload: port 2222 sends a banner (ACK, payload, RST once
#     the banner is in), port 80 stays silent (ACK, payload, RST at
#     --banner-timeout), port 81 is closed (SYN only);
#   --close fin: ACK and FIN for each open port, then an ACK for what the
#     server sends before and with its FIN (2222: its banner and its FIN,
#     80: its FIN), 5 ACKs in all;
#   --syn-only: an RST for each SYN-ACK.
. "$(dirname "$0")/lib.sh"
xs_init etx
xs_need_bin

topo_pair 10.57.0.1 10.57.0.2
# Loaded for the whole test, so that the TC guard also drops what the
# kernel sends for our ports after a scan ends (an RST for the server's FIN
# retransmitted after --close fin): only the engine's segments reach the wire.
xs_unload_at_exit "$CLI_NS" "$CLI_IF"
xs_run load load -i "$CLI_IF" --netns "$CLI_NS" --ports "$XS_PORT_LO-$XS_PORT_HI"
if [ "$XS_RC" -ne 0 ]; then
	fail load "exit $XS_RC: $(first_error)"
	xs_done
fi
srv_start "$SRV_NS" "$SRV_IP" 2222 --banner "SSH-2.0-xdpshake-test" \
	--hold 3000 --count 100 --timeout "$XS_SRV_LIFE_MS"
srv_start "$SRV_NS" "$SRV_IP" 80 --hold 3000 --count 100 \
	--timeout "$XS_SRV_LIFE_MS"

# wire_counts FILE: "S A R F P" for the segments from us in the capture:
# SYNs, ACKs with no payload and no other flag, RSTs, FINs, payload segments.
wire_counts() {
	cap_fields "$1" | awk -v ip="$CLI_IP" '
		$4 != ip { next }
		$8 ~ /S/ { s++ } $8 ~ /R/ { r++ } $8 ~ /F/ { f++ }
		$16 > 0 { p++ }
		$8 == "." && $16 == 0 { a++ }
		END { printf "%d %d %d %d %d\n", s, a, r, f, p }'
}

# engine_counts FILE: the same five from the --json summary.
engine_counts() {
	"$XS_PY" -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("event") == "summary":
        print(o["sent"] + o["retransmits"], o["acks_sent"], o["rsts_sent"],
              o["fins_sent"], o["data_sent"])' "$1"
}

# tx_case NAME WANT_WIRE SCAN_ARGS...: scan with a capture on the server's
# side; the wire must hold WANT_WIRE ("S A R F P") and the counters agree.
tx_case() {
	local name=$1 want=$2 wire eng
	shift 2
	xs_want "$name" || return 0
	cap_start "$SRV_NS" "$SRV_IF" "tcp and src host $CLI_IP"
	xs_run "$name" scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -q --json \
		--retries 0 --timeout 1000 -o "$XS_TMP/$name.ndjson" "$@"
	cap_stop
	wire=$(wire_counts "$CAP_FILE")
	eng=$(engine_counts "$RUN_OUT")
	if [ "$XS_RC" = 0 ] && [ "$wire" = "$want" ] && [ "$eng" = "$wire" ]; then
		pass "$name"
	else
		fail "$name" "exit $XS_RC; on the wire (S A R F P) '$wire', want '$want'; counted '$eng'"
		show_cap "$CAP_FILE"
		xs_show_run
	fi
}

# Each scan from its own source ports: the server may still hold the
# previous scan's connections (--hold), and a SYN on one of their 4-tuples
# gets a challenge ACK, not a SYN-ACK.
tx_case engine_tx_banner "3 2 2 0 2" -p 80,81,2222 --sports 61100-61199 \
	--banner --payload 'hi\r\n' --banner-timeout 500 --wait 2
tx_case engine_tx_close_fin "2 5 0 2 0" -p 80,2222 --sports 61200-61299 \
	--close fin --wait 1
tx_case engine_tx_syn_only "3 0 2 0 0" -p 80,81,2222 --sports 61300-61399 \
	--syn-only --wait 1
xs_done
