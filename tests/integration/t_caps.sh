#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Issue 9, point 5: capabilities, not uid 0.  xdpshake runs as uid 65534
# (nobody), given capabilities two ways a user would:
#   setpriv --inh-caps/--ambient-caps (a service manager's AmbientCapabilities)
#     connect --netns against a kernel server, load, status, unload: all work;
#   a copy of the binary with file capabilities (sudo setcap ...+ep)
#     connect and status work with nothing else granted;
#   no capabilities, or some missing -> exit 4, and the message names
#     exactly the missing ones and the setcap line;
#   everything but CAP_SYS_ADMIN with --netns -> exit 4 naming CAP_SYS_ADMIN.
# Granted: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN, CAP_NET_RAW (load, attach,
# AF_XDP), CAP_SYS_ADMIN (setns into the test's namespace) and
# CAP_DAC_OVERRIDE: /sys/fs/bpf/xdpshake is a 0700 folder of whoever made it
# first, root when another test runs beside this one.
. "$(dirname "$0")/lib.sh"

xs_init caps
xs_need_bin
if ! command -v setpriv >/dev/null || ! command -v setcap >/dev/null; then
	skip caps_tools "setpriv (util-linux) or setcap (libcap2-bin) missing: run make deps"
	xs_done
fi

USER_ID=65534
ALL=bpf,perfmon,net_admin,net_raw,sys_admin,dac_override
# uid 65534 must reach the binary: XS_TMP is 0700, the worktree may be too.
BIN_DIR=$(mktemp -d /tmp/xs-caps-bin-$$.XXXXXX) || exit 1
xs_defer "rm -rf '$BIN_DIR'"
chmod 755 "$BIN_DIR"
install -m 0755 "$XS_BIN" "$BIN_DIR/xdpshake"
install -m 0755 "$XS_BIN" "$BIN_DIR/xdpshake-setcap"
setcap "cap_bpf,cap_perfmon,cap_net_admin,cap_net_raw,cap_sys_admin,cap_dac_override+ep" \
	"$BIN_DIR/xdpshake-setcap"

