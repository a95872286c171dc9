#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue test 4: the ways a handshake does not happen, and their exit codes.
#
#   closed port                         -> 2 (refused: the server's RST)
#   port dropped by nft in the server   -> 3 (no answer after the retries),
#                                          retries+1 SYNs, one ISN, backoff
#   (under --json both in strict JSON, with rtt_us and handshake_us null
#   where they were not measured)
#   bad address, unknown interface,
#   port 70000, bad option values       -> 1 (usage/configuration), and
#                                          under --json a valid JSON error
#                                          object even for a non-UTF-8 token
#   namespace that does not exist       -> 1 or 4, as the CLI documents
# and none of them leaves a program or a pin behind.
. "$(dirname "$0")/lib.sh"

xs_init fl
xs_need_bin

topo_pair

# -------------------------------------------------------- closed port -> 2
SPORT=$((XS_PORT_LO + 300))
cap_start "$SRV_NS" "$SRV_IF"
xs_run refused connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:9" \
	--sport "$SPORT" --timeout 500 --retries 1 --json
cap_stop
res=$(json_result "$RUN_OUT" result)
if [ "$XS_RC" -eq 2 ]; then
	pass closed_port_exit_2
	echo "# result: $res"
else
	fail closed_port_exit_2 "connect to a closed port exited $XS_RC, want 2"
	xs_show_run
	show_cap "$CAP_FILE"
fi
# The --json output parses strictly; a refusal measured the time to the
# RST (rtt_us) but no handshake (handshake_us null, not 0).
if json_valid "$RUN_OUT" &&
	[ "$(json_result "$RUN_OUT" handshake_us)" = None ] &&
	"$XS_PY" -c 'import sys; sys.exit(not float(sys.argv[1]) > 0)' \
		"$(json_result "$RUN_OUT" rtt_us)" 2>/dev/null; then
	pass refused_json_strict
else
	fail refused_json_strict "want strict JSON lines, a result with rtt_us > 0 and handshake_us null"
	xs_show_run
fi
# Refused at the first SYN: one SYN on the wire, answered by the RST.
cap_flow "$CAP_FILE" "$CLI_IP" "$SPORT" "$SRV_IP" 9 >"$XS_TMP/flow_refused.txt"
if [ "$(awk '$8 == "S"' "$XS_TMP/flow_refused.txt" | wc -l)" -eq 1 ] &&
	awk -v s="$SRV_IP" '$4 == s && $8 ~ /R/' "$XS_TMP/flow_refused.txt" | grep -q .; then
	pass closed_port_one_syn_one_rst
else
	fail closed_port_one_syn_one_rst "want exactly one SYN and the server's RST"
	show_cap "$CAP_FILE"
fi
if xs_clean "$CLI_NS" "$CLI_IF"; then
	pass refused_leaves_nothing
else
	fail refused_leaves_nothing "left behind after exit 2"
	show "attached" "$XS_TMP/attached.txt"
fi

# ------------------------------------------- silently dropped port -> 3
# An nft rule in the server's namespace only: SYNs to DROP_PORT vanish.
DROP_PORT=9999
SPORT=$((XS_PORT_LO + 301))
TIMEOUT_MS=200
RETRIES=2
ip netns exec "$SRV_NS" nft -f - <<EOF
table inet xs_test {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport $DROP_PORT drop
	}
}
EOF
cap_start "$SRV_NS" "$SRV_IF"
t0=$(date +%s%N)
xs_run dropped connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:$DROP_PORT" \
	--sport "$SPORT" --timeout "$TIMEOUT_MS" --retries "$RETRIES" --json
t1=$(date +%s%N)
cap_stop
elapsed_ms=$(((t1 - t0) / 1000000))
if [ "$XS_RC" -eq 3 ]; then
	pass dropped_port_exit_3
	echo "# gave up after ${elapsed_ms} ms: $(json_result "$RUN_OUT" result)"
else
	fail dropped_port_exit_3 "connect to a dropped port exited $XS_RC after ${elapsed_ms} ms, want 3"
	xs_show_run
