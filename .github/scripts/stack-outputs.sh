#!/usr/bin/env bash
# Writes a stack's deployed outputs (`pulumi stack output --json`) to a file, for `npm run due` and the deploy gate.
#   stack-outputs.sh <stack> <file>     (PULUMI_ORG, when set, qualifies the stack as <org>/<stack>)
# Exit codes: 0 written ({} for a stack created but never deployed); 4 the stack does not exist in the Pulumi backend
# (a notice says so, no file); 1 anything else (no token, no network...): the CLI's message and an error. A failure to
# read outputs is never taken for "not deployed": that would deploy every stack every day, or hide a stack that is gone.
set -uo pipefail
stack=${1:?usage: stack-outputs.sh <stack> <file>}
file=${2:?usage: stack-outputs.sh <stack> <file>}
full="${PULUMI_ORG:+$PULUMI_ORG/}$stack"
if pulumi stack output --json --stack "$full" > "$file" 2> "$file.err"; then
  rm -f "$file.err"
  exit 0
fi
err=$(cat "$file.err")
rm -f "$file.err" "$file"
if grep -qi "no stack named" <<< "$err"; then
  echo "::notice title=Stack $stack not created::$full does not exist in the Pulumi backend yet (README.md, Adding an environment)"
  exit 4
fi
echo "$err" >&2
echo "::error title=Deployed outputs ($stack)::could not read the outputs of $full (see the log above)"
exit 1
