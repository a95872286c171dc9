#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The second half of `make bench`: read what tests/bench/bench.sh recorded
# (one folder per phase), compute every figure and its ratio against the
# baseline measured in the same run, print the table and write the JSON.
#
#   report.py TMPDIR RESULTS.json key=value...
#
# A figure whose phase did not run (tool not built, masscan missing) or
# whose files are missing is null in the JSON and "n/a" in the table.
# Exit status 0 when the report was written, 1 otherwise (missing targets
# are reported, not failed: a benchmark is not a test).

import json
import os
import platform
import subprocess
import sys
import time


def load_json(path):
    """The last line of path that is a JSON object, or None."""
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        line = line.strip()
        if line.startswith('{'):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def load_event(path, event):
    """The last JSON line of path with "event": event, or None."""
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if isinstance(o, dict) and o.get('event') == event:
            return o
    return None


def load_all(path, tool):
    """Every JSON line of path whose "tool" is tool."""
    out = []
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return out
    for line in lines:
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if isinstance(o, dict) and o.get('tool') == tool:
            out.append(o)
    return out


def kclients_summary(path):
    """Several kclients at once (the listen phases): one summary of them
    all, their handshakes over the longest run; None for fewer than 2."""
    ks = load_all(path, 'kclient')
    if len(ks) < 2:
        return None
    el = max(k.get('elapsed_s') or 0 for k in ks)
    hs = sum(k.get('handshakes') or 0 for k in ks)
    return {'tool': 'kclient', 'processes': len(ks), 'handshakes': hs,
            'elapsed_s': el, 'handshakes_per_s': hs / el if el else None,
            'concurrency': sum(k.get('concurrency') or 0 for k in ks)}


def server_cpu(ph):
    """The server's CPU seconds from srvcpu.before/after (bench.sh's
    srv_cpu: threaded NAPI kthreads of the server veth, the server's
    processes, the client veth's kthreads), or None."""
    a = load_json(os.path.join(ph, 'srvcpu.before'))
    b = load_json(os.path.join(ph, 'srvcpu.after'))
    if not a or not b:
        return None
    return {k[:-3] + '_s': (b[k] - a[k]) / 1e9 for k in a if k in b}


def veth_drops(ph):
    """Frames dropped at the veth between the link.before/after snapshots
    (ip -s -j link of the server's end, then the client's): rx and tx of
    each end, or None."""
    def read(tag):
        out = {}
        try:
            for line in open(os.path.join(ph, 'link.' + tag)):
                for d in json.loads(line):
                    st = d.get('stats64', {})
                    out[d['ifname']] = (st['rx']['dropped'],
                                        st['tx']['dropped'])
        except (OSError, ValueError, KeyError):
            return None
        return out
    a, b = read('before'), read('after')
    if not a or not b:
        return None
    return {n: {'rx': b[n][0] - a[n][0], 'tx': b[n][1] - a[n][1]}
            for n in a if n in b}


def cpu_usage(ph):
    """Whole-machine CPU busy and softirq share between the snapshots."""
    try:
        a = [int(x) for x in open(os.path.join(ph, 'cpu.before')).read().split()[1:]]
        b = [int(x) for x in open(os.path.join(ph, 'cpu.after')).read().split()[1:]]
    except (OSError, ValueError):
        return None
    d = [y - x for x, y in zip(a, b)]
    total = sum(d[:8])  # user nice system idle iowait irq softirq steal
    if total <= 0:
        return None
    idle = d[3] + d[4]
    return {'busy_s': (total - idle) / os.sysconf('SC_CLK_TCK'),
            'busy_pct': 100.0 * (total - idle) / total,
            'softirq_pct': 100.0 * d[6] / total,
            'system_pct': 100.0 * d[2] / total,
            'user_pct': 100.0 * (d[0] + d[1]) / total}


def snmp(path):
    """/proc/net/snmp and netstat as {'Tcp.OutSegs': n, ...}."""
    out = {}
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return out
    for head, vals in zip(lines[0::2], lines[1::2]):
        hk, hv = head.split(), vals.split()
        if not hk or hk[0] != hv[0]:
            continue
        for k, v in zip(hk[1:], hv[1:]):
            try:
                out[hk[0].rstrip(':') + '.' + k] = int(v)
            except ValueError:
                pass
    return out


def snmp_delta(ph, keys):
    a = snmp(os.path.join(ph, 'snmp.before'))
    b = snmp(os.path.join(ph, 'snmp.after'))
    return {k: b.get(k, 0) - a.get(k, 0) for k in keys if k in b}


SNMP_KEYS = ['Tcp.InSegs', 'Tcp.OutSegs', 'Tcp.OutRsts', 'Tcp.RetransSegs',
             'Tcp.PassiveOpens', 'TcpExt.ListenOverflows',
             'TcpExt.ListenDrops', 'TcpExt.SyncookiesSent',
             'TcpExt.TCPReqQFullDrop', 'TcpExt.TCPSynRetrans']


def rate(n, t0_ns, t1_ns):
    if not n or not t0_ns or not t1_ns or t1_ns <= t0_ns:
        return None
    return n / ((t1_ns - t0_ns) / 1e9)


def listen_counts(x):
    """xdpshake listen's summary (the rscan_* phases' server) as the XDP
    counter's final line reads (responder --count-only, the scan_* phases'):
    its counters, and its first and last SYN answered and RST taken
    (CLOCK_MONOTONIC ns, null: none), at the top."""
    c = dict(x.get('counters') or {})
    c.update(x.get('times') or {})
    return c


