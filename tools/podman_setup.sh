#!/usr/bin/env bash
# Configure podman for molecule's test hosts (run as root, after installing
# podman, runc and debootstrap). On our machines crun fails (hybrid cgroups,
# rlimits) and runc works; default ulimits are dropped for the same reason.
set -euo pipefail

conf=/etc/containers/containers.conf.d/50-boltfoundry-molecule.conf
wanted='# Written by tools/podman_setup.sh (boltfoundry.infra molecule tests).
[containers]
default_ulimits = []

[engine]
runtime = "runc"'

if [[ ! -f "$conf" ]] || [[ "$(cat "$conf")" != "$wanted" ]]; then
  mkdir -p "$(dirname "$conf")"
  printf '%s\n' "$wanted" >"$conf"
fi
runtime=$(podman info --format '{{.Host.OCIRuntime.Name}}')
if [[ "$runtime" != runc ]]; then
  echo "podman uses $runtime, not runc, despite $conf: check /etc/containers/containers.conf" >&2
  exit 1
fi
