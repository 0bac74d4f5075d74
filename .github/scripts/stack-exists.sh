#!/usr/bin/env bash
# Whether a stack exists in the Pulumi backend: writes `exists=true|false` to $GITHUB_OUTPUT.
#   stack-exists.sh <stack> [--required]     (PULUMI_ORG, when set, qualifies it as <org>/<stack>)
# A missing stack is reported with what to do (README.md "Adding an environment"): as a notice and `exists=false`
# (pull-request previews skip it), or with --required as an error (deploys). Any other failure (no token, no network)
# fails the step with the CLI's message.
set -uo pipefail
stack=${1:?usage: stack-exists.sh <stack> [--required]}
required=${2:-}
full="${PULUMI_ORG:+$PULUMI_ORG/}$stack"
if out=$(pulumi stack select "$full" --non-interactive 2>&1); then
  echo "exists=true" >> "$GITHUB_OUTPUT"
  exit 0
fi
if ! grep -qi "no stack named" <<< "$out"; then
  echo "$out" >&2
  echo "::error title=Pulumi stack ($stack)::could not look up $full in the Pulumi backend"
  exit 1
fi
echo "exists=false" >> "$GITHUB_OUTPUT"
what="Stack $full does not exist in the Pulumi backend yet. Create it once: pulumi stack init $full, then set its secrets (pulumi config set --secret --path 'k2.admin.password' --stack $full); see README.md, Adding an environment."
if [ "$required" = "--required" ]; then
  echo "::error title=Stack $stack not found::$what"
  exit 1
fi
echo "::notice title=Pulumi preview skipped ($stack)::$what The offline plan covers this change meanwhile."
echo "### Pulumi preview skipped ($stack): $what" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