fi
# Nothing answered, so nothing was measured: rtt_us and handshake_us are
# null, not 0.000 (issue 11), in strict JSON.
if json_valid "$RUN_OUT" &&
	[ "$(json_result "$RUN_OUT" rtt_us)/$(json_result "$RUN_OUT" handshake_us)" = None/None ]; then
	pass dropped_json_rtt_null
else
	fail dropped_json_rtt_null "want strict JSON lines and rtt_us/handshake_us null, got $(json_result "$RUN_OUT" rtt_us)/$(json_result "$RUN_OUT" handshake_us)"
	xs_show_run
fi

# retries+1 SYNs, all with the same ISN (the keyed hash of the 4-tuple),
# spaced by a growing timeout (exponential backoff: 200, 400 ms).  Lower
# bounds only (80% of each nominal gap, for the capture's timestamps): each
# deadline is set when its SYN leaves, so a busy machine can only make a gap
# longer; a timeout that does not grow gives a second gap of 200 ms.
cap_flow "$CAP_FILE" "$CLI_IP" "$SPORT" "$SRV_IP" "$DROP_PORT" |
	awk '$8 == "S"' >"$XS_TMP/syns.txt"
nsyn=$(wc -l <"$XS_TMP/syns.txt")
nseq=$(awk '{print $9}' "$XS_TMP/syns.txt" | sort -u | wc -l)
if [ "$nsyn" -eq $((RETRIES + 1)) ] && [ "$nseq" -eq 1 ]; then
	pass dropped_port_retransmits
else
	fail dropped_port_retransmits "$nsyn SYNs with $nseq distinct ISNs, want $((RETRIES + 1)) with 1"
	show_cap "$CAP_FILE"
fi
gaps=$(awk 'NR > 1 { printf "%d ", ($1 - prev) * 1000 } { prev = $1 }' "$XS_TMP/syns.txt")
read -r g1 g2 _ <<<"$gaps"
if [ -n "${g2:-}" ] && [ "$g1" -ge $((TIMEOUT_MS * 8 / 10)) ] &&
	[ "$g2" -ge $((TIMEOUT_MS * 2 * 8 / 10)) ]; then
	pass dropped_port_backoff
	echo "# SYN gaps (ms): $gaps"
else
	fail dropped_port_backoff "gaps between SYNs '${gaps}' ms, want >= $((TIMEOUT_MS * 8 / 10)) then >= $((TIMEOUT_MS * 16 / 10)) (doubling)"
fi
syns_json=$(json_result "$RUN_OUT" syns_sent)
if [ "$syns_json" = "$nsyn" ]; then
	pass dropped_port_json_syns
else
	fail dropped_port_json_syns "result says syns_sent=${syns_json:-?}, the wire shows $nsyn"
fi
if xs_clean "$CLI_NS" "$CLI_IF"; then
	pass noanswer_leaves_nothing
else
	fail noanswer_leaves_nothing "left behind after exit 3"
	show "attached" "$XS_TMP/attached.txt"
fi

# -------------------------------------------------------- usage errors -> 1
# usage_case NAME WANT_CODES ARGS...: exit code in WANT_CODES (e.g. "1" or
# "1 4"), and one message on stderr.
usage_case() {
	local name=$1 want=$2 w ok=
	shift 2
	xs_run "$name" "$@"
	for w in $want; do [ "$XS_RC" -eq "$w" ] && ok=1; done
	if [ -z "$ok" ]; then
		fail "$name" "exited $XS_RC, want ${want// / or }: xdpshake $*"
		xs_show_run
	elif ! grep -q . "$RUN_ERR"; then
		fail "$name" "exit $XS_RC but no message on stderr: xdpshake $*"
	else
		pass "$name"
		echo "#   $(first_error)"
	fi
}
C=(connect -i "$CLI_IF" --netns "$CLI_NS")
usage_case usage_bad_address 1 "${C[@]}" 10.11.0.300:80
usage_case usage_not_ip_port 1 "${C[@]}" "$SRV_IP"
usage_case usage_port_70000 1 "${C[@]}" "$SRV_IP:70000"
usage_case usage_port_0 1 "${C[@]}" "$SRV_IP:0"
usage_case usage_unknown_interface 1 connect -i xsnosuch0 --netns "$CLI_NS" "$SRV_IP:80"
usage_case usage_sport_70000 1 "${C[@]}" "$SRV_IP:80" --sport 70000
usage_case usage_bad_close 1 "${C[@]}" "$SRV_IP:80" --close maybe
usage_case usage_no_destination 1 "${C[@]}"
usage_case usage_unknown_option 1 "${C[@]}" "$SRV_IP:80" --no-such-option
usage_case missing_netns "1 4" connect -i "$CLI_IF" --netns "xs-$XS_TEST-$$-absent" "$SRV_IP:80"
usage_case missing_netns_path "1 4" connect -i "$CLI_IF" --netns /proc/999999999/ns/net "$SRV_IP:80"

