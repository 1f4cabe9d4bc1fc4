#!/usr/bin/env bash
# Train, evaluate and register a GAN on your own folder of PNG/JPEG images.
#
#   examples/own_image_folder.sh FOLDER MODEL_NAME [--set KEY=VALUE ...] [--out DIR]
#   examples/own_image_folder.sh data/my-shoes my-shoes --set data.image_size=32 --set data.channels=3
#
# FOLDER holds the images, optionally one subfolder per class (the subfolder names become the
# labels). Images must be data.image_size square (28 by default; 32 and 64 work too) unless you
# add --set data.resize=true. Every further argument goes to `ganops pipeline` unchanged.
# Run it from the project folder; `dvc add data` first if FOLDER is under data/ and you want it
# versioned.
set -euo pipefail

if [ $# -lt 2 ]; then
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
folder=$1
model_name=$2
shift 2

ganops pipeline \
    --set data.dataset=image-folder \
    --set "data.path=$folder" \
    --set "register.model_name=$model_name" \
    "$@"

echo "registered generator: models:/$model_name@candidate (and @champion if it passed the gate)"
echo "sample it: python examples/pull_and_sample.py --uri models:/$model_name@champion -o $model_name.png"
