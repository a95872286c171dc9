#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# make install / uninstall, and what they install: man pages generated from
# the option tables (rendered by man -l, lint-clean under mandoc -Tlint,
# naming every option -h names), the bash completion (run with COMP_WORDS
# and COMP_CWORD as bash runs it), and --version.
#
#   - make install DESTDIR=T PREFIX=/usr puts exactly the binary in
#     usr/sbin, one page per command in usr/share/man/man8 and the
#     completion in usr/share/bash-completion/completions; uninstall
#     leaves no file behind;
#   - every long option and its help's first words from 'CMD -h' are in
#     the rendered page (the two come from one table);
#   - completion: 'sc' -> scan, 'scan --re' -> the scan options that start
#     with --re, 'connect --close ' -> the close modes, '-n ' lists a
#     namespace this test created, '-n NS -i ' that namespace's interfaces;
#   - --version: VERSION from the Makefile, the git commit, libbpf's and
#     libxdp's versions; "unknown" as commit outside a git checkout.
source "$(dirname "$0")/lib.sh"
xs_init install
if [ ! -x "$XS_BIN" ]; then
	fail "$XS_TEST" "$XS_BIN not built (run make)"
	xs_done
fi

D=$XS_TMP/dest
MAN8=$D/usr/share/man/man8
COMP=$D/usr/share/bash-completion/completions/xdpshake
mk() { make -s -C "$XS_ROOT" "$@" DESTDIR="$D" PREFIX=/usr >"$XS_TMP/make.out" 2>&1; }

# ---------------------------------------------------------------- install
if ! mk install; then
	fail install_runs "make install failed"
	show "make" "$XS_TMP/make.out"
	xs_done
fi
pass install_runs
mapfile -t PAGES < <("$XS_BIN" __man --list)
{
	echo usr/sbin/xdpshake
	echo usr/share/bash-completion/completions/xdpshake
	for p in "${PAGES[@]}"; do echo "usr/share/man/man8/$p.8"; done
} | sort >"$XS_TMP/want.files"
(cd "$D" && find . -type f | sed 's|^\./||' | sort) >"$XS_TMP/got.files"
check install_files "installed files differ: $(diff "$XS_TMP/want.files" "$XS_TMP/got.files" | tr '\n' ' ')" \
	cmp -s "$XS_TMP/want.files" "$XS_TMP/got.files"
check install_pages_per_command "expected xdpshake + 6 command pages, got ${#PAGES[@]}" \
	test "${#PAGES[@]}" -ge 7
check install_binary_runs "the installed binary does not print its help" \
	sh -c "'$D/usr/sbin/xdpshake' -h | grep -q '^Commands:'"

# ---------------------------------------------------------------- man pages
render() { LC_ALL=C MANWIDTH=200 MANPAGER=cat man -l "$1" 2>/dev/null; }
render "$MAN8/xdpshake-scan.8" >"$XS_TMP/scan.txt"
check man_renders "man -l xdpshake-scan.8 lacks its NAME or an option" \
	sh -c "grep -q 'xdpshake-scan -- handshakes over address blocks' '$XS_TMP/scan.txt' &&
	       grep -q -- '--banner-timeout MS' '$XS_TMP/scan.txt' &&
	       grep -q 'Takes 1 to 600000 ms.' '$XS_TMP/scan.txt'"

# Backslashes in a help text survive roff (\e), as -h prints them.
want=$("$XS_BIN" scan -h | grep -oF 'C escapes: \r \n \t \\ \xNN')
check man_escapes "scan --payload's help is not '$want' in the page" \
	sh -c "[ -n '$want' ] && grep -qF '$want' '$XS_TMP/scan.txt'"