# Options that do not go together, and numbers that are not decimal: each
# an error naming the options or the token (these used to be resolved
# silently: last wins, ignored, or read as octal/hex).
S=(scan -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP" -p 80 --wait 0)
usage_case usage_syn_only_banner 1 "${S[@]}" --syn-only --banner
usage_case usage_banner_timeout_alone 1 "${S[@]}" --banner-timeout 500
usage_case usage_syn_only_close 1 "${S[@]}" --syn-only --close fin
usage_case usage_status_count_alone 1 status --count 3
usage_case usage_sports_octal_hex 1 "${S[@]}" --sports 0x10-0x20
usage_case usage_port_hex 1 "${C[@]}" "$SRV_IP:0x50"
usage_case usage_rate_hex 1 "${S[@]}" --rate 0x10
usage_case usage_watch_negative 1 status -i "$CLI_IF" --netns "$CLI_NS" --watch -1

# connect: an error names both options (or the token) in one line, with
# the pointer to the help, not the whole usage.  --concurrency, --sports
# and the rest of the load test used to be ignored without --count (a
# plain handshake ran), --mss was ignored under --no-options, and --sport
# beside --count was refused only after the namespace was entered.
# usage_line NAME WANT... -- ARGS: exit 1, one line on stderr holding every
# WANT and "see 'xdpshake connect -h'".
usage_line() {
	local name=$1 w ok=1 want=()
	shift
	while [ "$1" != -- ]; do want+=("$1"); shift; done
	shift
	xs_run "$name" "$@"
	[ "$XS_RC" -eq 1 ] && [ "$(wc -l <"$RUN_ERR")" -eq 1 ] || ok=
	for w in "${want[@]}" "see 'xdpshake connect -h'"; do
		grep -qF -- "$w" "$RUN_ERR" || ok=
	done
	if [ -n "$ok" ]; then
		pass "$name"
		echo "#   $(first_error)"
	else
		fail "$name" "exit $XS_RC, want 1 and one line naming ${want[*]}: xdpshake $*"
		xs_show_run
	fi
}
usage_line usage_concurrency_alone --concurrency --count -- \
	"${C[@]}" "$SRV_IP:9" --concurrency 5
usage_line usage_sports_alone --sports --count -- \
	"${C[@]}" "$SRV_IP:9" --sports 61000-61010
usage_line usage_count_sport --sport --count -- \
	"${C[@]}" "$SRV_IP:9" --count 5 --sport 61000
usage_line usage_mss_no_options --mss --no-options -- \
	"${C[@]}" "$SRV_IP:9" --mss 1000 --no-options
usage_line usage_connect_unknown "'--no-such-option'" -- \
	"${C[@]}" "$SRV_IP:9" --no-such-option
usage_line usage_connect_missing "'--timeout'" -- "${C[@]}" "$SRV_IP:9" --timeout
usage_line usage_connect_retries_11 "--retries" "0 to 10" -- \
	"${C[@]}" "$SRV_IP:9" --retries 11
usage_case usage_seed_negative 1 "${S[@]}" --seed -1

# --mss above what an AF_XDP frame holds: cut to that, with one warning
# line naming the value and the cap, and the SYN carries the cap.
xs_run mss_capped "${C[@]}" "$SRV_IP:9" --mss 9000 --timeout 500 --retries 0 --json
syn_mss=$("$XS_PY" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("event") == "packet" and o.get("dir") == "sent":
        print(o["tcp"]["options"].get("mss")); break
' "$RUN_OUT" 2>/dev/null)
if [ "$XS_RC" -eq 2 ] && [ "$(wc -l <"$RUN_ERR")" -eq 1 ] &&
	grep -q -- "--mss 9000 .*MSS $syn_mss\$" "$RUN_ERR" &&
	[ "${syn_mss:-9000}" -lt 9000 ] 2>/dev/null; then
	pass mss_capped_with_warning
	echo "#   $(cat "$RUN_ERR")"
else
	fail mss_capped_with_warning "exit $XS_RC (want 2), SYN's MSS '${syn_mss}' (want below 9000, named in one warning)"
	xs_show_run
fi

# getopt's own errors under --json: one strict JSON error object on stdout
# (unknown option, missing value), one line on stderr, no usage dump.
json_usage_ok() {
	"$XS_PY" -c '
import json, sys
lines = open(sys.argv[1], "rb").read().splitlines()
o = json.loads(lines[0].decode("utf-8")) if len(lines) == 1 else {}
sys.exit(0 if o.get("event") == "error" and o.get("exit_code") == 1 and
         sys.argv[2] in o.get("error", "") else 1)
' "$1" "$2" 2>/dev/null
}
for c in "unknown:--no-such-option:--no-such-option:S" "missing:--timeout:--timeout:S" \
	"connect_unknown:--no-such-option:--no-such-option:C" \
	"connect_missing:--timeout:--timeout:C"; do
	IFS=: read -r n opt want cmd <<<"$c"
	if [ "$cmd" = C ]; then
		xs_run "usage_json_$n" --json "${C[@]}" "$SRV_IP:9" $opt
	else
		xs_run "usage_json_$n" --json "${S[@]}" $opt
	fi
	if [ "$XS_RC" -eq 1 ] && json_usage_ok "$RUN_OUT" "$want" &&
		[ "$(wc -l <"$RUN_ERR")" -eq 1 ]; then
		pass "usage_json_$n"
	else
		fail "usage_json_$n" "exit $XS_RC, want 1, one JSON error object naming $want and one line on stderr"
		xs_show_run
	fi
done

# --json after the bad option counts too: getopt stops at the first error,
# so the object must not depend on where --json stands in argv.
for c in "unknown:--no-such-option" "range:--retries=99"; do
	IFS=: read -r n opt <<<"$c"
	xs_run "usage_json_after_$n" "${S[@]}" $opt --json
	if [ "$XS_RC" -eq 1 ] && json_usage_ok "$RUN_OUT" "${opt%%=*}" &&
		[ "$(wc -l <"$RUN_ERR")" -eq 1 ]; then
		pass "usage_json_after_$n"
	else
		fail "usage_json_after_$n" "exit $XS_RC, want 1, one JSON error object naming ${opt%%=*} although --json comes after it"
		xs_show_run
	fi
done

# --json: the error object names the token and is valid JSON whatever bytes
# the token holds (0xFF is not UTF-8: it becomes U+FFFD, the object stays
# strict UTF-8 JSON).  Parsed from bytes, so the locale cannot relax it.
json_error_ok() {
	"$XS_PY" -c '
import json, sys
lines = open(sys.argv[1], "rb").read().splitlines()
o = json.loads(lines[0].decode("utf-8")) if len(lines) == 1 else {}
sys.exit(0 if o.get("event") == "error" and o.get("exit_code") == 1 and
         "10.11.0.\ufffd:80" in o.get("error", "") else 1)
' "$1" 2>/dev/null
}
xs_run usage_json_bad_byte --json "${C[@]}" $'10.11.0.\xff:80'
if [ "$XS_RC" -eq 1 ] && json_error_ok "$RUN_OUT"; then
	pass usage_json_error_not_utf8
else
	fail usage_json_error_not_utf8 "exit $XS_RC, want 1 and one strict-UTF-8 JSON error object naming the token"
	xs_show_run
fi
if xs_clean "$CLI_NS" "$CLI_IF"; then
	pass usage_errors_leave_nothing
else
	fail usage_errors_leave_nothing "left behind after the usage errors"
	show "attached" "$XS_TMP/attached.txt"
fi

xs_done
