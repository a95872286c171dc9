#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The second half of `make bench-profile` (bench.sh with BENCH_PROFILE=1):
# for each phase run that was profiled, where the time went.
#
#   profile.py TMPDIR
#
# From the phase's perf.data (`perf record -a -g`, the whole machine while
# the client ran, cpu-clock samples): the share of each command, and the
# top symbols, kernel and user, of the processes that do the run's work
# (the client, its threads, ksoftirqd, the bench's instruments).  From
# bpf.samples (`bpftool -j prog show` every 0.2 s, kernel.bpf_stats_enabled
# on): each of the run's BPF programs (attached to our veth, or using the
# maps xdpshake pinned for the run), its runs, ns a run and total time.  A
# shared machine's other work shows in the command shares, not in the
# symbol list (but for processes of the same name).
#
# Exit status 0, or 1 if no phase was profiled.

import json
import os
import re
import subprocess
import sys

# The processes whose symbols count, besides the phase's client (by its
# command name): the softirq threads (the veth's NAPI runs there or in the
# sender) and the bench's instruments.
OURS = re.compile(r'^(ksoftirqd/|kserver$|responder$)')
TOP_SYMBOLS = 15
# Where the time goes, by area: the first pattern a symbol matches (self
# time; "[k]"/"[.]" stripped).  What matches none is "other kernel" or
# "other user".
AREAS = (
    ('copies (memcpy, skb COW for XDP)',
     r'memcpy|memmove|memset|skb_pp_cow_data|skb_copy|copy_'),
    ('skb alloc/free', r'kmem_cache|alloc_skb|skb_release|build_skb|'
     r'kfree_skb|slab|page_pool|consume_skb|skb_free|__free_|alloc_pages'),
    ('veth, NAPI, softirq', r'^veth_|napi|net_rx_action|softirq|'
     r'dev_forward_skb|netif_|__dev_|dev_hard|eth_type_trans|gro'),
    ('AF_XDP', r'xsk|^xp_|xdp_do|xdp_rxq'),
    ('BPF programs', r'^bpf_prog_|bpf_dispatcher|bpf_trampoline'),
    ('BPF verifier (a run attaches its programs)',
     r'states_equal|mark_chain|^do_check|^check_|verifier|regsafe|^btf_|'
     r'is_state_visited|^push_stack|^bpf_check'),
    ('kernel TCP/IP', r'^tcp_|inet|^ip_|^__ip|fib_|^sk_|^__sk|sock|'
     r'^__tcp|syncookie|secure_tcp'),
    ('syscalls, scheduling, locks', r'syscall|^entry_|spin_|schedule|'
     r'task_switch|rcu|futex|^do_|^__x64|poll|irqentry|_raw_'),
    ('clock reads', r'clock|tsc|ktime|pvclock'),
    ('xdpshake: connection table', r'^xs_conntab'),
    ('xdpshake: results output', r'quote|printf|^xs_jw|fwrite|^_IO_|'
     r'^xs_out|^xs_report|strftime|^__strchrnul'),
)
TOP_COMMS = 6
TOP_PROGS = 8
MIN_RUNS = 100


def perf_rows(data):
    """(percent, comm, dso, symbol) of every sample group, from one
    `perf report --sort comm,dso,sym` (its --comms filter loses the kernel
    on perf 6.1: we filter here)."""
    try:
        r = subprocess.run(['perf', 'report', '-i', data, '--stdio',
                            '--no-children', '-g', 'none', '--sort',
                            'comm,dso,sym', '-t', '|',
                            '--percent-limit', '0'],
                           capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError):
        return []
    rows = []
    for line in r.stdout.splitlines():
        f = [x.strip() for x in line.split('|')]
        if len(f) != 4 or not f[0].endswith('%'):
            continue
        try:
            rows.append((float(f[0][:-1]), f[1], f[2], f[3]))
        except ValueError:
            continue
    return rows


def area(r):
    sym = re.sub(r'^\[.\]\s*', '', r[3])
    for name, pat in AREAS:
        if re.search(pat, sym):
            return name
    if r[2] == 'xdpshake':
        return 'xdpshake: other'
    return 'other kernel' if r[3].startswith('[k]') else 'other user'


def group(rows, key):
    """Shares summed by key(row), largest first."""
    out = {}
    for r in rows:
        out[key(r)] = out.get(key(r), 0.0) + r[0]
    return sorted(((v, k) for k, v in out.items()), reverse=True)


def bpf_samples(path):
    """Each `bpftool -j prog show` array in the file, in order."""
    out = []
    try:
        text = open(path).read()
    except OSError:
        return out
    for chunk in text.split('\n'):
        chunk = chunk.strip()
        if not chunk.startswith('['):
            continue
        try:
            out.append(json.loads(chunk))
        except ValueError:
            continue
    return out


