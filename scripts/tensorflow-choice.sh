#!/usr/bin/env bash
# Refuse a TensorFlow choice the .venv cannot honour: `tensorflow-cpu` and `tensorflow` are two
# distributions of one package, so installing the other extra into an existing .venv would put
# both in it (each overwriting the other's files). Usage: tensorflow-choice.sh VENV cpu|gpu
set -euo pipefail
venv=$1 wanted=$2
case "$wanted" in cpu | gpu) ;; *)
  echo "TF must be cpu or gpu, not '$wanted'" >&2
  exit 2
  ;;
esac
[ -x "$venv/bin/python" ] || exit 0 # no .venv yet: it will be made for $wanted
if [ -f "$venv/.tensorflow" ]; then
  made_for=$(cat "$venv/.tensorflow")
else # a .venv from before the marker: tell by what is installed in it
  made_for=$("$venv/bin/python" - <<'PY'
import platform
from importlib.metadata import PackageNotFoundError, distribution

try:
    distribution("tensorflow-cpu")
    print("cpu")
except PackageNotFoundError:
    # On x86_64 the old `cpu` default was tensorflow-cpu, so `tensorflow` came from `gpu`;
    # elsewhere (aarch64) both installs were `tensorflow`: taken as the default, cpu.
    print("gpu" if platform.machine() == "x86_64" else "cpu")
PY
)
fi
if [ "$made_for" != "$wanted" ]; then
  echo "$venv was made for TF=$made_for, not TF=$wanted: remove it (rm -rf $venv) to switch" >&2
  exit 2
fi
