#!/usr/bin/env bash
# Compare two adversarial losses as DVC experiments and print which is better on the gate metric.
#
#   examples/compare_losses.sh [LOSS_A] [LOSS_B] [-S KEY=VALUE ...]
#   examples/compare_losses.sh                         # non_saturating vs hinge
#   examples/compare_losses.sh wgan_gp least_squares -S train.epochs=2
#
# Runs `dvc exp run -S train.loss=LOSS` once per loss, one after the other in this workspace
# (further -S arguments go to both), then shows both with `dvc exp show` and compares them on
# register.metric (fid_domain by default) with `dvc metrics diff`. Run it from the project
# folder, a git repo with at least one commit, after `ganops import-data`. The workspace is
# left holding LOSS_B's run: `dvc exp apply NAME` brings back either one.
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
loss_a=non_saturating
loss_b=hinge
if [ $# -ge 1 ] && [[ $1 != -* ]]; then loss_a=$1; shift; fi
if [ $# -ge 1 ] && [[ $1 != -* ]]; then loss_b=$1; shift; fi
[ "$loss_a" != "$loss_b" ] || usage

# Validate both losses (and any -S overrides) before training anything: a typo fails here,
# naming the key and the allowed values.
sets=()
for arg in "$@"; do [ "$arg" = -S ] || sets+=(--set "$arg"); done
for loss in "$loss_a" "$loss_b"; do ganops params --set "train.loss=$loss" "${sets[@]}" >/dev/null; done
read -r metric lower_is_better < <(ganops params "${sets[@]}" | python -c '
import json, sys
register = json.load(sys.stdin)["register"]
print(register["metric"], int(register["lower_is_better"]))')

# Experiment names must be new in this repo: a timestamp keeps reruns apart.
stamp=$(date +%Y%m%d-%H%M%S)
exp_a="$loss_a-$stamp"
exp_b="$loss_b-$stamp"
for pair in "$exp_a:$loss_a" "$exp_b:$loss_b"; do
    echo "== dvc exp run -n ${pair%%:*} -S train.loss=${pair#*:} $*"
    dvc exp run -n "${pair%%:*}" -S "train.loss=${pair#*:}" "$@"
done

echo "== dvc exp show"
dvc exp show --no-pager --md --drop '.*' --keep "^(Experiment|train.loss|$metric)\$"
echo "== dvc metrics diff $exp_a $exp_b"
dvc metrics diff "$exp_a" "$exp_b"  # changed metrics only; JSON below has all
dvc metrics diff --all --json "$exp_a" "$exp_b" | python -c '
import json, sys
metric, lower, exp_a, exp_b, loss_a, loss_b = sys.argv[1:]
values = next(m[metric] for m in json.load(sys.stdin).values() if metric in m)
a, b = values["old"], values["new"]
if a == b:
    print(f"tie on {metric}: {a:.4g} for both {loss_a} and {loss_b}")
    sys.exit(0)
a_wins = (a < b) == (lower == "1")
best, worst = ((loss_a, exp_a, a), (loss_b, exp_b, b)) if a_wins else ((loss_b, exp_b, b), (loss_a, exp_a, a))
direction = "lower" if lower == "1" else "higher"
print(f"better on {metric} ({direction} is better): {best[0]} {best[2]:.4g} vs {worst[0]} {worst[2]:.4g}")
print(f"keep it: dvc exp apply {best[1]} && ganops promote")
' "$metric" "$lower_is_better" "$exp_a" "$exp_b" "$loss_a" "$loss_b"
