#!/usr/bin/env bash
# Decides which stacks the deploy workflow deploys, and writes `stacks=<JSON array>` to $GITHUB_OUTPUT.
#   due-stacks.sh all   every stack in stacks/ (a push to main, or a manual run)
#   due-stacks.sh due   only the stacks `npm run due` finds due today (the daily schedule): a rotation is due, a
#                       client is not deployed yet, or the newest deployed secret is inside the expiry warning window
# For `due`, each stack's deployed outputs come from `pulumi stack output --json` (PULUMI_ACCESS_TOKEN; PULUMI_ORG
# optional); a stack whose outputs cannot be read counts as not deployed, so it is deployed (and fails loudly there if
# it does not exist). The reasons go to the log and to $GITHUB_STEP_SUMMARY.
set -euo pipefail
mode=${1:?usage: due-stacks.sh all|due}
here=$(dirname "$0")
all=$(bash "$here/list-stacks.sh")
summary=${GITHUB_STEP_SUMMARY:-/dev/null}

if [ "$mode" = "all" ]; then
  echo "Deploying every stack: $all"
  echo "### Stacks to deploy: all ($all)" >> "$summary"
  echo "stacks=$all" >> "$GITHUB_OUTPUT"
  exit 0
fi
if [ "$mode" != "due" ]; then
  echo "usage: due-stacks.sh all|due" >&2
  exit 2
fi

mkdir -p .due
due=()
echo "### Scheduled deploy: stacks due today" >> "$summary"
for stack in $(echo "$all" | jq -r '.[]'); do
  full="${PULUMI_ORG:+$PULUMI_ORG/}$stack"
  if ! pulumi stack output --json --stack "$full" > ".due/$stack.outputs.json" 2> ".due/$stack.outputs.err"; then
    echo "::notice title=Deployed outputs ($stack)::could not read the outputs of $full: counted as not deployed"
    cat ".due/$stack.outputs.err" >&2
    echo '{}' > ".due/$stack.outputs.json"
  fi
  set +e
  npm run --silent due -- --stack "$stack" --outputs ".due/$stack.outputs.json" --format json > ".due/$stack.json" 2> ".due/$stack.err"
  code=$?
  set -e
  if [ "$code" -ne 0 ]; then
    cat ".due/$stack.err" >&2
    echo "::error title=Due check ($stack)::npm run due failed (exit code $code)"
    exit "$code"
  fi
  if [ "$(jq -r .due ".due/$stack.json")" = "true" ]; then
    due+=("$stack")
    echo "- \`$stack\`: due" >> "$summary"
  else
    echo "- \`$stack\`: nothing due" >> "$summary"
  fi
  jq -r '.reasons[] | "  - [\(.kind)] \(.message)"' ".due/$stack.json" | tee -a "$summary"
done
list=$(printf '%s\n' "${due[@]+"${due[@]}"}" | sed '/^$/d' | jq -R . | jq -cs .)
echo "Stacks due: $list"
echo "stacks=$list" >> "$GITHUB_OUTPUT"
