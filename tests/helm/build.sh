#!/usr/bin/env bash
# Builds helm from the Go module pinned in go.mod beside this script, once per machine, and prints
# the path of the program as the last line of its output.
#
#   export KUBEFORGE_HELM="$(tests/helm/build.sh | tail -n 1)"
#
# The program is cached outside the checkout, in $KUBEFORGE_HELM_CACHE or else
# ${XDG_CACHE_HOME:-$HOME/.cache}/kubeforge/helm-<version>, so a fresh clone on the same machine
# reuses it. A cold build downloads the modules and compiles helm.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(awk '$1 == "helm.sh/helm/v4" && $2 ~ /^v/ { sub(/^v/, "", $2); print $2; exit }' "$here/go.mod")"
if [ -z "$version" ]; then
  echo "build.sh: could not read the helm.sh/helm/v4 version from $here/go.mod" >&2
  exit 2
fi

cache="${KUBEFORGE_HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeforge/helm-$version}"
if [ -x "$cache/helm" ]; then
  echo "$cache/helm"
  exit 0
fi

command -v go >/dev/null || { echo "build.sh: go is not installed; it builds helm" >&2; exit 1; }
mkdir -p "$cache"
# One build at a time per cache; a second caller waits and then finds the program.
exec 9>"$cache/.lock"
flock 9
if [ ! -x "$cache/helm" ]; then
  started=$SECONDS
  echo "build.sh: building helm $version into $cache (a cold build takes a few minutes)" >&2
  staging="$(mktemp -d "$cache/.build-XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  cd "$here"
  export CGO_ENABLED=0 GOFLAGS=-mod=readonly
  # The version `helm version` reports, which a release build stamps in.
  stamp="-X helm.sh/helm/v4/internal/version.version=v$version"
  go build -trimpath -buildvcs=false -ldflags="-s -w $stamp" -o "$staging/helm" helm.sh/helm/v4/cmd/helm
  mv "$staging/helm" "$cache/helm"
  echo "build.sh: built in $((SECONDS - started)) s" >&2
fi
echo "$cache/helm"
