#!/usr/bin/env bash
# Prints the stacks of this repository as a JSON array, one per stacks/Pulumi.<stack>.yaml, sorted by name:
#   ["dev","prod"]
# Used by the pull-request and deploy workflows, so that no workflow names a stack.
set -euo pipefail
shopt -s nullglob
files=(stacks/Pulumi.*.yaml)
for f in "${files[@]}"; do
  name=${f#stacks/Pulumi.}
  printf '%s\n' "${name%.yaml}"
done | LC_ALL=C sort | jq -R . | jq -cs .
