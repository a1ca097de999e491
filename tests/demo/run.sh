#!/usr/bin/env bash
# make demo: the runbooks against the local simulator (demo seed), on a fresh clone.
# Usage: tests/demo/run.sh PYTHON COLLECTIONS_PATH REPORT_DIR
# Starts the simulator on a free 127.0.0.1 port, runs onboarding (check mode with diff, for real, again),
# the access review, then offboarding as a plan a person approves and its exact apply (with the audit report), and
# stops the simulator whatever happens.
set -euo pipefail
PY=$1
COLLECTIONS=$2
REPORTS=$3
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$(dirname "$PY")
LOG=$(mktemp -t atlsim-demo.XXXXXX.log)

PYTHONPATH="$ROOT/tests/simulator" "$PY" -m atlsim --seed "$ROOT/tests/simulator/seeds/demo.yml" --port 0 >"$LOG" 2>&1 &
SIM_PID=$!
cleanup() { kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; rm -f "$LOG"; }
trap cleanup EXIT INT TERM

SIM=""
for _ in $(seq 1 100); do   # at most ~20 s
  SIM=$(sed -n 's/^atlsim listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$LOG" | head -n 1)
  [ -n "$SIM" ] && break
  kill -0 "$SIM_PID" 2>/dev/null || { cat "$LOG"; echo "the simulator did not start"; exit 1; }
  sleep 0.2
done
[ -n "$SIM" ] || { cat "$LOG"; echo "the simulator did not start in time"; exit 1; }
sed -n 's/^\(atlsim strict mode: .*\)/  \1 (400 to any request form the official documents do not state)/p' "$LOG" | head -n 1

# The credentials reach the modules only as environment variables, as AWX injects them (public demo values).
export BITBUCKET_API_URL="$SIM/2.0" BITBUCKET_USERNAME=admin@acme.example BITBUCKET_API_TOKEN=demo-admin-api-token
export ATLASSIAN_SCIM_URL="$SIM" ATLASSIAN_SCIM_DIRECTORY_ID=demo-directory ATLASSIAN_SCIM_TOKEN=demo-scim-api-key
export ATLASSIAN_ADMIN_URL="$SIM" ATLASSIAN_ORG_ID=0475f711-2971-5a21-a71a-659f380ffd26
export ATLASSIAN_ADMIN_API_KEY=demo-org-admin-api-key
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS" ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-} ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_CALLBACK_RESULT_FORMAT=yaml
mkdir -p "$REPORTS"
PLAYBOOK="$BIN/ansible-playbook"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Simulator running at $SIM (Bitbucket workspace acme, organization ACME Corp, SCIM directory demo-directory)"
step "1/8 Onboarding, check mode with diff: what would change (nothing is written)"
"$PLAYBOOK" accessops.atlassian.onboarding -e @"$ROOT/docs/examples/onboarding.yml" --check --diff
step "2/8 Onboarding for real"
"$PLAYBOOK" accessops.atlassian.onboarding -e @"$ROOT/docs/examples/onboarding.yml"
step "3/8 Onboarding again: nothing left to change (changed=0)"
"$PLAYBOOK" accessops.atlassian.onboarding -e @"$ROOT/docs/examples/onboarding.yml"
step "4/8 Access review of workspace acme"
"$PLAYBOOK" accessops.atlassian.access_review -e @"$ROOT/docs/examples/access_review.yml" -e access_review_report_dir="$REPORTS/access-review"
step "5/8 Offboarding, plan: what would change, for a person to approve (nothing is written)"
"$PLAYBOOK" accessops.atlassian.offboarding -e @"$HERE/offboarding.yml" -e offboarding_report_dir="$REPORTS/offboarding" \
  -e offboarding_mode=plan
PLAN=$(ls -t "$REPORTS"/offboarding/offboarding-plan-*.json | head -n 1)
step "6/8 Offboarding, apply exactly the approved plan $(basename "$PLAN") (with its audit report)"
"$PLAYBOOK" accessops.atlassian.offboarding -e @"$PLAN" -e offboarding_workspace=acme -e offboarding_mode=apply \
  -e offboarding_report_dir="$REPORTS/offboarding" -e accessops_approved_by="demo approver"
step "7/8 Workspace access as code: gather today's access of acme into a declared file"
mkdir -p "$REPORTS/workspace-access"
"$PLAYBOOK" accessops.atlassian.workspace_access -e workspace_access_workspace=acme -e workspace_access_mode=gather \
  -e workspace_access_file="$REPORTS/workspace-access/acme.yml" -e workspace_access_report_dir="$REPORTS/workspace-access"
step "8/8 Workspace access, plan: the file against today's access (just gathered: no drift, nothing to approve)"
"$PLAYBOOK" accessops.atlassian.workspace_access -e workspace_access_workspace=acme \
  -e workspace_access_file="$REPORTS/workspace-access/acme.yml" -e workspace_access_report_dir="$REPORTS/workspace-access"

step "Reports"
find "$REPORTS" -type f | sort | sed 's/^/  /'
html=$(find "$REPORTS/access-review" -name '*.html' | head -n 1)
[ -n "$html" ] && echo "  open file://$html in a browser for the sortable, filterable access matrix"
"$PY" - "$SIM/_sim/log" <<'PYEOF'
import collections, json, sys, urllib.request
log = json.load(urllib.request.urlopen(sys.argv[1], timeout=30))
methods = collections.Counter(entry.get("method") for entry in log)
print("  API requests the simulator answered during the demo: %d (%s)"
      % (len(log), ", ".join("%s %d" % item for item in sorted(methods.items()))))
PYEOF
