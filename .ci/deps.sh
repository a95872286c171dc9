#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Install what xdpshake needs on a Debian (bookworm) machine, and mount bpffs.
set -euo pipefail

# Build: clang llvm libclang-rt-14-dev (the fuzz target) gcc make pkg-config
# and the -dev packages.  What make test and make bench run: python3,
# bpftool, iproute2 (ip, tc, ss, nstat), tcpdump, netcat-openbsd (nc),
# nftables (nft), util-linux (unshare, nsenter, setpriv, mountpoint), procps
# (sysctl), ethtool (veth queue counts), libcap2-bin (setcap, t_caps),
# stress-ng (the suite's run on a machine kept busy), man-db and mandoc
# (t_install renders and lints the man pages), python3-yaml (t_k8s_job
# reads the Kubernetes example), netbase (/etc/services: service names in
# port lists), nmap and ndiff (nmap's DTD and ndiff read scan -oX output;
# ndiff brings python3-lxml, named here for the DTD check), tmux (the
# status line as a terminal shows it).  make bench installs masscan itself.
pkgs=(clang llvm libclang-rt-14-dev gcc make pkg-config libbpf-dev libxdp-dev libmnl-dev libpcap-dev python3
      bpftool iproute2 tcpdump netcat-openbsd nftables util-linux procps ethtool libcap2-bin stress-ng
      man-db mandoc python3-yaml netbase nmap ndiff python3-lxml tmux)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! mountpoint -q /sys/fs/bpf; then
	echo "deps: mounting bpffs at /sys/fs/bpf"
	mount -t bpf bpf /sys/fs/bpf
fi
