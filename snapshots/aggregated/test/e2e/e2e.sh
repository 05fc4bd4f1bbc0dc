#!/usr/bin/env bash
# End-to-end test of wardle on a local kind cluster: `make test-e2e`.
#
# Creates the kind cluster (or reuses it), builds the manager's image and loads it into the
# cluster, installs cert-manager (when the project has webhooks) and the CRDs, deploys the manager,
# waits until it is available, checks that its metrics answer an authorized caller and refuse an
# anonymous one, then applies config/samples (through the webhooks, if any) and waits until every
# sample is Ready. The cluster is deleted at the end, unless KEEP_CLUSTER=1.
#
# Needs kind, kubectl, make and a container engine. Environment:
#   KIND_CLUSTER    name of the kind cluster (default wardle-test-e2e)
#   E2E_IMG         image to build and deploy (default wardle:e2e; not a `latest` tag,
#                   which the kubelet would try to pull)
#   KIND_NODE_IMAGE node image of a new cluster, for another Kubernetes version (default: kind's)
#   KEEP_CLUSTER=1  keep the cluster, for a look around or a faster next run
#   TIMEOUT         how long to wait for each step (default 2m)
#   CERT_MANAGER_VERSION  the cert-manager release installed for webhooks (default v1.16.2)
#   KIND, KUBECTL, CONTAINER_TOOL, MAKE   the tools (default kind, kubectl, docker, make)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

KIND=${KIND:-kind}
KUBECTL=${KUBECTL:-kubectl}
CONTAINER_TOOL=${CONTAINER_TOOL:-docker}
MAKE=${MAKE:-make}
CLUSTER=${KIND_CLUSTER:-wardle-test-e2e}
IMAGE=${E2E_IMG:-wardle:e2e}
TIMEOUT=${TIMEOUT:-2m}
CERT_MANAGER_VERSION=${CERT_MANAGER_VERSION:-v1.16.2}

# Where config/default puts the manager.
NAMESPACE=wardle-system
DEPLOYMENT=wardle-controller-manager
METRICS_SERVICE=wardle-controller-manager-metrics-service
SAMPLES_NAMESPACE=default
# A namespace allowed through the manager's NetworkPolicy, for the metrics check.
CLIENT_NAMESPACE=wardle-e2e-metrics

log() {
  printf '\n==> %s\n' "$*"
}

kubectl() {
  "$KUBECTL" --context "kind-$CLUSTER" "$@"
}

# On failure, shows what the manager was doing; then deletes the cluster unless KEEP_CLUSTER=1.
finish() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    log "FAILED: state of the manager"
    kubectl -n "$NAMESPACE" get all || true
    kubectl -n "$NAMESPACE" describe deployment "$DEPLOYMENT" || true
    kubectl -n "$NAMESPACE" logs "deployment/$DEPLOYMENT" --all-containers --tail=200 || true
    if [ -f config/samples/kustomization.yaml ]; then
      kubectl -n "$SAMPLES_NAMESPACE" get -k config/samples -o yaml || true
    fi
    kubectl get events -A --sort-by=.lastTimestamp || true
  fi
  if [ "${KEEP_CLUSTER:-}" = 1 ]; then
    log "Keeping the cluster $CLUSTER (kubectl context kind-$CLUSTER)"
  else
    log "Deleting the cluster $CLUSTER"
    "$KIND" delete cluster --name "$CLUSTER" || true
  fi
  exit "$status"
}
trap finish EXIT

reused=false
if "$KIND" get clusters | grep -qx "$CLUSTER"; then
  log "Reusing the kind cluster $CLUSTER"
  reused=true
else
  log "Creating the kind cluster $CLUSTER"
  create=(--name "$CLUSTER" --wait "$TIMEOUT")
  if [ -n "${KIND_NODE_IMAGE:-}" ]; then
    create+=(--image "$KIND_NODE_IMAGE")
  fi
  "$KIND" create cluster "${create[@]}"
fi

log "Building the image $IMAGE"
"$MAKE" docker-build IMG="$IMAGE" CONTAINER_TOOL="$CONTAINER_TOOL"
if [ "$CONTAINER_TOOL" = docker ]; then
  "$KIND" load docker-image "$IMAGE" --name "$CLUSTER"
