#!/usr/bin/env bash
# Which stacks the deploy workflow deploys, and whether any fell behind its rotations.
#   due-stacks.sh all     every stack in stacks/ (a push to main, or a manual run); writes stacks= and stale=
#   due-stacks.sh due     only the stacks `npm run due` finds due today (the daily schedule); writes stacks= and stale=
#   due-stacks.sh check   no deploy: fails (exit 1) if a stack fell behind (pull requests)
# ONLY_STACK (manual runs, pull requests): that stack only. ALLOW_SECRET_DROP (manual runs) needs ONLY_STACK.
# Every stack's deployed outputs are read (stack-outputs.sh) and `npm run due` runs for it in every mode, so that a stack
# whose rotation has waited since before today with its newest secret inside the warning window (STALE: the daily
# deploys did not run) is reported whatever triggered the run; `stale=` lists them and the workflow fails once the
# deploys are done. A stack missing from the backend is skipped with a notice (kept on a push: its deploy says what to
# do). A stack whose due check fails is logged and counted as due, so that its own deploy fails loudly while the others
# go on. Any other failure to read outputs fails this step. Reasons go to the log and $GITHUB_STEP_SUMMARY.
set -euo pipefail
mode=${1:-}
case "$mode" in all | due | check) ;; *)
  echo "usage: due-stacks.sh all|due|check" >&2
  exit 2
  ;;
esac
here=$(dirname "$0")
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
output=${GITHUB_OUTPUT:-/dev/null}
all=$(bash "$here/list-stacks.sh")
if [ -n "${ONLY_STACK:-}" ]; then
  if ! jq -e --arg s "$ONLY_STACK" 'index($s) != null' <<< "$all" > /dev/null; then
    echo "::error title=Unknown stack::'$ONLY_STACK' is not one of $all (stacks/Pulumi.<stack>.yaml)"
    exit 2
  fi
  all=$(jq -cn --arg s "$ONLY_STACK" '[$s]')
elif [ -n "${ALLOW_SECRET_DROP:-}" ]; then
  echo "::error title=allow-secret-drop::allow-secret-drop lets valid secrets go: name the one stack it is for in only-stack"
  exit 2
fi

mkdir -p .due
picked=()
stale=()
echo "### Stacks ($mode): what is due today" >> "$summary"
for stack in $(jq -r '.[]' <<< "$all"); do
  set +e
  bash "$here/stack-outputs.sh" "$stack" ".due/$stack.outputs.json"
  code=$?
  set -e
  if [ "$code" -eq 4 ]; then
    echo "- \`$stack\`: not created in the Pulumi backend yet" >> "$summary"
    if [ "$mode" = "all" ]; then picked+=("$stack"); fi
    continue
  fi
  if [ "$code" -ne 0 ]; then exit 1; fi
  set +e
  npm run --silent due -- --stack "$stack" --outputs ".due/$stack.outputs.json" --format json > ".due/$stack.json" 2> ".due/$stack.err"
  code=$?
  set -e
  if [ "$code" -ne 0 ]; then
    cat ".due/$stack.err" >&2
    echo "::error title=Due check ($stack)::npm run due failed (exit code $code): counted as due, so that its deploy shows the problem"
    echo "- \`$stack\`: :x: the due check failed (exit code $code)" >> "$summary"
    picked+=("$stack")
    continue
  fi
  if [ "$(jq -r .stale ".due/$stack.json")" = "true" ]; then
    stale+=("$stack")
    echo "::error title=Rotations fell behind ($stack)::$(jq -r '[.reasons[] | select(.kind == "stale") | .message] | join(" ")' ".due/$stack.json")"
    echo "- \`$stack\`: :x: STALE: the scheduled deploys did not run" >> "$summary"
  elif [ "$(jq -r .due ".due/$stack.json")" = "true" ]; then
    echo "- \`$stack\`: due" >> "$summary"
  else
    echo "- \`$stack\`: nothing due" >> "$summary"
  fi
  jq -r '(.reasons[] | "  - [\(.kind)] \(.message)"), (.blocked[] | "  - [deploy gate would refuse] \(.message)")' ".due/$stack.json" | tee -a "$summary"
  if [ "$mode" = "all" ] || [ "$(jq -r .due ".due/$stack.json")" = "true" ]; then picked+=("$stack"); fi
done

json() { printf '%s\n' "$@" | sed '/^$/d' | jq -R . | jq -cs .; }
stale_list=$(json "${stale[@]+"${stale[@]}"}")
if [ "$mode" = "check" ]; then
  if [ "${#stale[@]}" -gt 0 ]; then
    echo "Stale: $stale_list"
    exit 1
  fi
  exit 0
fi
list=$(json "${picked[@]+"${picked[@]}"}")
echo "Stacks to deploy: $list"
echo "stacks=$list" >> "$output"
echo "stale=$stale_list" >> "$output"
