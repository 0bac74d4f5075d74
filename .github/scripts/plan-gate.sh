#!/usr/bin/env bash
# The deploy gate: the offline plan of one stack with --deploy-gate, against the stack's deployed outputs.
#   plan-gate.sh <stack> <outputs file> [<clients whose valid secrets may be dropped>]
# Its findings go to the log and to $GITHUB_STEP_SUMMARY whatever its exit code (a failing plan must still show why),
# then the step ends with the plan's exit code: 0 pass, 1 mandatory policy violations or a deploy blocker, 2 invalid
# config or usage, 3 the plan failed.
set -uo pipefail
stack=${1:?usage: plan-gate.sh <stack> <outputs file> [<clients>]}
outputs=${2:?usage: plan-gate.sh <stack> <outputs file> [<clients>]}
allow=${3:-}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
args=(--stack "$stack" --format markdown --deploy-gate --outputs "$outputs")
if [ -n "$allow" ]; then
  args+=(--allow-drop "$allow")
  echo "::warning title=Deploy gate ($stack)::valid client secrets of $allow may be dropped by this deploy (allow-secret-drop)"
fi
npm run --silent plan -- "${args[@]}" > plan.md 2> plan.err
code=$?
cat plan.err >&2
cat plan.md
cat plan.md >> "$summary"
case "$code" in
  0) ;;
  1) echo "::error title=Deploy gate ($stack)::mandatory policy violations or a deploy blocker: see the plan above and the job summary" ;;
  *)
    echo "::error title=Offline plan ($stack)::the plan failed (exit code $code)"
    { echo "### Offline plan: stack \`$stack\`"; echo; echo ":x: The plan failed (exit code $code):"; echo; echo '```'; cat plan.err; echo '```'; } >> "$summary"
    ;;
esac
exit "$code"
