#!/usr/bin/env bash
# Train, evaluate and register a character-level text GAN on your own UTF-8 text file.
#
#   examples/own_text_file.sh FILE MODEL_NAME [--set KEY=VALUE ...] [--out DIR]
#   examples/own_text_file.sh data/my-lines.txt my-lines --set train.epochs=5
#
# FILE holds one sample per line (or samples separated by text.separator). The settings start
# from params-text.yaml (Gulrajani et al.'s char-level WGAN-GP; samples cut to text.max_length
# characters); every further argument goes to `ganops pipeline` unchanged. Outputs go to
# artifacts/text unless you pass --out. Run it from the project folder.
set -euo pipefail

if [ $# -lt 2 ]; then
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
file=$1
model_name=$2
shift 2

ganops pipeline --params params-text.yaml --out artifacts/text \
    --set data.dataset=text-file \
    --set "data.path=$file" \
    --set "register.model_name=$model_name" \
    "$@"

echo "registered generator: models:/$model_name@candidate (and @champion if it passed the gate)"
echo "sample it: python examples/pull_and_sample.py --uri models:/$model_name@champion -n 20"
