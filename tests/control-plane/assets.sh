#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go modules pinned in go.mod beside this script, once per
# machine, and prints the directory holding them as the last line of its output. That directory
# follows the envtest convention: point KUBEBUILDER_ASSETS at it.
#
#   export KUBEBUILDER_ASSETS="$(tests/control-plane/assets.sh | tail -n 1)"
#
# The binaries are cached outside the checkout, in $KUBEFORGE_ASSETS_CACHE or else
# ${XDG_CACHE_HOME:-$HOME/.cache}/kubeforge/control-plane/<versions>, so a fresh clone on the same
# machine reuses them. A cold build downloads the modules and compiles both programs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module_version() { awk -v m="$1" '$1 == m && $2 ~ /^v/ { sub(/^v/, "", $2); print $2; exit }' "$here/go.mod"; }
kube="$(module_version k8s.io/kubernetes)"
etcd="$(module_version go.etcd.io/etcd/server/v3)"
if [ -z "$kube" ] || [ -z "$etcd" ]; then
  echo "assets.sh: could not read the k8s.io/kubernetes and etcd versions from $here/go.mod" >&2
  exit 2
fi

cache="${KUBEFORGE_ASSETS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeforge/control-plane/kube-$kube-etcd-$etcd}"
if [ -x "$cache/kube-apiserver" ] && [ -x "$cache/etcd" ]; then
  echo "$cache"
  exit 0
fi

command -v go >/dev/null || { echo "assets.sh: go is not installed; it builds the control plane" >&2; exit 1; }
mkdir -p "$cache"
# One build at a time per cache; a second caller waits and then finds the binaries.
exec 9>"$cache/.lock"
flock 9
if [ ! -x "$cache/kube-apiserver" ] || [ ! -x "$cache/etcd" ]; then
  started=$SECONDS
  echo "assets.sh: building kube-apiserver $kube and etcd $etcd into $cache (a cold build takes several minutes)" >&2
  staging="$(mktemp -d "$cache/.build-XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  cd "$here"
  export CGO_ENABLED=0 GOFLAGS=-mod=readonly
  # The version the API server reports (`kubectl version`), which a release build stamps in.
  minor="$(echo "$kube" | cut -d. -f2)"
  stamp="-X k8s.io/component-base/version.gitVersion=v$kube -X k8s.io/component-base/version.gitMajor=1"
  stamp="$stamp -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  go build -trimpath -buildvcs=false -ldflags="-s -w $stamp" -o "$staging/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  go build -trimpath -buildvcs=false -ldflags='-s -w' -o "$staging/etcd" go.etcd.io/etcd/server/v3
  mv "$staging/etcd" "$cache/etcd"
  mv "$staging/kube-apiserver" "$cache/kube-apiserver"
  echo "assets.sh: built in $((SECONDS - started)) s" >&2
fi
echo "$cache"
