#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 11: scan outputs that real consumers read.
#   A /28 of server addresses (AnyIP route in the server namespace):
#     port 80 open on .0-.9, dropped (nft) on .10-.15;  port 81 closed.
#   One scan writes -oX, -oG, -oJ, -oD, -oL and -o csv at once; each file
#   is read by a consumer that is not ours and gives exactly the expected
#   (ip, port, state) set:  nmap's DTD (lxml) and xml.etree for -oX,
#   json.load for -oJ, json.loads per line for -oD, csv.DictReader for CSV,
#   the grepable "Ports:" lists, the masscan list between its header and
#   trailer.  nmap's ndiff reads two scans' XML: the same scan twice is no
#   difference; a port that opened in between (.3:81) is one.
#   CSV and ndjson carry the same fields with the same values; a banner
#   with quotes and a comma is quoted per RFC 4180 (no \x escapes).
#   --open, --output-fields (and a bad name refused, named), --append-output
#   (ndjson appended, one CSV header; -oX refused); -oJ FILE and -oL FILE
#   as options (not a file "J", not a target); a write error exits 6.
. "$(dirname "$0")/lib.sh"
xs_init outputs
xs_need_bin
for b in ndiff; do
	command -v $b >/dev/null || { fail outputs_deps "$b not installed (make deps)"; xs_done; }
done

BLOCK=10.201.0
topo_pair 10.42.0.1 10.42.0.2
ip -n "$SRV_NS" route add local $BLOCK.0/28 dev lo
ip -n "$CLI_NS" route add $BLOCK.0/28 via "$SRV_IP"
ip netns exec "$SRV_NS" nft -f - <<EOF
table inet xs_outputs_test {
	chain input {
		type filter hook input priority 0;
		ip daddr $BLOCK.10-$BLOCK.15 tcp dport 80 drop
	}
}
EOF
srv_start "$SRV_NS" 0.0.0.0 80 --backlog 256 --count 100000 \
	--timeout "$XS_SRV_LIFE_MS"

{
	for i in $(seq 0 9); do echo "$BLOCK.$i 80 open"; done
	for i in $(seq 0 15); do echo "$BLOCK.$i 81 closed"; done
} | sort >"$XS_TMP/want.txt"
grep ' open$' "$XS_TMP/want.txt" >"$XS_TMP/want_open.txt"

SCAN=(scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.0/28 -p 80-81 --rate 20000
	--retries 1 --timeout 300 --wait 1 -q --seed 7)
O=$XS_TMP
xs_run all "${SCAN[@]}" -oX "$O/a.xml" -oG "$O/a.gnmap" -oJ "$O/a.json" \
	-oD "$O/a.ndjson" -oL "$O/a.list" -o "$O/a.csv" --format csv
check outputs_all_exit0 "exit $XS_RC: $(head -c 300 "$RUN_ERR")" test "$XS_RC" = 0
# The start line (stderr, under -q too): the whole set, and a shard's part.
check outputs_start_line "stderr: $(head -c 300 "$RUN_ERR")" \
	grep -qx 'Scanning 16 hosts × 2 ports = 32 probes, rate 20000/s, shard 1/1, seed 7' "$RUN_ERR"
xs_run shard "${SCAN[@]}" --shard 2/3 -oD "$O/shard.ndjson"
check outputs_start_line_shard "stderr: $(head -c 300 "$RUN_ERR")" \
	grep -qx 'Scanning 16 hosts × 2 ports = 32 probes, rate 20000/s, shard 2/3 (11 here), seed 7' "$RUN_ERR"

# read FORMAT FILE: the consumer's "ip port state" lines, sorted.
read_out() {
	"$XS_PY" - "$1" "$2" <<'EOF' | sort
import csv, json, re, sys
import xml.etree.ElementTree as ET
fmt, path = sys.argv[1], sys.argv[2]
if fmt == "xml":
    root = ET.parse(path).getroot()
    assert root.tag == "nmaprun"
    for h in root.findall("host"):
        ip = h.find("address").get("addr")
        for p in h.find("ports").findall("port"):
            print(ip, p.get("portid"), p.find("state").get("state"))
elif fmt == "json":
    for o in json.load(open(path)):
        print(o["ip"], o["port"], o["state"])
elif fmt == "ndjson":
    for line in open(path):
        o = json.loads(line)
        print(o["ip"], o["port"], o["state"])
elif fmt == "csv":
    for o in csv.DictReader(open(path, newline="", encoding="utf-8")):
        print(o["ip"], o["port"], o["state"])
elif fmt == "grep":
    for line in open(path):
        m = re.match(r"Host: (\S+) \(\)\tPorts: (.*)$", line)
        if m:
            for p in m.group(2).split(", "):
                f = p.split("/")
                print(m.group(1), f[0], f[1])
elif fmt == "list":
    lines = open(path).read().splitlines()
    assert lines[0] == "#masscan", lines[0]
    assert re.fullmatch(r"# end \d+", lines[-1]), lines[-1]
    for line in lines[1:-1]:
        st, proto, port, ip, t = line.split()[:5]
        assert proto == "tcp" and t.isdigit()
        print(ip, port, st)
EOF
}