# Every option of every command's -h is in its page, with its help.
missing=
for p in "${PAGES[@]}"; do
	[ "$p" = xdpshake ] && continue
	c=${p#xdpshake-}
	render "$MAN8/$p.8" | tr -s ' \n' ' ' >"$XS_TMP/page.txt"
	while read -r opt words; do
		grep -qF -- "$opt" "$XS_TMP/page.txt" || missing+=" $c:$opt"
		[ -n "$words" ] && { grep -qF -- "$words" "$XS_TMP/page.txt" ||
			missing+=" $c:$opt(help '$words')"; }
	done < <("$XS_BIN" "$c" -h | sed -nE \
		's/^  (-., )?(--[a-z][a-z0-9-]*)( [^ ]+)? +([a-z(][a-z]+ [a-z]+ [a-z]+).*/\2 \4/p')
done
check man_every_option "options of -h missing from the pages:$missing" test -z "$missing"
check man_top_commands "xdpshake(8) does not list every command" \
	sh -c "render() { LC_ALL=C MANPAGER=cat man -l \"\$1\"; }; t=\$(render '$MAN8/xdpshake.8');
	       for c in load unload status connect scan monitor; do
	           echo \"\$t\" | grep -q \"xdpshake-\$c(8)\" || exit 1; done"

# mandoc -Tlint: nothing, but cross references to our own pages, which
# mandoc cannot find outside the system's manpath: each must be installed.
lint_bad=
for f in "$MAN8"/*.8; do
	while read -r line; do
		xr=$(echo "$line" | sed -nE 's/.*STYLE: referenced manual not found: Xr (xdpshake[a-z-]*) 8.*/\1/p')
		if [ -n "$xr" ] && [ -f "$MAN8/$xr.8" ]; then continue; fi
		lint_bad+=" $line"
	done < <(mandoc -Tlint "$f" 2>&1)
done
check man_lint_clean "mandoc -Tlint:$lint_bad" test -z "$lint_bad"
# The check can fail: a page with a stray blank line is not clean.
printf '.Dd January 1, 2026\n.Dt X 8\n.Os\n.Sh NAME\n.Nm x\n.Nd y\n.Sh DESCRIPTION\na\n\nb\n' >"$XS_TMP/bad.8"
check man_lint_detects "mandoc -Tlint passed a page with a blank line" \
	sh -c "mandoc -Tlint '$XS_TMP/bad.8' 2>&1 | grep -q 'blank line'"

# ---------------------------------------------------------------- completion
xs_ns_add NS comp
ip -n "$NS" link add xsc$$ type veth peer name xsd$$
# comp WORD...: what bash completes for the last WORD.
comp() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		 _xdpshake; [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP" "$@" | sort | tr '\n' ' '
}
check comp_registered "complete -p xdpshake does not name _xdpshake" \
	bash -c "source '$COMP'; complete -p xdpshake | grep -q -- '-F _xdpshake xdpshake'"
got=$(comp xdpshake sc)
check comp_command "'xdpshake sc' completed to '$got'" test "$got" = "scan "
want=$("$XS_BIN" scan -h | grep -oE -- '--re[a-z-]*' | sort -u | tr '\n' ' ')
got=$(comp xdpshake scan --re)
check comp_scan_re "'scan --re' gave '$got', -h has '$want'" \
	sh -c "[ -n '$want' ] && [ '$got' = '$want' ]"
got=$(comp xdpshake connect --close '')
check comp_close_modes "'connect --close ' gave '$got'" test "$got" = "fin none rst "
got=$(comp xdpshake connect --close = f)
check comp_close_equals "'connect --close=f' gave '$got'" test "$got" = "fin "
got=$(comp xdpshake load -m '')
check comp_modes "'load -m ' gave '$got'" test "$got" = "native skb "
got=$(comp xdpshake scan -n '')
check comp_netns "'scan -n ' does not list $NS: '$got'" \
	sh -c "echo ' $got' | grep -q ' $NS '"
got=$(comp xdpshake scan -n "$NS" -i '')
check comp_iface_in_netns "'scan -n $NS -i ' gave '$got'" test "$got" = "lo xsc$$ xsd$$ "
got=$(comp xdpshake monitor -i '')
check comp_iface_host "'monitor -i ' lacks lo or lists the namespace's xsc$$: '$got'" \
	sh -c "echo ' $got' | grep -q ' lo ' && ! echo ' $got' | grep -q ' xsc$$ '"
got=$(comp xdpshake scan -p '')
check comp_value_no_options "'scan -p ' offered '$got' for a value" test -z "$got"

# ---------------------------------------------------------------- version
ver=$(sed -nE 's/^VERSION := (.*)/\1/p' "$XS_ROOT/Makefile")
commit=$(cd "$XS_ROOT" && git describe --always --dirty 2>/dev/null)
"$XS_BIN" --version >"$XS_TMP/version.txt"
bpf=$(pkg-config --modversion libbpf | cut -d. -f1-2)
xdp=$(pkg-config --modversion libxdp)
check version_text "--version: $(tr '\n' '|' <"$XS_TMP/version.txt")" \
	sh -c "grep -qx 'xdpshake $ver' '$XS_TMP/version.txt' &&
	       grep -qE '^commit [0-9a-f]{7,}' '$XS_TMP/version.txt' &&
	       grep -qE '^libbpf $bpf \(built against [0-9]+\.[0-9]+\)$' '$XS_TMP/version.txt' &&
	       grep -qE '^libxdp $xdp \(built against\), running libxdp\.so\.' '$XS_TMP/version.txt'"
# The commit is this checkout's, as of the build (make test builds first).
check version_commit "commit is not $commit's hash" \
	sh -c "grep -q '^commit ${commit%%-*}' '$XS_TMP/version.txt'"
check version_command_same "'xdpshake version' differs from --version" \
	sh -c "'$XS_BIN' version | cmp -s - '$XS_TMP/version.txt'"
check version_json "-j version is not one object with the fields" \
	"$XS_PY" -c '
import json, subprocess, sys
o = json.loads(subprocess.check_output([sys.argv[1], "-j", "version"]))
assert o["version"] == sys.argv[2] and o["libxdp"] == sys.argv[3], o
assert set(o) == {"version", "commit", "libbpf", "libbpf_build", "libxdp", "libxdp_loaded"}
' "$XS_BIN" "$ver" "$xdp"
# Outside a git checkout the commit is "unknown".
mkdir -p "$XS_TMP/nogit"
cp "$XS_ROOT/Makefile" "$XS_TMP/nogit/"
make -s -C "$XS_TMP/nogit" build/version_build.h >/dev/null 2>&1
check version_outside_git "commit outside git: $(cat "$XS_TMP/nogit/build/version_build.h" 2>&1 | tr '\n' ' ')" \
	grep -q 'XS_BUILD_COMMIT "unknown"' "$XS_TMP/nogit/build/version_build.h"

# ---------------------------------------------------------------- uninstall
if mk uninstall; then
	left=$(cd "$D" && find . -type f)
	check uninstall_clean "left after uninstall: $left" test -z "$left"
else
	fail uninstall_clean "make uninstall failed"
	show "make" "$XS_TMP/make.out"
fi
xs_done
