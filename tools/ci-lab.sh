#!/usr/bin/env bash
# Integration tier: bring the two-site OpenStack lab up (protector/lab, on the
# machine's running MariaDB and RabbitMQ), run `pytest -m integration` with
# PROTECTOR_LAB_REQUIRED=1, print start-up time and memory, bring it down.
# Called by .ci/run after the project's venv is installed; also runs alone.
#
#   PYTHON             interpreter of the project's venv (default: .venv, else venv, else python3)
#   PROTECTOR_LAB_DIR  lab state and its own OpenStack venv (default ~/.cache/protector-lab;
#                      the venv is reused between runs, everything else is wiped)
#   PROTECTOR_LAB_KEEP=1  leave the lab running afterwards (for debugging)
#   PROTECTOR_LAB_STORAGE  pure (default: Cinder's Pure driver on simulated arrays) or mock
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
log() { printf '\n== ci-lab: %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

if [ -z "${PYTHON:-}" ]; then
  for candidate in .venv/bin/python venv/bin/python; do
    [ -x "$candidate" ] && PYTHON=$candidate && break
  done
fi
PYTHON=${PYTHON:-python3}
# OpenStack's constraints live beside the repo (shared/lab), never inside it.
if [ -z "${PROTECTOR_LAB_CONSTRAINTS:-}" ] && [ -f ../shared/lab/upper-constraints-2026.1.txt ]; then
  export PROTECTOR_LAB_CONSTRAINTS=$PWD/../shared/lab/upper-constraints-2026.1.txt
fi
lab() { "$PYTHON" -m protector.lab "$@"; }

if ! command -v rabbitmqctl >/dev/null && [ ! -x /usr/sbin/rabbitmqctl ]; then
  echo "ci-lab: rabbitmqctl is missing (the lab adds one vhost per site with it)" >&2
  exit 1
fi

finish() {
  rc=$?
  if [ "${PROTECTOR_LAB_KEEP:-0}" = 1 ]; then
    log "lab left running (PROTECTOR_LAB_KEEP=1); stop it with: $PYTHON -m protector.lab down"
  else
    log "down"
    lab down --wipe || true
  fi
  log "done (exit $rc)"
  exit "$rc"
}
trap finish EXIT

log "clean slate (whatever an earlier run left)"
lab down --wipe

log "up (--storage ${PROTECTOR_LAB_STORAGE:-pure})"
up_start=$(date +%s)
lab up --storage "${PROTECTOR_LAB_STORAGE:-pure}"
up_seconds=$(( $(date +%s) - up_start ))

log "integration tests"
# The dashboard's browser drill saves its screenshots here.
export PROTECTOR_ARTIFACTS_DIR=${PROTECTOR_ARTIFACTS_DIR:-$PWD/artifacts}
set +e
# The cloud contract's openstacksdk twin (tests/unit/cloud) runs here, on the lab.
PROTECTOR_LAB_REQUIRED=1 timeout -k 30 2400 "$PYTHON" -m pytest -m integration \
  protector/tests/integration protector/tests/unit/cloud/test_contract.py -q -p no:cacheprovider
tests_rc=$?
set -e

if [ -d "$PROTECTOR_ARTIFACTS_DIR/dashboard" ]; then
  echo "ci-lab: dashboard screenshots in $PROTECTOR_ARTIFACTS_DIR/dashboard:"
  ls "$PROTECTOR_ARTIFACTS_DIR/dashboard"
fi
if [ -f "$PROTECTOR_ARTIFACTS_DIR/lab-rto.txt" ]; then
  echo "ci-lab: each DR operation's RTO (engine start to completion):"
  cat "$PROTECTOR_ARTIFACTS_DIR/lab-rto.txt"
fi
log "memory after the tests"
lab status || true
echo "ci-lab: lab start-up ${up_seconds}s (venv install included when it was not there)"
exit "$tests_rc"