for f in xml:a.xml grep:a.gnmap json:a.json ndjson:a.ndjson csv:a.csv list:a.list; do
	fmt=${f%%:*}
	read_out "$fmt" "$O/${f#*:}" >"$O/got_$fmt.txt" 2>"$O/got_$fmt.err"
	if cmp -s "$O/got_$fmt.txt" "$XS_TMP/want.txt"; then
		pass "outputs_${fmt}_exact_set"
	else
		fail "outputs_${fmt}_exact_set" "$(head -c 300 "$O/got_$fmt.err") diff: $(diff "$XS_TMP/want.txt" "$O/got_$fmt.txt" | head -4 | tr '\n' ' ')"
	fi
done

# The XML is valid under nmap's own DTD.
# (Debian's python3, where python3-lxml is installed.)
dtd=$(/usr/bin/python3 - "$O/a.xml" <<'EOF' 2>&1
import sys
from lxml import etree
dtd = etree.DTD("/usr/share/nmap/nmap.dtd")
doc = etree.parse(sys.argv[1])
print("valid" if dtd.validate(doc) else dtd.error_log.filter_from_errors()[:3])
EOF
)
check outputs_xml_nmap_dtd "not valid under nmap.dtd: $dtd" test "$dtd" = valid

# CSV and ndjson: the same fields and values (booleans true/false in both).
same=$("$XS_PY" - "$O/a.csv" "$O/a.ndjson" <<'EOF'
import csv, json, sys
rows = {(r["ip"], r["port"]): r for r in csv.DictReader(open(sys.argv[1], newline=""))}
hdr = next(csv.reader(open(sys.argv[1], newline="")))
ok = len(rows) == 26
for line in open(sys.argv[2]):
    o = json.loads(line)
    r = rows[(o["ip"], str(o["port"]))]
    for k in hdr:
        v = o.get(k)
        want = "" if v is None else ("true" if v is True else "false" if v is False else str(v))
        ok &= r[k] == want
    ok &= set(o) <= set(hdr)
print("same" if ok and "sport" in hdr else "differ: %s" % hdr)
EOF
)
check outputs_csv_same_fields_as_ndjson "$same" test "$same" = same

# ndiff: one scan against itself is no difference (exit 0, so it parsed
# both); then .3:81 opens, and the diff of the two scans shows it.
ndiff "$O/a.xml" "$O/a.xml" >"$O/ndiff_same.txt" 2>&1
nrc=$?
check outputs_ndiff_reads_xml "ndiff exit $nrc: $(head -c 300 "$O/ndiff_same.txt")" \
	test "$nrc" = 0
srv_start "$SRV_NS" $BLOCK.3 81 --count 100 --timeout "$XS_SRV_LIFE_MS"
xs_run second "${SCAN[@]}" -oX "$O/b.xml"
ndiff "$O/a.xml" "$O/b.xml" >"$O/ndiff.txt" 2>&1
nrc=$?
if [ "$nrc" = 1 ] && grep -q "^ *$BLOCK\.3:" "$O/ndiff.txt" &&
	grep -Eq '^-81/tcp +closed' "$O/ndiff.txt" &&
	grep -Eq '^\+81/tcp +open' "$O/ndiff.txt" &&
	[ "$(grep -c '^[-+][0-9]' "$O/ndiff.txt")" = 2 ]; then
	pass outputs_ndiff_sees_opened_port
else
	fail outputs_ndiff_sees_opened_port "ndiff exit $nrc (want 1)"
	show ndiff "$O/ndiff.txt"
fi
ndiff --xml "$O/a.xml" "$O/b.xml" >"$O/ndiff.xml" 2>&1
xd=$("$XS_PY" - "$O/ndiff.xml" <<'EOF' 2>&1
import sys
import xml.etree.ElementTree as ET
d = ET.parse(sys.argv[1]).getroot()
got = []
for hd in d.iter("hostdiff"):
    ip = hd.find(".//address").get("addr")
    for pd in hd.iter("portdiff"):
        a = pd.find("a/port/state").get("state")
        b = pd.find("b/port/state").get("state")
        got.append((ip, pd.find("a/port").get("portid"), a, b))
print(got)
EOF
)
check outputs_ndiff_xml_diff "ndiff --xml: $xd" \
	test "$xd" = "[('$BLOCK.3', '81', 'closed', 'open')]"

# --open: only the open ports, in every format.
xs_run open "${SCAN[@]}" --open -oD "$O/open.ndjson" -oX "$O/open.xml"
read_out ndjson "$O/open.ndjson" | grep -v "^$BLOCK.3 81 " >"$O/open_d.txt"
read_out xml "$O/open.xml" | grep -v "^$BLOCK.3 81 " >"$O/open_x.txt"
check outputs_open_only "--open: $(diff "$XS_TMP/want_open.txt" "$O/open_d.txt" | head -3 | tr '\n' ' ')" \
	sh -c "cmp -s '$XS_TMP/want_open.txt' '$O/open_d.txt' && cmp -s '$XS_TMP/want_open.txt' '$O/open_x.txt'"

