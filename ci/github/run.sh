#!/usr/bin/env bash
# The action's work (action.yml calls it; tests run it with a fake GITHUB_OUTPUT and GITHUB_STEP_SUMMARY):
#   validate  annotations on the pull request's lines;
#   plan      validate, then the plan: Markdown in the job summary (and one pull-request comment),
#             the saved plan for the artifact, outputs has-changes and the counts;
#   apply     the saved plan, refused by o2s-config when the tenant or the file changed since.
# Exits 1 when o2s-config reports an error; exit code 2 of --detailed-exitcode is success with changes.
# shellcheck disable=SC2016  # backticks in the summaries are Markdown, not command substitution
set -uo pipefail

command="${INPUT_COMMAND:-plan}"
file="${INPUT_FILE:-organisation.yaml}"
saved="${INPUT_PLAN:-o2s-plan.json}"
max_chars="${INPUT_MAX_CHARS:-65536}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
outputs="${GITHUB_OUTPUT:-/dev/null}"
target=()
if [[ -n "${INPUT_TARGET:-}" ]]; then
  target=(--target "$INPUT_TARGET")
fi

output() { printf '%s=%s\n' "$1" "$2" >>"$outputs"; }

# The Python o2s-config is installed in (its console script's #! line), so the comment module is
# importable even when o2s-config came from elsewhere (install: none, pipx...).
o2s_python() {
  local script interpreter
  script="$(command -v o2s-config)"
  interpreter="$(head -n 1 "$script" | sed -n 's/^#!//p')"
  if [[ -n "$interpreter" && -x "$interpreter" ]]; then echo "$interpreter"; else echo python3; fi
}

validate() {
  local status=0
  o2s-config validate --format github "$file" || status=$?
  output exit-code "$status"
  if [[ $status -ne 0 ]]; then
    # the annotations mark the lines; the log and the summary say it in words
    o2s-config validate "$file" >/dev/null 2>"$RUNNER_TEMP_DIR/validate.txt" || true
    cat "$RUNNER_TEMP_DIR/validate.txt" >&2
    {
      printf '## o2s-config: `%s` is not valid\n\n```\n' "$file"
      cat "$RUNNER_TEMP_DIR/validate.txt"
      printf '```\n'
    } >>"$summary"
  fi
  return "$status"
}

counts() {
  "$(o2s_python)" - "$1" <<'PY' >>"$outputs"
import json, sys
summary = json.load(open(sys.argv[1], encoding="utf-8"))["summary"]
for name in ("create", "update", "delete", "manual"):
    print(f"{name}={summary[name]}")
print(f"has-changes={'true' if any(summary.values()) else 'false'}")
PY
}

plan() {
  validate || return 1
  local markdown="${saved%.json}.md" status=0 room=$((max_chars - 200))
  rm -f "$saved" "$markdown"
  local run_url="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-}"
  o2s-config plan "$file" "${target[@]}" --format markdown --out "$saved" --detailed-exitcode \
    --max-chars "$room" --full-plan "the \`${INPUT_ARTIFACT_NAME:-o2s-plan}\` artifact of [this run]($run_url)" \
    >"$markdown" || status=$?
  if [[ $status -eq 2 && ! -f "$saved" ]]; then
    status=1 # not a plan with changes: a usage error (click exits 2 on those)
  fi
  output exit-code "$status"
  if [[ -s "$markdown" ]]; then
    cat "$markdown" >>"$summary"
    output markdown "$markdown"
    if [[ "${INPUT_COMMENT:-false}" == "true" ]]; then
      "$(o2s_python)" -m o2s_config.ci_comment github "$markdown" --key "$file" ||
        echo "::warning::the plan comment was not written (see the log above); the plan is in the job summary"
    fi
  fi
  if [[ -f "$saved" ]]; then
    output plan "$saved"
    counts "$saved"
  fi
  [[ $status -eq 0 || $status -eq 2 ]]
}

apply() {
  local status=0 log="$RUNNER_TEMP_DIR/apply.txt"
  if [[ ! -f "$saved" ]]; then
    echo "::error::no saved plan at $saved: download the reviewed plan's artifact first"
    output exit-code 1
    return 1
  fi
  o2s-config apply "$saved" "${target[@]}" --auto-approve >"$log" 2>&1 || status=$?
  cat "$log"
  output exit-code "$status"
  {
    if [[ $status -eq 0 ]]; then printf '## o2s-config: applied `%s`\n\n' "$saved"; else printf '## o2s-config: apply failed\n\n'; fi
    printf '```\n'
    cat "$log"
    printf '```\n'
  } >>"$summary"
  return "$status"
}

RUNNER_TEMP_DIR="$(mktemp -d "${RUNNER_TEMP:-/tmp}/o2s-config.XXXXXX")"
trap 'rm -rf "$RUNNER_TEMP_DIR"' EXIT

case "$command" in
  validate) validate ;;
  plan) plan ;;
  apply) apply ;;
  *)
    echo "::error::command must be validate, plan or apply (not '$command')"
    exit 1
    ;;
esac