def read_phase(tmp, name, queues=0):
    ph = os.path.join(tmp, name)
    if not os.path.isdir(ph):
        return None
    p = {'name': name}
    try:
        p['cmd'] = open(os.path.join(ph, 'client.cmd')).read().strip()
        p['exit'] = int(open(os.path.join(ph, 'client.rc')).read())
    except (OSError, ValueError):
        p['exit'] = None
    p['cost'] = load_json(os.path.join(ph, 'client.rs.json'))
    p['machine_cpu'] = cpu_usage(ph)
    p['server_tcp'] = snmp_delta(ph, SNMP_KEYS)
    for inst in ('kserver', 'tc', 'xdp', 'sink'):
        p[inst] = load_json(os.path.join(ph, inst + '.json'))
    if name.startswith('rscan_') and p['xdp']:
        p['xdp'] = listen_counts(p['xdp'])
    # kclient prints one JSON object; xdpshake a summary event, on stdout
    # (--json) or on stderr after the progress lines (--status-json).
    out = os.path.join(ph, 'client.out')
    err = os.path.join(ph, 'client.err')
    p['summary'] = (load_event(out, 'summary') or
                    load_event(err, 'summary') or kclients_summary(out) or
                    load_json(out))
    p['stderr_tail'] = ''
    try:
        p['stderr_tail'] = open(os.path.join(ph, 'client.err')).read()[-600:]
    except OSError:
        pass

    s = p['summary'] or {}
    # Handshakes and their rate, as the client itself reports them.
    if s.get('tool') == 'kclient':
        p['handshakes'] = s.get('handshakes')
        p['hs_per_s'] = s.get('handshakes_per_s')
        p['active_s'] = s.get('elapsed_s')
    elif s.get('event') == 'summary' and s.get('what') == 'connect':
        p['handshakes'] = s.get('open')
        p['hs_per_s'] = s.get('handshakes_per_s')
        p['active_s'] = s.get('duration_s')
    cost = p['cost']
    if cost:
        cpu = cost['cpu_user_s'] + cost['cpu_sys_s']
        p['cpu_s'] = cpu
        p['maxrss_kb'] = cost.get('maxrss_kb')
        if cost['wall_s'] > 0:
            p['client_cpu_pct'] = 100.0 * cpu / cost['wall_s']
        if p.get('handshakes'):
            p['cpu_s_per_1000'] = cpu * 1000.0 / p['handshakes']
    mc = p['machine_cpu'] or {}
    sc = server_cpu(ph)
    ks = p['kserver'] or {}
    if ks.get('accepted') is not None:
        p['accepted'] = ks['accepted']
        if p.get('active_s'):
            p['accepted_per_s'] = ks['accepted'] / p['active_s']
    # Handshakes the server completed: kserver's accepts where it serves
    # (also behind listen --protect), else the client's count.
    done = p.get('accepted') if name.startswith(('ksrv_', 'prot_')) \
        else p.get('handshakes')
    p['veth_drops'] = veth_drops(ph)
    if sc:
        # Threaded NAPI (the listen phases): the server veth's kthreads
        # (XDP program, TCP stack, XDP_TX) and the server's processes.
        p.update(sc)
        p['server_cpu_s'] = sc['server_napi_s'] + sc['server_procs_s']
        p['server_cpu_how'] = 'napi kthreads + server processes'
    elif mc.get('busy_s') is not None and p.get('cpu_s') is not None:
        # Otherwise whatever the machine spent beyond the client process
        # (so it includes the client's own softirq work, and any other
        # work on the machine).
        p['server_cpu_s'] = max(mc['busy_s'] - p['cpu_s'], 0.0)
        p['server_cpu_how'] = 'machine - client'
    if p.get('server_bpf_s') is not None and done:
        p['server_bpf_us'] = p['server_bpf_s'] * 1e6 / done
    if p.get('server_cpu_s') and done:
        p['server_cpu_per_1000'] = p['server_cpu_s'] * 1000.0 / done
    # The client's own CPU when the server's receive runs in the server
    # veth's kthreads (threaded NAPI): its process, and its veth's
    # kthreads (the SYN-ACKs' receive: XDP and AF_XDP for xdpshake, the
    # TCP stack for the kernel client), none of the server's work.
    if p.get('cpu_s') is not None and p.get('client_napi_s') is not None \
            and p.get('handshakes'):
        p['client_own_us'] = (p['cpu_s'] + p['client_napi_s']) * 1e6 / \
            p['handshakes']
        p['server_capacity'] = done / p['server_cpu_s']
    p['server_syncookies'] = p['server_tcp'].get('TcpExt.SyncookiesSent')
    p['busy_pct'] = mc.get('busy_pct')
    p['softirq_pct'] = mc.get('softirq_pct')
    p['system_pct'] = mc.get('system_pct')
    p['user_pct'] = mc.get('user_pct')

    tc = p['tc']
    if tc:
        p['server_synacks'] = tc.get('synack_tx')
        p['server_synack_per_s'] = rate(tc.get('synack_tx'),
                                        tc.get('first_synack_ns'),
                                        tc.get('last_synack_ns'))
    x = p['xdp']
    if x and name.startswith('first_syn'):
        # From the client's start (runstat's fork) to its first SYN at
        # the server's veth, both on CLOCK_MONOTONIC.
        t0 = (cost or {}).get('start_ns')
        t1 = x.get('first_syn_ns')
        p['syns'] = x.get('syn')
        p['first_syn_ms'] = (t1 - t0) / 1e6 if t0 and t1 and t1 > t0 \
            else None
    elif x and 'scan' in name:
        # Scans: SYNs and the client's RSTs (one per SYN-ACK it handled),
        # timed where they arrive, at the server's veth: by the XDP
        # counter in front of the kernel listener, by xdpshake listen's own
        # counters and times (listen_counts) in the rscan_* phases.
        p['syns'] = x.get('syn')
        p['syn_per_s'] = rate(x.get('syn'), x.get('first_syn_ns'),
                              x.get('last_syn_ns'))
        p['rsts'] = x.get('rst')
        if p.get('server_synacks') is None:
            # Against listen its XDP_TX SYN-ACKs are the answers.
            p['server_synacks'] = x.get('synack_tx')
        p['handled_per_s'] = rate(x.get('rst'), x.get('first_syn_ns'),
                                  x.get('last_rst_ns'))
        if p.get('cpu_s') is not None and p['syns']:
            p['cpu_s_per_1000_syns'] = p['cpu_s'] * 1000.0 / p['syns']
    elif x and 'counters' in x:
        # xdpshake listen's summary (--protect: what TC handed over).
        p['acks_valid'] = x['counters'].get('ack_valid')
        p['prot_assigned'] = (x.get('protect') or {}).get('assigned')
        p['prot_bad_cookie'] = (x.get('protect') or {}).get('bad_cookie')
        p['listen_syn'] = x['counters'].get('syn')
        # Its valid final ACKs, first SYN to last ACK, at the server (no
        # ACK times under --protect: TC takes the final ACKs).
        t = x.get('times') or {}
        p['acks_per_s'] = rate(p['acks_valid'], t.get('first_syn_ns'),
                               t.get('last_ack_ns'))
        # Frames the server's veth handed listen's program per valid
        # final ACK: what a handshake costs in client frames.
        fr = x['counters'].get('frames')
        if fr and p.get('acks_valid'):
            p['frames_per_hs'] = fr / p['acks_valid']
    if name.startswith(('limit_', 'floor_')):
        read_limit(p)
        if name.startswith('floor_') and p.get('limit_frames') and \
                p.get('server_napi_s') is not None:
            p['server_ns_per_frame'] = \
                p['server_napi_s'] * 1e9 / p['limit_frames']
    else:
        read_frames(p)
    p['bottleneck'] = bottleneck(p, queues)
    for f in ('results.txt', 'results.ndjson'):
        path = os.path.join(ph, f)
        if os.path.exists(path):
            n = 0
            with open(path) as fh:
                for line in fh:
                    if line.startswith('open ') or '"open"' in line:
                        n += 1
            p['results_open'] = n
    return p


def read_limit(p):
    """The ceiling: frames the sink counted, first to last frame."""
    # limit_afxdp: the sink at the server; limit_xdptx: the sink on our
    # side, counting what the server's XDP_TX sent back.
    x = p['sink'] if p['name'].startswith('limit_xdptx') else p['xdp']
    s = p['summary'] or {}
    if x:
        p['limit_frames'] = x.get('sunk')
        p['frames_per_s'] = rate(x.get('sunk'), x.get('first_frame_ns'),
                                 x.get('last_frame_ns'))
    if p['xdp'] and p['name'].startswith('limit_xdptx'):
        p['reflected'] = p['xdp'].get('reflected')
    if s.get('tool') == 'blaster':
        p['blaster_frames'] = s.get('frames')
        p['blaster_fps'] = s.get('frames_per_s')
        p['tx_ring_full'] = s.get('ring_full')
        p['kick_busy'] = s.get('kick_busy')
        p['frame_len'] = s.get('frame_len')