# --output-fields: these fields, in this order, in ndjson and CSV.
xs_run fields "${SCAN[@]}" --output-fields ip,state,sack -oD "$O/f.ndjson" \
	-o "$O/f.csv" --format csv
fields=$("$XS_PY" - "$O/f.ndjson" "$O/f.csv" <<'EOF'
import json, sys
ok = all(list(json.loads(l)) == ["ip", "state", "sack"] for l in open(sys.argv[1]))
ok &= open(sys.argv[2]).readline() == "ip,state,sack\n"
ok &= sum(1 for _ in open(sys.argv[1])) == 26
print("ok" if ok else "bad")
EOF
)
check outputs_output_fields "$fields (exit $XS_RC)" test "$fields" = ok
xs_run badfield "${SCAN[@]}" --output-fields ip,bogus -oD "$O/bad.ndjson"
check outputs_output_fields_bad_named "exit $XS_RC: $(cat "$RUN_ERR")" \
	sh -c "[ $XS_RC = 1 ] && [ \$(wc -l <'$RUN_ERR') = 1 ] && grep -q \"unknown field 'bogus'\" '$RUN_ERR'"

# --append-output: a second run appends; the CSV header is written once;
# an XML file is refused (two documents in one file).
xs_run app1 "${SCAN[@]}" -oD "$O/app.ndjson" -o "$O/app.csv" --format csv
xs_run app2 "${SCAN[@]}" --append-output -oD "$O/app.ndjson" -o "$O/app.csv" --format csv
check outputs_append "lines $(wc -l <"$O/app.ndjson") ndjson, $(grep -c '^ip,' "$O/app.csv") csv headers" \
	sh -c "[ \$(wc -l <'$O/app.ndjson') = 52 ] && [ \$(grep -c '^ip,' '$O/app.csv') = 1 ] && [ \$(wc -l <'$O/app.csv') = 53 ]"
xs_run appx "${SCAN[@]}" --append-output -oX "$O/a.xml"
check outputs_append_xml_refused "exit $XS_RC: $(cat "$RUN_ERR")" \
	sh -c "[ $XS_RC = 1 ] && grep -q 'two XML documents' '$RUN_ERR' && ndiff '$O/a.xml' '$O/a.xml' >/dev/null"

# -oJ FILE / -oL FILE are options, as in nmap and masscan: no file "J",
# no target "res.txt".
(cd "$XS_TMP" && timeout 30 "$XS_BIN" "${SCAN[@]}" -oJ res.json -oL res.txt \
	>"$O/spell.out" 2>"$O/spell.err")
rc=$?
check outputs_oJ_oL_spelling "exit $rc: $(head -c 200 "$O/spell.err")" \
	sh -c "[ $rc = 0 ] && [ ! -e '$XS_TMP/J' ] && [ ! -e '$XS_TMP/L' ] && [ -s '$XS_TMP/res.txt' ] && $XS_PY -c 'import json; json.load(open(\"$XS_TMP/res.json\"))' && [ ! -s '$O/spell.out' ]"

# A banner with quotes and a comma: RFC 4180 quoting in CSV, read back
# exactly by Python's csv; never \x22 or \x2c.
ip netns exec "$SRV_NS" "$XS_PY" -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 2300)); s.listen(16); s.settimeout(60)
for _ in range(4):
    try:
        c, _ = s.accept()
    except OSError:
        break
    c.sendall(b"He said \"hi\", then\r\n"); c.close()
' &
XS_BG_PIDS+=($!)
xs_wait_for 5 sh -c "ip netns exec '$SRV_NS' ss -ltn | grep -q ':2300 '"
xs_run banner scan -i "$CLI_IF" --netns "$CLI_NS" $BLOCK.1 -p 2300 --banner \
	--banner-timeout 1000 --wait 1 -q -o "$O/banner.csv" --format csv
bok=$("$XS_PY" - "$O/banner.csv" <<'EOF'
import csv, sys
raw = open(sys.argv[1], newline="").read()
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
ok = len(rows) == 1 and rows[0]["banner"] == 'He said "hi", then\r\n'
ok &= '"He said ""hi"", then\r\n"' in raw and "\\x" not in raw
print("ok" if ok else "bad: %r" % raw)
EOF
)
check outputs_csv_rfc4180_banner "$bok (exit $XS_RC)" test "$bok" = ok

# Results that cannot be written: exit 6, said once.
xs_run full "${SCAN[@]}" -oX /dev/full -oD "$O/full.ndjson"
check outputs_write_error_exit6 "exit $XS_RC: $(cat "$RUN_ERR")" \
	sh -c "[ $XS_RC = 6 ] && [ \$(grep -c 'cannot write' '$RUN_ERR') = 1 ] && grep -q '/dev/full' '$RUN_ERR'"

xs_done