# as_user NAME CAPS ARGS...: run the copy as uid 65534 with CAPS (comma
# list, setpriv names; empty: none) inheritable and ambient, so they are
# effective after exec.  Output and status as xs_run's.
as_user() {
	local name=$1 caps=$2 opt=()
	shift 2
	if [ -n "$caps" ]; then
		caps=+${caps//,/,+}
		opt=(--inh-caps="$caps" --ambient-caps="$caps")
	fi
	RUN_OUT=$XS_TMP/$name.out
	RUN_ERR=$XS_TMP/$name.err
	timeout --kill-after=5 "$XS_RUN_TIMEOUT" setpriv --reuid=$USER_ID \
		--regid=$USER_ID --clear-groups "${opt[@]}" "$BIN_DIR/xdpshake" \
		"$@" >"$RUN_OUT" 2>"$RUN_ERR" </dev/null
	XS_RC=$?
	echo "[uid $USER_ID, caps '${2}'] xdpshake $* -> exit $XS_RC" >>"$XS_TMP/commands.log"
}

# accepted SPORT: the kernel server accept()ed a connection from SPORT.
accepted() { srv_saw "^ACCEPT $CLI_IP:$1 "; }

topo_pair 10.56.0.1 10.56.0.2
srv_start "$SRV_NS" "$SRV_IP" 80 --count 100 --timeout 60000
C=(connect -i "$CLI_IF" --netns "$CLI_NS" "$SRV_IP:80" --timeout 500 --retries 2 -q)

# ------------------------------------------------ ambient capabilities
as_user connect "$ALL" "${C[@]}" --sport 61801
if [ "$XS_RC" -eq 0 ] && xs_wait_for 2 accepted 61801; then
	pass caps_connect
else
	fail caps_connect "connect as uid $USER_ID with capabilities exited $XS_RC, want 0 and the server's accept()"
	xs_show_run
fi
if xs_wait_for 2 xs_clean "$CLI_NS" "$CLI_IF"; then
	pass caps_connect_leaves_nothing
else
	fail caps_connect_leaves_nothing "left behind after a connect as uid $USER_ID"
	show "attached" "$XS_TMP/attached.txt"
fi

xs_unload_at_exit "$CLI_NS" "$CLI_IF"
as_user load "$ALL" load -i "$CLI_IF" --netns "$CLI_NS" --sports "$XS_PORT_LO-$XS_PORT_HI"
check caps_load "load as uid $USER_ID exited $XS_RC: $(first_error)" test "$XS_RC" -eq 0
as_user status "$ALL" status -i "$CLI_IF" --netns "$CLI_NS" --json
loaded=$("$XS_PY" -c '
import json, sys
o = json.load(open(sys.argv[1]))["interfaces"][0]
print("yes" if o.get("xdp") else "no")' "$RUN_OUT" 2>/dev/null)
if [ "$XS_RC" -eq 0 ] && [ "$loaded" = yes ]; then
	pass caps_status
else
	fail caps_status "status as uid $USER_ID exited $XS_RC, loaded '${loaded:-?}' (want 0, yes)"
	xs_show_run
fi
as_user connect_load "$ALL" "${C[@]}" --sport 61802
if [ "$XS_RC" -eq 0 ] && xs_wait_for 2 accepted 61802; then
	pass caps_connect_with_load
else
	fail caps_connect_with_load "connect as uid $USER_ID through the load exited $XS_RC"
	xs_show_run
fi
as_user unload "$ALL" unload -i "$CLI_IF" --netns "$CLI_NS"
if [ "$XS_RC" -eq 0 ] && xs_wait_for 2 xs_clean "$CLI_NS" "$CLI_IF"; then
	pass caps_unload
else
	fail caps_unload "unload as uid $USER_ID exited $XS_RC, or something is left"
	xs_show_run
	show "attached" "$XS_TMP/attached.txt"
fi

# ------------------------------------------------- file capabilities
timeout --kill-after=5 "$XS_RUN_TIMEOUT" setpriv --reuid=$USER_ID --regid=$USER_ID \
	--clear-groups "$BIN_DIR/xdpshake-setcap" "${C[@]}" --sport 61803 \
	>"$XS_TMP/setcap.out" 2>"$XS_TMP/setcap.err" </dev/null
rc=$?
if [ "$rc" -eq 0 ] && xs_wait_for 2 accepted 61803; then
	pass caps_setcap_connect
else
	fail caps_setcap_connect "connect from a setcap'd copy as uid $USER_ID exited $rc"
	show "stderr" "$XS_TMP/setcap.err"
fi
timeout 10 setpriv --reuid=$USER_ID --regid=$USER_ID --clear-groups \
	"$BIN_DIR/xdpshake-setcap" status -i "$CLI_IF" --netns "$CLI_NS" \
	>"$XS_TMP/setcap_st.out" 2>"$XS_TMP/setcap_st.err" </dev/null
rc=$?
check caps_setcap_status "status from a setcap'd copy exited $rc: $(head -c 300 "$XS_TMP/setcap_st.err")" \
	test "$rc" -eq 0

# ------------------------------------------- missing capabilities: exit 4
# want_refusal NAME WANT_CAPS...: the last as_user exited 4, named each of
# WANT_CAPS and no other, said it runs as uid 65534 (the test's setpriv
# worked) and how to grant them.
want_refusal() {
	local name=$1 c named
	shift
	named=$(sed -n "s/.*missing capabilities \([A-Z_, ]*\) (uid $USER_ID).*/\1/p" "$RUN_ERR")
	if [ "$XS_RC" -eq 4 ] && [ "$named" = "$*" ] &&
		grep -q 'setcap cap_bpf,cap_perfmon,cap_net_admin,cap_net_raw,cap_sys_admin' "$RUN_ERR"; then
		pass "$name"
		echo "#   $(head -n 1 "$RUN_ERR")"
	else
		fail "$name" "exit $XS_RC naming '$named', want 4 naming '$*' and the setcap line"
		xs_show_run
	fi
}
as_user none "" "${C[@]}" --sport 61804
want_refusal caps_none_refused "CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN, CAP_NET_RAW"
as_user no_raw bpf,perfmon,net_admin,sys_admin,dac_override "${C[@]}" --sport 61805
want_refusal caps_no_net_raw_refused "CAP_NET_RAW"
as_user load_none "" load -i "$CLI_IF" --netns "$CLI_NS"
want_refusal caps_load_none_refused "CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN"
# CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON, as in the kernel.
as_user sysadmin net_admin,net_raw,sys_admin,dac_override "${C[@]}" --sport 61806
if [ "$XS_RC" -eq 0 ] && xs_wait_for 2 accepted 61806; then
	pass caps_sys_admin_covers_bpf
else
	fail caps_sys_admin_covers_bpf "connect with CAP_SYS_ADMIN but no CAP_BPF/CAP_PERFMON exited $XS_RC"
	xs_show_run
fi
as_user no_sysadmin bpf,perfmon,net_admin,net_raw,dac_override "${C[@]}" --sport 61807
if [ "$XS_RC" -eq 4 ] && grep -q "namespace '$CLI_NS' needs CAP_SYS_ADMIN" "$RUN_ERR"; then
	pass caps_netns_needs_sys_admin
else
	fail caps_netns_needs_sys_admin "exit $XS_RC, want 4 and 'needs CAP_SYS_ADMIN'"
	xs_show_run
fi
sent=
for p in 61804 61805 61807; do
	accepted "$p" && sent+=" $p"
done
check caps_refused_sent_nothing "refused runs reached the server from port(s)$sent" \
	test -z "$sent"
xs_done
