#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# make demo: the tutorial's experiment, in two network namespaces this
# script creates and removes again.
#
#   hostB 172.17.0.2 (xdpshake)  --veth--  hostA 172.17.0.5:80 (kernel server)
#
# xdpshake sends the tutorial's SYN, receives the server's SYN-ACK through XDP
# and AF_XDP, and sends the ACK; the client's own kernel never hears of the
# connection.  Nothing outside the two namespaces is touched.
. "$(dirname "$0")/integration/lib.sh"

# Without a test harness around it, say plainly when something is missing.
fail() { echo "demo: $1: ${*:2}" >&2; }

xs_init demo
for b in "$XS_BIN" "$XS_TSERVER"; do
	if [ ! -x "$b" ]; then
		echo "demo: $b is missing: run 'make' first (make demo does)" >&2
		exit 1
	fi
done
if ! mountpoint -q /sys/fs/bpf; then
	echo "demo: bpffs is not mounted at /sys/fs/bpf: run 'make deps'" >&2
	exit 1
fi

bold() { if [ -t 1 ]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }
say() { printf '%s\n' "$*"; }

bold "== xdpshake demo: a TCP handshake outside the kernel's TCP stack =="
say
say "Setting up the tutorial's two hosts as network namespaces:"
topo_pair 172.17.0.2 172.17.0.5 16 02:42:ac:11:00:02 02:42:ac:11:00:05
say "  hostB  $CLI_NS  $CLI_IF  $CLI_IP  $CLI_MAC   (client: xdpshake)"
say "  hostA  $SRV_NS  $SRV_IF  $SRV_IP  $SRV_MAC   (server: a kernel TCP listener on port 80)"
srv_start "$SRV_NS" "$SRV_IP" 80 --count 1 --hold 4000 --timeout 30000
say
bold "hostB sends the tutorial's SYN (source port 20, seq 0, window 29200, IP ID 123, TTL 64, no options):"
CMD=("$XS_BIN" connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80"
	--sport 20 --seq 0 --window 29200 --ip-id 123 --ttl 64 --no-options
	--timeout 1000 --retries 3)
say "  \$ ${CMD[*]#"$XS_ROOT/"}"
say
timeout --kill-after=5 30 "${CMD[@]}"
rc=$?
say

bold "What the server's kernel saw (tserver prints each accept() and the socket's TCP state):"
xs_wait_for 3 srv_saw '^ACCEPT ' >/dev/null
grep -E '^(ACCEPT|SENT|EOF|RST|ERROR)' "$SRV_OUT" | sed 's/^/  /'
say
bold "hostA's sockets (ss -tn), while it holds the connection:"
ip netns exec "$SRV_NS" ss -tn | sed 's/^/  /'
say
bold "hostB's sockets (ss -tn): empty, its kernel never knew of the connection:"
ip netns exec "$CLI_NS" ss -tn | sed 's/^/  /'
say

case $rc in
0) bold "Handshake established (exit code 0)." ;;
2) bold "The server refused the connection (exit code 2)." ;;
3) bold "No answer from the server (exit code 3)." ;;
*) bold "xdpshake exited with code $rc (see its message above)." ;;
esac
say "Cleaning up: the namespaces and everything in them are removed."
say "Next: 'make test' runs the test suite; 'xdpshake connect -h' lists the options."
exit "$rc"
