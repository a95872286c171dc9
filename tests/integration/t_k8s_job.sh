#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# doc/k8s-scan-job.yaml, the README's worked example of a scan spread over
# nodes as a Kubernetes Indexed Job:
#   - it is valid YAML (PyYAML), one batch/v1 Job, completionMode Indexed,
#     completions = parallelism = its SHARDS, hostNetwork, bpffs mounted,
#     and it adds the capabilities 'scan' checks for, each one a name
#     user/sys/caps.c knows;
#   - its container command, run by sh for every index as the kubelet
#     would (JOB_COMPLETION_INDEX 0..N-1 and the env from the file), calls
#     'xdpshake scan' with --shard I/N for I = index + 1 and the same
#     --seed, and xdpshake's own option parser accepts those arguments
#     (--print-default-exclude: parse every option, send nothing);
#   - one index too many is refused by that parser (the check can fail).
source "$(dirname "$0")/lib.sh"
xs_init k8s
if [ ! -x "$XS_BIN" ]; then
	fail "$XS_TEST" "$XS_BIN not built (run make)"
	xs_done
fi
Y=$XS_ROOT/doc/k8s-scan-job.yaml

# The fields, as shell assignments (or a FAIL line naming what is wrong).
"$XS_PY" - "$Y" "$XS_ROOT/user/sys/caps.c" >"$XS_TMP/fields" 2>&1 <<'PY'
import re, shlex, sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
caps_c = open(sys.argv[2]).read()
def need(cond, why):
    if not cond:
        print("FAIL: k8s_fields: " + why)
        sys.exit(1)
need(len(docs) == 1, "expected one document, got %d" % len(docs))
job = docs[0]
need(job.get("apiVersion") == "batch/v1" and job.get("kind") == "Job", "not a batch/v1 Job")
spec = job["spec"]
pod = spec["template"]["spec"]
ctr = pod["containers"][0]
env = {e["name"]: e["value"] for e in ctr.get("env", [])}
need(spec.get("completionMode") == "Indexed", "completionMode is not Indexed")
need(str(spec["completions"]) == env.get("SHARDS") == str(spec["parallelism"]),
     "completions, parallelism and SHARDS differ")
need(pod.get("hostNetwork") is True, "no hostNetwork")
need(pod.get("restartPolicy") == "Never", "restartPolicy is not Never")
caps = ctr["securityContext"]["capabilities"]["add"]
for c in ["NET_ADMIN", "BPF", "NET_RAW", "PERFMON"]:
    need(c in caps, "capability %s not added" % c)
for c in caps:
    need('"CAP_%s"' % c in caps_c, "capability %s unknown to user/sys/caps.c" % c)
mounts = [m["mountPath"] for m in ctr.get("volumeMounts", [])]
need("/sys/fs/bpf" in mounts, "bpffs not mounted")
need(ctr["command"] == ["/bin/sh", "-c"] and len(ctr["args"]) == 1,
     "command is not /bin/sh -c with one script")
print("SHARDS=%s" % shlex.quote(env["SHARDS"]))
print("SEED=%s" % shlex.quote(env["SEED"]))
print("SCRIPT=%s" % shlex.quote(ctr["args"][0]))
PY
if grep -q '^FAIL' "$XS_TMP/fields" || ! grep -q '^SCRIPT=' "$XS_TMP/fields"; then
	grep -q '^FAIL' "$XS_TMP/fields" || fail k8s_fields "$(head -3 "$XS_TMP/fields")"
	grep '^FAIL' "$XS_TMP/fields"
	XS_FAILED=$((XS_FAILED + 1))
	xs_done
fi
pass k8s_yaml_valid
pass k8s_fields
source "$XS_TMP/fields"

# 'xdpshake' for the script: records its arguments, then runs the real
# parser on them without sending.
mkdir -p "$XS_TMP/bin"
cat >"$XS_TMP/bin/xdpshake" <<SH
#!/bin/sh
printf '%s\n' "\$@" >"$XS_TMP/args.\$JOB_COMPLETION_INDEX"
exec "$XS_BIN" "\$@" --print-default-exclude >/dev/null
SH
chmod +x "$XS_TMP/bin/xdpshake"
run_index() {
	env -i PATH="$XS_TMP/bin:/usr/bin:/bin" JOB_COMPLETION_INDEX="$1" \
		SHARDS="$SHARDS" SEED="$SEED" /bin/sh -c "$SCRIPT" 2>"$XS_TMP/err.$1"
}
bad=
for ((i = 0; i < SHARDS; i++)); do
	run_index "$i" || bad+=" index $i: exit $? ($(head -1 "$XS_TMP/err.$i"))"
	[ "$(sed -n 1,2p "$XS_TMP/args.$i" 2>/dev/null | tr '\n' ' ')" = "scan -i " ] ||
		bad+=" index $i: not 'xdpshake scan -i ...'"
	grep -qx -- "--shard" "$XS_TMP/args.$i" &&
		[ "$(grep -A1 -x -- --shard "$XS_TMP/args.$i" | tail -1)" = "$((i + 1))/$SHARDS" ] ||
		bad+=" index $i: no --shard $((i + 1))/$SHARDS"
	[ "$(grep -A1 -x -- --seed "$XS_TMP/args.$i" | tail -1)" = "$SEED" ] ||
		bad+=" index $i: no --seed $SEED"
done
check k8s_args_parse "the job's scan arguments:$bad" test -z "$bad"
run_index "$SHARDS"
rc=$?
check k8s_parser_checks_shard "index $SHARDS (shard $((SHARDS + 1))/$SHARDS) was not refused: exit $rc, $(head -1 "$XS_TMP/err.$SHARDS")" \
	sh -c "[ $rc = 1 ] && grep -q 'shard number must be from 1 to $SHARDS' '$XS_TMP/err.$SHARDS'"
xs_done