else
  archive=$(mktemp)
  "$CONTAINER_TOOL" save -o "$archive" "$IMAGE"
  "$KIND" load image-archive "$archive" --name "$CLUSTER"
  rm -f "$archive"
fi

if [ -f config/crd/kustomization.yaml ]; then
  log "Installing the CRDs"
  "$MAKE" install KUBECTL="$KUBECTL --context kind-$CLUSTER"
  crds=$(kubectl get -k config/crd -o name)
  for crd in $crds; do
    kubectl wait --for=condition=Established "$crd" --timeout="$TIMEOUT"
  done
else
  log "No CRDs yet (config/crd appears with the first \`kubeforge create api\`)"
fi

if [ -f config/certmanager/kustomization.yaml ]; then
  log "Installing cert-manager $CERT_MANAGER_VERSION for the webhooks' certificate"
  kubectl apply -f "https://github.com/cert-manager/cert-manager/releases/download/$CERT_MANAGER_VERSION/cert-manager.yaml"
  kubectl -n cert-manager wait --for=condition=Available deployment --all --timeout="$TIMEOUT"
fi

log "Deploying the manager"
"$MAKE" deploy IMG="$IMAGE" KUBECTL="$KUBECTL --context kind-$CLUSTER"
if [ "$reused" = true ]; then
  # The cluster may run an older image under the same tag: start fresh pods.
  kubectl -n "$NAMESPACE" rollout restart "deployment/$DEPLOYMENT"
fi
kubectl -n "$NAMESPACE" rollout status "deployment/$DEPLOYMENT" --timeout="$TIMEOUT"
kubectl -n "$NAMESPACE" wait --for=condition=Available "deployment/$DEPLOYMENT" --timeout="$TIMEOUT"

log "Reading the metrics from a namespace labelled metrics=enabled"
kubectl create namespace "$CLIENT_NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl label namespace "$CLIENT_NAMESPACE" metrics=enabled --overwrite
# A caller allowed to read the metrics: a service account bound to the metrics-reader role.
kubectl -n "$CLIENT_NAMESPACE" create serviceaccount metrics-client --dry-run=client -o yaml |
  kubectl apply -f -
kubectl create clusterrolebinding "$CLIENT_NAMESPACE-metrics-reader" \
  --clusterrole=wardle-metrics-reader \
  --serviceaccount="$CLIENT_NAMESPACE:metrics-client" --dry-run=client -o yaml | kubectl apply -f -
TOKEN=$(kubectl -n "$CLIENT_NAMESPACE" create token metrics-client)
kubectl -n "$CLIENT_NAMESPACE" delete pod metrics-client --ignore-not-found
# The pod's exit status is the check's: a few tries, while the Service's endpoints settle. The
# manager's certificate is self-signed, hence -k.
# shellcheck disable=SC2016 # $URL and $TOKEN are expanded in the pod, by its shell.
kubectl -n "$CLIENT_NAMESPACE" run metrics-client --image=curlimages/curl:8.11.1 --restart=Never \
  --rm --attach --quiet --pod-running-timeout="$TIMEOUT" \
  --env="URL=https://$METRICS_SERVICE.$NAMESPACE.svc:8443/metrics" --env="TOKEN=$TOKEN" -- \
  sh -c 'for try in 1 2 3 4 5 6 7 8 9 10; do
           anonymous=$(curl -sk -o /dev/null -w "%{http_code}" "$URL")
           if [ "$anonymous" = 401 ] &&
              curl -sfk -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL"; then
             echo "metrics: ok (try $try)"
             exit 0
           fi
           sleep 3
         done
         echo "metrics: anonymous caller got $anonymous, or the authorized one failed"
         exit 1'

if [ ! -f config/samples/kustomization.yaml ]; then
  log "No samples yet (config/samples appears with the first \`kubeforge create api\`): done"
  exit 0
fi

log "Applying config/samples in namespace $SAMPLES_NAMESPACE"
kubectl -n "$SAMPLES_NAMESPACE" apply -k config/samples
# Several versions of a kind share one sample name: wait for each object once.
samples=$(kubectl -n "$SAMPLES_NAMESPACE" get -k config/samples -o name | sort -u)
for sample in $samples; do
  log "Waiting until $sample is Ready"
  kubectl -n "$SAMPLES_NAMESPACE" wait --for=condition=Ready "$sample" --timeout="$TIMEOUT"
done

log "Passed"