def json_values(path):
    """Every JSON value on its own line of path."""
    out = []
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return out
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def our_ids(path, samples):
    """The ids of this run's programs, from bpf.ours: those attached to
    our veth (bpftool net show, both ends) and those using a stats map
    xdpshake pinned for its run (its XDP filter, under libxdp's
    dispatcher, which net show names instead).  None if nothing was seen
    (then every program that ran is listed)."""
    progs, maps = set(), set()
    for v in json_values(path):
        if isinstance(v, dict) and 'id' in v:
            maps.add(v['id'])
            continue
        for dev in v if isinstance(v, list) else []:
            for kind in ('xdp', 'tc'):
                for a in dev.get(kind, []):
                    if 'id' in a:
                        progs.add(a['id'])
    for s in samples:
        for p in s:
            if maps & set(p.get('map_ids', [])):
                progs.add(p['id'])
    return progs or None


def bpf_costs(path, ours_path):
    """Per program: runs and run time during the phase.  A program seen in
    the first sample starts from its count there; one loaded later (the
    scan's own, attached for its run) from zero."""
    samples = bpf_samples(path)
    if not samples:
        return []
    ours = our_ids(ours_path, samples)
    first = {p['id']: p for p in samples[0]}
    last = {}
    for s in samples:
        for p in s:
            last[p['id']] = p
    out = []
    for pid, p in last.items():
        b = first.get(pid, {})
        runs = p.get('run_cnt', 0) - b.get('run_cnt', 0)
        ns = p.get('run_time_ns', 0) - b.get('run_time_ns', 0)
        # Another run's program (on the machine, not our veth) is not.
        if runs < MIN_RUNS or (ours is not None and pid not in ours):
            continue
        out.append({'id': pid, 'name': p.get('name', '?'),
                    'type': p.get('type', '?'), 'runs': runs,
                    'ns_per_run': ns / runs, 'total_ms': ns / 1e6})
    out.sort(key=lambda x: -x['total_ms'])
    return out[:TOP_PROGS]


def client_cmd(ph):
    try:
        return open(os.path.join(ph, 'client.cmd')).read().split()[:3]
    except OSError:
        return []


def wall(ph):
    try:
        return json.load(open(os.path.join(ph, 'client.rs.json')))['wall_s']
    except (OSError, ValueError, KeyError):
        return None


def profile(ph):
    name = os.path.basename(ph)
    data = os.path.join(ph, 'perf.data')
    cmd = ' '.join(os.path.basename(c) if i == 0 else c
                   for i, c in enumerate(client_cmd(ph)))
    w = wall(ph)
    print('== %s: %s%s' % (name, cmd,
                           ', %.2f s' % w if w is not None else ''))
    rows = perf_rows(data)
    comms = group(rows, lambda r: r[1])
    print('  commands (share of all samples, both CPUs, idle included):')
    print('    ' + ', '.join('%s %.1f%%' % (c, pct)
                             for pct, c in comms[:TOP_COMMS]))
    client = (client_cmd(ph) or ['?'])[0]
    client = os.path.basename(client)[:15]
    ours = [r for r in rows if r[1] == client or OURS.match(r[1])]
    share = sum(r[0] for r in ours) or 1.0
    names = sorted(set(r[1] for r in ours))
    dsos = [(100.0 * v / share, k) for v, k in group(ours, lambda r: r[2])]
    syms = [(100.0 * v / share, k) for v, k in
            group(ours, lambda r: '%s %s' % (r[2], r[3]))][:TOP_SYMBOLS]
    print('  %s: %.1f%% of all samples; by object:' %
          (', '.join(names) or 'no process of ours', share))
    print('    ' + ', '.join('%s %.1f%%' % (d, pct) for pct, d in dsos[:5]))
    areas = [(100.0 * v / share, k) for v, k in group(ours, area)]
    print('  by area (self time, share of those processes\' samples):')
    for pct, a in areas[:8]:
        print('    %6.2f%%  %s' % (pct, a))
    print('  top symbols (self time, share of those processes\' samples):')
    for pct, sym in syms:
        print('    %6.2f%%  %s' % (pct, sym))
    progs = bpf_costs(os.path.join(ph, 'bpf.samples'),
                      os.path.join(ph, 'bpf.ours'))
    print('  BPF programs (kernel.bpf_stats_enabled: run_cnt, run_time_ns):')
    if not progs:
        print('    none ran')
    for p in progs:
        print('    %-18s %-8s %10d runs %8.0f ns/run %9.1f ms' % (
            p['name'], p['type'], p['runs'], p['ns_per_run'], p['total_ms']))
    print()
    return {'phase': name, 'cmd': cmd, 'wall_s': w, 'comms': comms[:10],
            'ours_pct': share, 'dsos': dsos[:8], 'areas': areas,
            'symbols': syms,
            'bpf': progs}


def main():
    tmp = sys.argv[1]
    done = []
    for n in sorted(os.listdir(tmp)):
        ph = os.path.join(tmp, n)
        if os.path.exists(os.path.join(ph, 'perf.data')):
            done.append(profile(ph))
    if not done:
        print('profile: no phase was profiled (perf record failed?)')
        return 1
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..',
                       '..', 'build', 'bench', 'profile.json')
    with open(out, 'w') as f:
        json.dump(done, f, indent=1)
        f.write('\n')
    print('profile: %s' % os.path.realpath(out))
    print('cpu-clock samples at 499 Hz on every CPU; a shared machine\'s '
          'other work shows in the command shares')
    return 0


if __name__ == '__main__':
    sys.exit(main())