def read_frames(p):
    """Frames a scan or connect row put through per second.

    xdpshake: through AF_XDP, from its own summary: every segment it sent
    (first SYNs, retransmissions, ACKs, RSTs, FINs, data) and every frame
    its XDP filter handed it (replies, duplicates, late, challenges,
    invalid).  The others (masscan, kclient) use no AF_XDP: the same
    frames on the veth, counted at the server (SYNs, SYN-ACKs and RSTs by
    the XDP/TC counters for scans, the kernel's TCP InSegs + OutSegs for
    connects).  Scans are timed at the server, first SYN to last SYN or
    RST; connects over the client's own run."""
    s = p['summary'] or {}
    x = p['xdp'] or {}
    n = 'scan' in p['name']
    if p.get('exit') not in (0, None):
        return  # a failed run put nothing through that counts
    t0 = x.get('first_syn_ns')
    t1 = max(x.get('last_syn_ns') or 0, x.get('last_rst_ns') or 0)
    span = (t1 - t0) / 1e9 if n and t0 and t1 > t0 else p.get('active_s')
    if s.get('event') == 'summary':
        tx = sum(s.get(k) or 0 for k in ('sent', 'retransmits', 'acks_sent',
                                         'rsts_sent', 'fins_sent',
                                         'data_sent'))
        rx = sum(s.get(k) or 0 for k in ('replies', 'duplicates', 'late',
                                         'challenges', 'invalid'))
        # The fast path: the answers XDP sent by XDP_TX (counted in
        # acks_sent and rsts_sent) and the SYN-ACKs they answered (whose
        # records, from the BPF ring buffer, are counted as replies)
        # never crossed AF_XDP.
        fast_tx = (s.get('fast_acks') or 0) + (s.get('fast_rsts') or 0)
        fast_rx = s.get('fast_records') or 0
        tx = max(tx - fast_tx, 0)
        rx = max(rx - fast_rx, 0)
        if fast_tx or fast_rx:
            p['fast_answers'] = fast_tx
            p['fast_records'] = fast_rx
        p['frames_via'] = 'AF_XDP'
        k = s.get('af_xdp')
        if k:
            p['ring_drops'] = (k.get('rx_ring_full', 0) +
                               k.get('rx_dropped', 0) +
                               k.get('rx_fill_ring_empty_descs', 0))
    elif n:
        tx = (x.get('syn') or 0) + (x.get('rst') or 0)
        rx = p.get('server_synacks') or 0
        p['frames_via'] = 'wire'
    else:
        t = p.get('server_tcp') or {}
        tx = t.get('Tcp.InSegs') or 0
        rx = t.get('Tcp.OutSegs') or 0
        p['frames_via'] = 'wire'
    if span and tx + rx:
        p['frames_per_s'] = (tx + rx) / span


def bottleneck(p, queues):
    """Which resource ran out first, from what the run recorded: the
    sockets' drop counters (an RX ring or the fill ring ran out), the
    client's own threads (one a queue) each busy, both cores busy
    (/proc/stat, with the softirq, system and user shares), or none."""
    if p.get('ring_drops'):
        return 'RX ring full (%d frames dropped)' % p['ring_drops']
    mc = p['machine_cpu'] or {}
    busy = mc.get('busy_pct')
    if busy is None:
        return None
    shares = 'softirq %.0f%%, sys %.0f%%, user %.0f%%' % (
        mc['softirq_pct'], mc['system_pct'], mc['user_pct'])
    cpu = p.get('client_cpu_pct')
    if cpu is not None:
        # What neither the client nor softirq spent: the server's
        # process, if any, and whatever else runs on the machine.
        rest = busy - cpu / (os.cpu_count() or 1) - mc['softirq_pct']
        shares += '; client %.0f%%, the rest %.0f%%' % (
            cpu / (os.cpu_count() or 1), max(rest, 0))
    # The client's own threads (one a queue) first: with every one busy
    # the run could not go faster, whatever else the cores did.
    if cpu is not None and queues and cpu >= 85 * queues:
        return 'the %d queue thread%s busy (%.0f%% of a core; %s)' % (
            queues, 's' if queues > 1 else '', cpu, shares)
    if busy >= 90:
        return 'both cores busy (%s)' % shares
    if p.get('tx_ring_full') and p['name'].startswith('limit_'):
        return 'TX ring full %d times, cores %.0f%% (%s)' % (
            p['tx_ring_full'], busy, shares)
    return 'none: cores %.0f%% busy (%s)' % (busy, shares)


# Figures taken as the median over a phase's runs.
METRICS = ('handshakes', 'hs_per_s', 'active_s', 'cpu_s', 'maxrss_kb',
           'client_cpu_pct', 'cpu_s_per_1000', 'busy_pct', 'softirq_pct',
           'server_synacks', 'server_synack_per_s', 'syns', 'syn_per_s',
           'rsts', 'handled_per_s', 'cpu_s_per_1000_syns', 'acks_valid',
           'acks_per_s', 'results_open', 'first_syn_ms', 'server_cpu_s',
           'server_cpu_per_1000', 'frames_per_s', 'limit_frames',
           'blaster_frames', 'blaster_fps', 'tx_ring_full', 'kick_busy',
           'frame_len', 'reflected', 'ring_drops', 'system_pct', 'user_pct',
           'fast_answers', 'fast_records', 'accepted', 'accepted_per_s',
           'server_napi_s', 'server_procs_s', 'client_napi_s',
           'server_capacity', 'prot_assigned', 'prot_bad_cookie',
           'listen_syn', 'server_syncookies', 'server_bpf_s',
           'server_bpf_us', 'frames_per_hs', 'server_ns_per_frame',
           'client_own_us')


def median(vals):
    vals = sorted(v for v in vals if v is not None)
    if not vals:
        return None
    n = len(vals)
    return vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2


def read_phases(tmp, name, queues=0):
    """Every run of a phase (folders NAME.1, NAME.2...), and the medians."""
    runs = []
    if name.endswith('_q1'):
        queues = 1
    for i in range(1, 100):
        p = read_phase(tmp, '%s.%d' % (name, i), queues)
        if not p:
            break
        runs.append(p)
    if not runs:
        return None
    agg = {'name': name, 'runs': runs}
    for k in METRICS:
        agg[k] = median([r.get(k) for r in runs])
    # What ran out first, from the medians (each run's is in its own).
    if agg.get('busy_pct') is not None:
        agg['machine_cpu'] = {k: agg[k] for k in (
            'busy_pct', 'softirq_pct', 'system_pct', 'user_pct')}
        agg['bottleneck'] = bottleneck(agg, queues)
    agg['frames_via'] = next((r['frames_via'] for r in runs
                              if r.get('frames_via')), None)
    return agg


def machine():
    m = {'kernel': platform.release(), 'arch': platform.machine(),
         'cpus': os.cpu_count(),
         'date': time.strftime('%Y-%m-%d %H:%M:%S %Z')}
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                m['cpu'] = line.split(':', 1)[1].strip()
                break
        for line in open('/proc/meminfo'):
            if line.startswith('MemTotal'):
                m['mem_gib'] = round(int(line.split()[1]) / 1048576, 1)
                break
    except OSError:
        pass
    try:
        m['debian'] = open('/etc/debian_version').read().strip()
    except OSError:
        pass
    try:
        m['virt'] = subprocess.run(['systemd-detect-virt'],
                                   capture_output=True, text=True,
                                   timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            '..', '..')
        m['commit'] = subprocess.run(
            ['git', '-C', root, 'describe', '--always', '--dirty'],
            capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return m


def get(ph, key):
    if not ph:
        return None
    return ph.get(key)


def rate_of(ph, key):
    """ph[key] per second of the client's run."""
    v, t = get(ph, key), get(ph, 'active_s')
    return v / t if v is not None and t else None


def ratio(a, b):
    if a is None or b is None or not b:
        return None
    return a / b


def figures(P, params):
    """The rows of the table: (id, label, xdpshake, baseline, baseline
    name, ratio, unit, target text, met or None)."""
    rows = []

    def row(fid, label, x, b, bname, unit, target=None, check=None,
            no_ratio=False):
        r = None if no_ratio else ratio(x, b)
        met = None
        if check is not None and x is not None and \
                (b is not None or bname in ('kclient', '')):
            met = check(x, b, r)
        rows.append({'id': fid, 'figure': label, 'xdpshake': x,
                     'baseline': b, 'baseline_is': bname, 'ratio': r,
                     'unit': unit, 'target': target, 'met': met})

    q = params.get('queues')
    la, lx = P.get('limit_afxdp'), P.get('limit_xdptx')
    la1, lx1 = P.get('limit_afxdp_q1'), P.get('limit_xdptx_q1')
    row('limit_afxdp_fps', 'limit: AF_XDP TX frames/s, %s queues' % q,
        get(la, 'frames_per_s'), None, '', '/s')
    row('limit_xdptx_fps', 'limit: XDP_TX reflected frames/s',
        get(lx, 'frames_per_s'), get(la, 'frames_per_s'), 'AF_XDP TX',
        '/s')
    row('limit_afxdp_fps_q1', 'limit: AF_XDP TX frames/s, 1 queue',
        get(la1, 'frames_per_s'), get(la, 'frames_per_s'),
        '%s queues' % q, '/s')
    row('limit_xdptx_fps_q1', 'limit: XDP_TX reflected frames/s, 1 q',
        get(lx1, 'frames_per_s'), get(la1, 'frames_per_s'),
        'AF_XDP TX, 1 q', '/s')
    rx_ = P.get('rscan_xdp')
    row('scan_resp_syn_pct_limit', 'scan, responder: SYNs/s vs the limit',
        get(rx_, 'syn_per_s'), get(la, 'frames_per_s'), 'AF_XDP TX', '/s',
        '>= 0.9x', lambda x, b, r: r is not None and r >= 0.9)
    row('scan_resp_frames_pct_limit', 'scan, resp.: AF_XDP frames/s vs '
        'limit', get(rx_, 'frames_per_s'), get(la, 'frames_per_s'),
        'AF_XDP TX', '/s')
    rf_ = P.get('rscan_fast')
    row('scan_fast_resp_syn_pct_limit', 'fast scan, resp.: SYNs/s vs limit',
        get(rf_, 'syn_per_s'), get(la, 'frames_per_s'), 'AF_XDP TX', '/s',
        '>= 0.9x', lambda x, b, r: r is not None and r >= 0.9)
    row('scan_fast_resp_frames_pct_limit', 'fast scan, resp.: AF_XDP '
        'fr/s vs limit', get(rf_, 'frames_per_s'), get(la, 'frames_per_s'),
        'AF_XDP TX', '/s')
    for n, label in (('scan_xdp', 'SYN-only scan'),
                     ('scan_fast', 'fast SYN-only scan'),
                     ('rscan_xdp', 'scan, responder'),
                     ('rscan_fast', 'fast scan, responder'),
                     ('scan_masscan', 'masscan scan'),
                     ('rscan_masscan', 'masscan, responder')):
        row(n + '_scaling', '%s: SYNs/s %sq vs 1q' % (label, q),
            get(P.get(n), 'syn_per_s'), get(P.get(n + '_q1'), 'syn_per_s'),
            '1 queue', '/s')

    ck, cx = P.get('connect_kernel'), P.get('connect_xdp')
    row('connect_hs_per_s', 'handshakes/s, kernel listener',
        get(cx, 'hs_per_s'), get(ck, 'hs_per_s'), 'kclient', '/s',
        '>= 2.5x', lambda x, b, r: r is not None and r >= 2.5)
    row('connect_cpu_per_1000', 'CPU s per 1,000 handshakes',
        get(cx, 'cpu_s_per_1000'), get(ck, 'cpu_s_per_1000'), 'kclient',
        's', '<= 0.33x', lambda x, b, r: r is not None and r <= 1 / 3)
    # The same clients, the server's receive in its own kthreads (the
    # ksrv rows, threaded NAPI): what a client costs where the server is
    # another machine; in the rows above the server's TCP receive runs
    # in the client's sendto() and is charged to it.
    lk = P.get('ksrv_kernel')
    row('connect_client_own_us', 'client CPU us/hs, server apart',
        get(P.get('ksrv_xdp'), 'client_own_us'), get(lk, 'client_own_us'),
        '%sx kclient' % params.get('kclients', '?'), 'us', '<= 0.25x',
        lambda x, b, r: r is not None and r <= 0.25)
    row('connect_fast_client_own_us', 'fast path: client CPU us/hs, apart',
        get(P.get('ksrv_fast'), 'client_own_us'), get(lk, 'client_own_us'),
        '%sx kclient' % params.get('kclients', '?'), 'us', '<= 0.25x',
        lambda x, b, r: r is not None and r <= 0.25)
    cf = P.get('connect_fast')
    row('connect_fast_hs_per_s', 'fast path: handshakes/s, kernel lst.',
        get(cf, 'hs_per_s'), get(ck, 'hs_per_s'), 'kclient', '/s',
        '>= 3x', lambda x, b, r: r is not None and r >= 3)
    row('connect_fast_cpu_per_1000', 'fast path: CPU s per 1,000 hs',
        get(cf, 'cpu_s_per_1000'), get(ck, 'cpu_s_per_1000'), 'kclient',
        's', '<= 0.25x', lambda x, b, r: r is not None and r <= 0.25)
    # Fast against normal on the same set-up: the pass program the fast
    # path needs at the server (connect_pass), when the run has it.
    cp = P.get('connect_pass')
    cn, cn_name = (cp, 'xdpshake+pass') if cp else (cx, 'xdpshake')
    row('connect_fast_vs_normal', 'fast path: handshakes/s vs normal',
        get(cf, 'hs_per_s'), get(cn, 'hs_per_s'), cn_name, '/s')
    row('connect_fast_cpu_vs_normal', 'fast path: CPU per hs vs normal',
        get(cf, 'cpu_s_per_1000'), get(cn, 'cpu_s_per_1000'), cn_name, 's')
    row('connect_pass_hs_per_s', 'normal, server pass prog: hs/s',
        get(cp, 'hs_per_s'), get(cx, 'hs_per_s'), 'no prog', '/s')
    row('connect_pass_cpu_per_1000', 'normal, server pass prog: CPU/hs',
        get(cp, 'cpu_s_per_1000'), get(cx, 'cpu_s_per_1000'), 'no prog',
        's')

    sm, sx = P.get('scan_masscan'), P.get('scan_xdp')
    row('scan_syn_per_s', 'SYN-only scan %s: SYNs/s' % params['block'],
        get(sx, 'syn_per_s'), get(sm, 'syn_per_s'), 'masscan', '/s',
        '>= 8x', lambda x, b, r: r is not None and r >= 8)
    row('scan_synack_handled_per_s', 'scan: SYN-ACKs handled/s',
        get(sx, 'handled_per_s'), get(sm, 'handled_per_s'), 'masscan',
        '/s')
    row('scan_cpu_per_1000', 'scan: CPU s per 1,000 SYNs',
        get(sx, 'cpu_s_per_1000_syns'), get(sm, 'cpu_s_per_1000_syns'),
        'masscan', 's')
    sf = P.get('scan_fast')
    row('scan_fast_syn_per_s', 'fast SYN-only scan: SYNs/s',
        get(sf, 'syn_per_s'), get(sm, 'syn_per_s'), 'masscan', '/s',
        '>= 3x', lambda x, b, r: r is not None and r >= 3)
    row('scan_fast_vs_normal', 'fast scan: SYNs/s vs normal',
        get(sf, 'syn_per_s'), get(sx, 'syn_per_s'), 'xdpshake', '/s')
    row('scan_fast_cpu_per_1000', 'fast scan: CPU s per 1,000 SYNs',
        get(sf, 'cpu_s_per_1000_syns'), get(sx, 'cpu_s_per_1000_syns'),
        'xdpshake', 's')

    rm, rx = P.get('rscan_masscan'), P.get('rscan_xdp')
    row('scan_resp_syn_per_s', 'SYN-only scan, XDP responder: SYNs/s',
        get(rx, 'syn_per_s'), get(rm, 'syn_per_s'), 'masscan', '/s',
        '>= 8x', lambda x, b, r: r is not None and r >= 8)
    row('scan_resp_synack_handled_per_s', 'scan, responder: SYN-ACKs '
        'handled/s', get(rx, 'handled_per_s'), get(rm, 'handled_per_s'),
        'masscan', '/s')
    row('scan_resp_cpu_per_1000', 'scan, responder: CPU s per 1,000 SYNs',
        get(rx, 'cpu_s_per_1000_syns'), get(rm, 'cpu_s_per_1000_syns'),
        'masscan', 's')
    rf = P.get('rscan_fast')
    row('scan_fast_resp_syn_per_s', 'fast scan, responder: SYNs/s',
        get(rf, 'syn_per_s'), get(rx, 'syn_per_s'), 'xdpshake', '/s')
    row('scan_fast_resp_cpu_per_1000', 'fast scan, resp.: CPU s/1,000 SYNs',
        get(rf, 'cpu_s_per_1000_syns'), get(rx, 'cpu_s_per_1000_syns'),
        'xdpshake', 's')

    rb, rs = P.get('rss_big'), P.get('rss_small')
    big = get(rb, 'maxrss_kb')
    small = get(rs, 'maxrss_kb')
    row('scan_peak_rss_kib', 'peak RSS, 1M-target scan (base: /24)',
        big, small, 'xdpshake /24', 'KiB', 'same (<= 1.1x)',
        lambda x, b, r: r is not None and r <= 1.1)
    row('scan_fast_peak_rss_kib', 'fast path: peak RSS, 1M-target scan',
        get(P.get('rss_fast_big'), 'maxrss_kb'), big, 'without', 'KiB',
        'same (<= 1.1x)', lambda x, b, r: r is not None and r <= 1.1)

    rk, rx = P.get('resp_kernel'), P.get('resp_xdp')
    kc = '%sx kclient' % params.get('kclients', '?')
    row('responder_hs_per_s', 'handshakes/s against listen',
        get(rx, 'hs_per_s'), get(rk, 'hs_per_s'), kc, '/s',
        '>= 50,000/s', lambda x, b, r: x is not None and x >= 50000)
    row('responder_cpu_per_1000', 'CPU s per 1,000 hs against listen',
        get(rx, 'cpu_s_per_1000'), get(rk, 'cpu_s_per_1000'), kc, 's')

    lk, lx = P.get('ksrv_kernel'), P.get('ksrv_xdp')
    pk, px = P.get('prot_kernel'), P.get('prot_xdp')
    pf, lf = P.get('prot_flood'), P.get('ksrv_flood')
    row('listen_hs_per_s_kclient', 'listen vs kernel listener: hs/s, '
        'kclient', get(rk, 'hs_per_s'), get(lk, 'hs_per_s'),
        'kernel (cookies)', '/s', '>= 5x',
        lambda x, b, r: r is not None and r >= 5)
    row('listen_hs_per_s_connect', 'listen vs kernel listener: hs/s, '
        'connect', get(rx, 'hs_per_s'), get(lx, 'hs_per_s'),
        'kernel (cookies)', '/s', '>= 5x',
        lambda x, b, r: r is not None and r >= 5)
    row('listen_server_cpu_kclient', 'listen: server CPU s/1,000 hs, '
        'kclient', get(rk, 'server_cpu_per_1000'),
        get(lk, 'server_cpu_per_1000'), 'kernel (cookies)', 's', '<= 0.2x',
        lambda x, b, r: r is not None and r <= 0.2)
    row('listen_server_cpu_connect', 'listen: server CPU s/1,000 hs, '
        'connect', get(rx, 'server_cpu_per_1000'),
        get(lx, 'server_cpu_per_1000'), 'kernel (cookies)', 's', '<= 0.2x',
        lambda x, b, r: r is not None and r <= 0.2)
    # The floor under listen's row: what the server veth alone costs a
    # server with any XDP program, per client frame (floor_afxdp), times
    # the frames of one of listen's handshakes.  The kernel listener's row
    # includes the same cost (its veth runs the pass program), so the
    # ratio is the least listen's row could show with a program and
    # answers that cost nothing.
    fl = P.get('floor_afxdp')
    floor = None
    if get(fl, 'server_ns_per_frame') is not None and \
            get(rx, 'frames_per_hs') is not None:
        floor = fl['server_ns_per_frame'] * rx['frames_per_hs'] * 1e3 / 1e9
    row('listen_server_cpu_floor', 'floor: srv CPU s/1,000 hs, connect',
        floor, get(lx, 'server_cpu_per_1000'), 'kernel (cookies)', 's')
    # Capacity: handshakes per second of server CPU (one core), whatever
    # the client could send: what the >= 5x target asks of the server.
    row('listen_capacity_kclient', 'listen: hs per server CPU-s, %s' % kc,
        get(rk, 'server_capacity'), get(lk, 'server_capacity'),
        'kernel (cookies)', '/s', '>= 5x',
        lambda x, b, r: r is not None and r >= 5)
    row('listen_capacity_connect', 'listen: hs per server CPU-s, connect',
        get(rx, 'server_capacity'), get(lx, 'server_capacity'),
        'kernel (cookies)', '/s', '>= 5x',
        lambda x, b, r: r is not None and r >= 5)
    # --protect: what the kernel listener accept()ed behind it, against
    # the same listener answering with its own cookies.
    row('protect_accepted_kclient', '--protect: accepted/s, %s' % kc,
        get(pk, 'accepted_per_s'), get(lk, 'accepted_per_s'),
        'kernel (cookies)', '/s')
    row('protect_accepted_connect', '--protect: accepted/s, connect',
        get(px, 'accepted_per_s'), get(lx, 'accepted_per_s'),
        'kernel (cookies)', '/s')
    row('protect_accepted_flood', '--protect: accepted/s, SYN flood',
        get(pf, 'accepted_per_s'), get(lf, 'accepted_per_s'),
        'kernel (cookies)', '/s')
    row('protect_server_cpu_kclient', '--protect: server CPU s/1,000 acc.',
        get(pk, 'server_cpu_per_1000'), get(lk, 'server_cpu_per_1000'),
        'kernel (cookies)', 's')
    row('protect_server_cpu_connect', '--protect: srv CPU s/1,000, connect',
        get(px, 'server_cpu_per_1000'), get(lx, 'server_cpu_per_1000'),
        'kernel (cookies)', 's')
    row('protect_flood_syn_per_s', '--protect: SYNs/s answered, flood',
        rate_of(pf, 'listen_syn'), rate_of(lf, 'server_syncookies'),
        'kernel (cookies)', '/s')

    f24, f8, f0, fr = (get(P.get('first_syn_%s' % n), 'first_syn_ms')
                       for n in ('24', '8', '0', 'run_24'))
    row('first_syn_24_ms', 'time to first SYN, /24', f24, None, '', 'ms',
        '<= 100 ms', lambda x, b, r: x <= 100)
    row('first_syn_8_ms', 'time to first SYN, /8 (base: /24)', f8, f24,
        'xdpshake /24', 'ms', '<= 100 ms', lambda x, b, r: x <= 100)
    row('first_syn_0_ms', 'time to first SYN, /0 (base: /24)', f0, f24,
        'xdpshake /24', 'ms', '<= 100 ms, ~1x (<= 2x)',
        lambda x, b, r: x <= 100 and r is not None and r <= 2)
    row('first_syn_run_24_ms', 'first SYN, /24, attach for the run', fr,
        f24, 'after load', 'ms')
    # Unchanged: within 1.2x, or 5 ms (a scheduler tick or two on a
    # shared machine) for times this short.
    row('first_syn_fast_24_ms', 'fast path: first SYN, /24',
        get(P.get('first_syn_fast_24'), 'first_syn_ms'), f24, 'without',
        'ms', 'same (1.2x/5ms)',
        lambda x, b, r: r is not None and (r <= 1.2 or x - b <= 5))

    ipv6_rows(P, params, rows, row)

    row('server_synack_per_s', 'server kernel SYN-ACKs/s (connect)',
        get(cx, 'server_synack_per_s'), get(ck, 'server_synack_per_s'),
        'in kclient run', '/s', no_ratio=True)
    peak = max([v for v in (get(p, 'server_synack_per_s')
                            for p in (ck, cx, sm, sx)) if v] or [0]) or None
    row('server_synack_peak_per_s', 'server kernel SYN-ACKs/s, peak',
        peak, None, 'any phase', '/s', no_ratio=True)
    return rows


def ipv6_rows(P, params, rows, row):
    """The IPv6 rows (same veth, listener and clients as the IPv4 ones),
    each followed by its ratio against the IPv4 row's ratio: the target
    is IPv6 within 10% of IPv4's ratio (no worse than 0.9x of it)."""
    def v4_ratio(fid):
        for r in rows:
            if r['id'] == fid:
                return r['ratio']
        return None

    def within(x, b, r):
        return r is not None and r >= 0.9

    ck, cx = P.get('connect6_kernel'), P.get('connect6_xdp')
    row('connect6_hs_per_s', 'IPv6: handshakes/s, kernel listener',
        get(cx, 'hs_per_s'), get(ck, 'hs_per_s'), 'kclient', '/s')
    row('connect6_vs_ipv4', 'IPv6 hs/s ratio vs IPv4\'s ratio',
        rows[-1]['ratio'], v4_ratio('connect_hs_per_s'), 'IPv4 ratio', 'x',
        'within 10%', within)
    sm, sx = P.get('scan6_masscan'), P.get('scan6_xdp')
    row('scan6_syn_per_s', 'IPv6: SYN-only scan %s: SYNs/s' %
        params.get('block6', '?'), get(sx, 'syn_per_s'),
        get(sm, 'syn_per_s'), 'masscan', '/s')
    row('scan6_vs_ipv4', 'IPv6 scan ratio vs IPv4\'s ratio',
        rows[-1]['ratio'], v4_ratio('scan_syn_per_s'), 'IPv4 ratio', 'x',
        'within 10%', within)
    row('scan6_cpu_per_1000', 'IPv6 scan: CPU s per 1,000 SYNs',
        get(sx, 'cpu_s_per_1000_syns'), get(sm, 'cpu_s_per_1000_syns'),
        'masscan', 's')


def why_na(fid, params):
    """Why a figure has no xdpshake value or no baseline."""
    if fid.startswith(('connect', 'responder', 'server_synack_per_s',
                       'listen')) and \
            params.get('have_connect') != '1':
        return 'n/a (not built)'
    if ('fast' in fid and params.get('have_fast') != '1'):
        return 'n/a (not built)'
    if fid.startswith('scan') and params.get('have_scan') != '1':
        return 'n/a (not built)'
    if fid.startswith('scan') and params.get('have_masscan') != '1':
        return 'n/a (no masscan)'
    return 'n/a'


def fmt(v, unit):
    if v is None:
        return 'n/a'
    if unit == 's':
        return '%.4f' % v
    if unit in ('ms', 'us'):
        return '%.1f' % v
    if unit == 'x':
        return '%.2fx' % v
    if unit == 'KiB':
        return '{:,}'.format(int(v))
    return '{:,.0f}'.format(v)


def checks(P):
    """Cross-checks, run by run, between what clients say and what the
    servers saw."""
    out = []

    def note(ok, text):
        out.append({'ok': ok, 'text': text})

    def runs(name):
        return (P.get(name) or {}).get('runs', [])

    for name in ('connect_kernel', 'connect_xdp', 'connect_pass',
                 'connect_fast', 'connect6_kernel', 'connect6_xdp'):
        for p in runs(name):
            acc = get(p.get('kserver'), 'accepted')
            note(p.get('handshakes') is not None and acc is not None and
                 acc >= p['handshakes'],
                 '%s: %s handshakes, kserver accepted %s' %
                 (p['name'], p.get('handshakes'), acc))
    for name in ('ksrv_kernel', 'ksrv_xdp', 'ksrv_fast', 'ksrv_flood'):
        for p in runs(name):
            acc = get(p.get('kserver'), 'accepted')
            cookies = (p.get('server_tcp') or {}).get('TcpExt.SyncookiesSent')
            note(p.get('handshakes') is not None and acc is not None and
                 acc >= p['handshakes'],
                 '%s: %s handshakes, kserver accepted %s, %s SYN cookies '
                 'sent; veth drops %s' % (p['name'], p.get('handshakes'),
                                          acc, cookies, p.get('veth_drops')))
    for name in ('prot_kernel', 'prot_xdp', 'prot_flood'):
        for p in runs(name):
            cookies = (p.get('server_tcp') or {}).get('TcpExt.SyncookiesSent')
            # A final ACK the veth dropped is a handshake the client
            # counts and no server saw: said, not failed.
            note(p.get('accepted') is not None and
                 p.get('prot_assigned') == p['accepted'] and not cookies,
                 '%s: %s handshakes, kserver accepted %s, listen --protect '
                 'handed over %s, %s SYN cookies sent by the kernel; veth '
                 'drops %s' %
                 (p['name'], p.get('handshakes'), p.get('accepted'),
                  p.get('prot_assigned'), cookies, p.get('veth_drops')))
    for name in ('resp_kernel', 'resp_xdp'):
        for p in runs(name):
            note(p.get('handshakes') is not None and
                 p.get('acks_valid') == p['handshakes'],
                 '%s: %s handshakes, listen counted %s valid final '
                 'ACKs; veth drops %s' % (p['name'], p.get('handshakes'),
                                          p.get('acks_valid'),
                                          p.get('veth_drops')))
    # Every address of the block answers: a scanner that reports fewer
    # lost SYN-ACKs (the server then retransmits them, hence more
    # SYN-ACKs than SYNs).
    for name in ('limit_afxdp', 'limit_xdptx', 'limit_afxdp_q1',
                 'limit_xdptx_q1'):
        for p in runs(name):
            sent = p.get('blaster_frames')
            got = p.get('limit_frames')
            note(bool(sent) and got == sent,
                 '%s: the blaster sent %s frames of %s bytes, the sink '
                 'counted %s%s' % (p['name'], sent, p.get('frame_len'), got,
                                   '' if p.get('reflected') is None else
                                   ', %s reflected' % p['reflected']))
    for name in ('scan_masscan', 'scan_xdp', 'scan_fast', 'rscan_masscan',
                 'rscan_xdp', 'rscan_fast', 'scan_masscan_q1', 'scan_xdp_q1',
                 'scan_fast_q1', 'rscan_masscan_q1', 'rscan_xdp_q1',
                 'rscan_fast_q1', 'scan6_masscan', 'scan6_xdp'):
        for p in runs(name):
            note(bool(p.get('syns')) and
                 p.get('results_open') == p.get('syns'),
                 '%s: %s SYNs reached the server, it sent %s SYN-ACKs, '
                 '%s RSTs came back, %s open in the output' %
                 (p['name'], p.get('syns'), p.get('server_synacks'),
                  p.get('rsts'), p.get('results_open')))
    for name in ('rss_big', 'rss_small', 'rss_fast_big', 'scan_xdp',
                 'scan_fast', 'scan6_xdp'):
        for p in runs(name):
            s = p.get('summary') or {}
            note(p.get('exit') == 0,
                 '%s: %s sent, %s open in %s s: peak RSS %s KiB' %
                 (p['name'], s.get('sent'), s.get('open'),
                  s.get('duration_s'), p.get('maxrss_kb')))
    # Stopped by SIGINT after 2 s: 130, or 0 from a build before the
    # interrupt exit code.
    for name in ('first_syn_24', 'first_syn_8', 'first_syn_0',
                 'first_syn_run_24', 'first_syn_fast_24'):
        for p in runs(name):
            note(p.get('first_syn_ms') is not None and
                 p.get('exit') in (0, 130),
                 '%s: first SYN after %s ms, %s SYNs in 2 s, exit %s' %
                 (p['name'], p.get('first_syn_ms'), p.get('syns'),
                  p.get('exit')))
    for name in sorted(P):
        if name.startswith('first_syn'):
            continue
        for p in runs(name):
            if p.get('exit') not in (0, None):
                note(False, '%s: client exit status %s: %s' %
                     (p['name'], p['exit'],
                      p.get('stderr_tail', '').strip()[-300:]))
    return out


# Rows read against the ceiling of their queue count (*_q1: one queue).
LIMIT_ROWS = ('connect_kernel', 'connect_xdp', 'connect_pass',
              'connect_fast',
              'connect6_kernel', 'connect6_xdp', 'scan6_masscan',
              'scan6_xdp',
              'scan_masscan', 'scan_xdp', 'scan_fast', 'rscan_masscan',
              'rscan_xdp', 'rscan_fast', 'resp_kernel', 'resp_xdp',
              'ksrv_kernel', 'ksrv_xdp', 'ksrv_fast', 'prot_kernel',
              'prot_xdp', 'prot_flood', 'ksrv_flood', 'scan_masscan_q1',
              'scan_xdp_q1',
              'scan_fast_q1', 'rscan_masscan_q1', 'rscan_xdp_q1',
              'rscan_fast_q1')
PHASES = ('limit_afxdp', 'limit_xdptx', 'connect_kernel', 'connect_xdp',
          'connect_pass', 'connect_fast', 'connect6_kernel', 'connect6_xdp',
          'scan_masscan', 'scan_xdp', 'scan_fast', 'scan6_masscan',
          'scan6_xdp',
          'rscan_masscan', 'rscan_xdp', 'rscan_fast',
          'rss_big', 'rss_small', 'rss_fast_big', 'resp_kernel', 'resp_xdp',
          'ksrv_kernel', 'ksrv_xdp', 'ksrv_fast', 'prot_kernel', 'prot_xdp',
          'prot_flood', 'ksrv_flood', 'floor_afxdp',
          'first_syn_24', 'first_syn_8', 'first_syn_0', 'first_syn_run_24',
          'first_syn_fast_24',
          'limit_afxdp_q1', 'limit_xdptx_q1', 'scan_masscan_q1',
          'scan_xdp_q1', 'scan_fast_q1', 'rscan_masscan_q1', 'rscan_xdp_q1',
          'rscan_fast_q1')


def limit_table(P, params):
    """Each row's frames/s as a share of the blaster's at the same queue
    count, and what ran out first.  Fills P[n]['pct_limit']."""
    out = []
    for n in ('limit_afxdp', 'limit_xdptx', 'limit_afxdp_q1',
              'limit_xdptx_q1') + LIMIT_ROWS:
        p = P.get(n)
        if not p:
            continue
        lim = get(P.get('limit_afxdp_q1' if n.endswith('_q1')
                        else 'limit_afxdp'), 'frames_per_s')
        fps = p.get('frames_per_s')
        p['pct_limit'] = 100.0 * fps / lim if fps and lim else None
        syn = p.get('syn_per_s') if 'scan' in n else None
        p['syn_pct_limit'] = 100.0 * syn / lim if syn and lim else None
        out.append({'phase': n, 'queues': 1 if n.endswith('_q1') else
                    int(params.get('queues') or 0),
                    'frames_per_s': fps, 'via': p.get('frames_via') or
                    ('AF_XDP' if n.startswith('limit_afxdp') else 'XDP_TX'),
                    'pct_limit': p['pct_limit'],
                    'syn_pct_limit': p['syn_pct_limit'],
                    'busy_pct': p.get('busy_pct'),
                    'softirq_pct': p.get('softirq_pct'),
                    'client_cpu_pct': p.get('client_cpu_pct'),
                    'ring_drops': p.get('ring_drops'),
                    'bottleneck': p.get('bottleneck')})
    return out


def print_limit_table(rows):
    if not rows:
        return
    print('%-17s %2s %10s %-6s %7s %7s %6s %6s %6s  %s' % (
        'vs the limit', 'q', 'frames/s', 'via', '% limit', 'SYN %',
        'cores', 'sirq', 'client', 'ran out first'))
    for r in rows:
        def pct(v):
            return 'n/a' if v is None else '%.0f%%' % v
        print('%-17s %2s %10s %-6s %7s %7s %6s %6s %6s  %s' % (
            r['phase'], r['queues'], fmt(r['frames_per_s'], '/s'), r['via'],
            pct(r['pct_limit']), pct(r['syn_pct_limit']),
            pct(r['busy_pct']), pct(r['softirq_pct']),
            pct(r['client_cpu_pct']), r['bottleneck'] or 'n/a'))
    print('limit: the blaster\'s TX-only AF_XDP frames/s counted by an XDP '
          'sink at the server,')
    print('at the same queue count (100%); frames/s: what the row put '
          'through AF_XDP (sent +')
    print('received, its own counters) or, for masscan and kclient, the same '
          'frames on the veth;')
    print('SYN %: first SYNs/s alone; cores: both CPUs busy (100% = both), '
          'sirq: softirq share')
    print()


SERVER_ROWS = ('resp_kernel', 'resp_xdp', 'ksrv_kernel', 'ksrv_xdp',
               'ksrv_fast', 'prot_kernel', 'prot_xdp', 'prot_flood', 'ksrv_flood')


def print_server_table(P):
    """The listen phases' server side: handshakes it completed, and the CPU
    of its veth's NAPI kthreads and its processes (threaded NAPI)."""
    if not any(P.get(n) for n in SERVER_ROWS + ('floor_afxdp',)):
        return
    print('%-12s %10s %10s %9s %9s %9s %7s %7s %11s' % (
        'server', 'done/s', 'client/s', 'napi s', 'procs s', 'cli napi',
        'us/hs', 'bpf us', 'hs/CPU-s'))
    for n in SERVER_ROWS:
        p = P.get(n)
        if not p:
            continue
        done = p.get('accepted_per_s') if n.startswith(('ksrv', 'prot')) \
            else p.get('hs_per_s')
        per = p.get('server_cpu_per_1000')
        bpf = p.get('server_bpf_us')
        print('%-12s %10s %10s %9s %9s %9s %7s %7s %11s' % (
            n, fmt(done, '/s'), fmt(p.get('hs_per_s'), '/s'),
            fmt(p.get('server_napi_s'), 's'),
            fmt(p.get('server_procs_s'), 's'),
            fmt(p.get('client_napi_s'), 's'),
            'n/a' if per is None else '%.1f' % (per * 1000.0),
            'n/a' if bpf is None else '%.2f' % bpf,
            fmt(p.get('server_capacity'), '/s')))
    print('done/s: handshakes the server completed (kserver\'s accepts, '
          'listen\'s valid final ACKs)')
    print('per second of the client\'s run; napi s: CPU of the server '
          'veth\'s threaded NAPI kthreads')
    print('(its XDP program, its TCP stack, XDP_TX); procs s: kserver\'s and '
          'listen\'s own; cli napi: the')
    print('client veth\'s kthreads; us/hs and hs/CPU-s: server CPU (napi + '
          'procs) per handshake done;')
    print('bpf us: of which the server\'s BPF programs (listen\'s XDP and TC, '
          'or the pass program),')
    print('their run_time_ns per handshake (kernel.bpf_stats_enabled)')
    fl, rx = P.get('floor_afxdp'), P.get('resp_xdp')
    if fl and fl.get('server_ns_per_frame') is not None:
        fph = (rx or {}).get('frames_per_hs')
        print('floor_afxdp: %s frames at %s/s, %.0f ns of server NAPI CPU '
              'a frame (XDP sink,' % (fmt(fl.get('limit_frames'), ''),
                                      fmt(fl.get('frames_per_s'), '/s'),
                                      fl['server_ns_per_frame']))
        print('AF_XDP copy-mode frames as connect\'s)%s' % (
            '' if fph is None else '; x %.2f frames a listen handshake = '
            '%.2f us/hs' % (fph, fl['server_ns_per_frame'] * fph / 1e3)))
    print()


def print_report(m, params, rows, P, notes, results, lim):
    print()
    print('xdpshake bench: %s, %s CPUs, %s GiB, Linux %s%s, %s, commit %s' %
          (m.get('cpu', '?'), m.get('cpus'), m.get('mem_gib', '?'),
           m.get('kernel'), ' (%s)' % m['virt'] if m.get('virt') else '',
           m.get('date'), m.get('commit', '?')))
    print('%s; %s s per connect run, %s in flight, '
          'scans of %s; medians of %s runs; load average at start %s' %
          ('two veths joined by an XDP patch cable (BENCH_WIRE=1)'
           if params.get('wire') == '1' else 'veth between two namespaces',
           params.get('secs'), params.get('conc'), params.get('block'),
           params.get('runs'), params.get('load_start')))
    print()
    hdr = '%-38s %11s %11s %-14s %6s  %-15s %s' % (
        'figure', 'xdpshake', 'baseline', '(baseline)', 'ratio', 'target',
        '')
    print(hdr)
    print('-' * len(hdr))
    for r in rows:
        rt = 'n/a' if r['ratio'] is None else '%.2fx' % r['ratio']
        if r['id'].startswith('server_'):
            rt = ''
        met = {True: 'met', False: 'NOT met', None: ''}[r['met']]
        if r['met'] is None and (r['xdpshake'] is None or (
                r['baseline'] is None and not r['id'].startswith('server_'))):
            met = why_na(r['id'], params)
        print('%-38s %11s %11s %-14s %6s  %-15s %s' % (
            r['figure'], fmt(r['xdpshake'], r['unit']),
            fmt(r['baseline'], r['unit']), r['baseline_is'], rt,
            r['target'] or '', met))
    print()
    print('%-17s %5s %11s %11s %10s %11s %8s' % (
        'phase', 'runs', 'client /s', 'server SA/s', 'client CPU',
        'machine CPU', 'softirq'))
    for n in PHASES:
        p = P.get(n)
        if not p:
            why = 'n/a (no masscan)' if n.endswith('masscan') else \
                'n/a (not built)'
            print('%-17s %5s' % (n, why))
            continue
        main_rate = p.get('syn_per_s') if 'scan' in n \
            else p.get('frames_per_s') if n.startswith(('limit_', 'floor_')) \
            else p.get('hs_per_s')
        print('%-17s %5d %11s %11s %9s%% %10s%% %7s%%' % (
            n, len(p['runs']), fmt(main_rate, '/s'),
            fmt(p.get('server_synack_per_s'), '/s'),
            fmt(p.get('client_cpu_pct'), '/s'), fmt(p.get('busy_pct'), '/s'),
            fmt(p.get('softirq_pct'), '/s')))
    print('client /s: handshakes/s (SYNs/s for scans, frames/s for limits); '
          'server SA/s: SYN-ACKs/s')
    print('the server kernel sent;', end=' ')
    print('client CPU: 100%% = one core; machine CPU: all %s cores, softirq '
          'included' % m.get('cpus'))
    print()
    print_limit_table(lim)
    print_server_table(P)
    for c in notes:
        print('%s %s' % ('  ok' if c['ok'] else '  !!', c['text']))
    print()
    print('results: %s' % results)


def main():
    tmp, results = sys.argv[1], sys.argv[2]
    params = dict(a.split('=', 1) for a in sys.argv[3:])
    P = {}
    for n in PHASES:
        p = read_phases(tmp, n, int(params.get('queues') or 0))
        if p:
            P[n] = p
    m = machine()
    rows = figures(P, params)
    lim = limit_table(P, params)
    notes = checks(P)
    doc = {'machine': m, 'params': params, 'figures': rows,
           'limit': lim, 'checks': notes, 'phases': P}
    with open(results, 'w') as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write('\n')
    print_report(m, params, rows, P, notes, results, lim)
    return 0


if __name__ == '__main__':
    sys.exit(main())
