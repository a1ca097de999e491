#!/usr/bin/env bash
# make ee-test: build the execution environment image from the collection's own EE definition on a local Debian base
# (no container registry), run the collection playbooks inside it against the simulator, then remove the images.
# Usage: tests/ee/ee_test.sh EE_VENV_BIN PYTHON BUILD_DIR TARBALL VERSION
#   EE_VENV_BIN  bin directory holding ansible-builder and ansible-navigator (.venv-ee)
#   PYTHON       the test venv's Python (pytest, ansible-runner, the simulator)
# Installs nothing: without podman / mmdebstrap, or when podman cannot run a container, it prints
# "skipped: <cause>" and exits 0 (.ci/run installs the Debian packages).
set -euo pipefail
EE_BIN=$1 PY=$2 BUILD=$3 TARBALL=$4 VERSION=$5
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$BUILD/ee-test
RAW=localhost/accessops-ee-test-rootfs:$VERSION
BASE=localhost/accessops-ee-test-base:$VERSION
IMAGE=localhost/accessops-ee-test:$VERSION
SUITE=${EE_TEST_SUITE:-bookworm}
MIRROR=${EE_TEST_MIRROR:-http://deb.debian.org/debian}

skip() { echo "ee-test skipped: $*"; exit 0; }

missing=()
for cmd in podman buildah runc mmdebstrap; do command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ee-test: missing ${missing[*]} (Debian: apt-get install podman buildah runc containernetworking-plugins mmdebstrap)"
  skip "${missing[*]} not installed"
fi
[ "$(id -u)" = 0 ] || skip "needs root (rootful podman; mmdebstrap's root mode)"
for tool in ansible-builder ansible-navigator; do [ -x "$EE_BIN/$tool" ] || { echo "ee-test: no $EE_BIN/$tool"; exit 1; }; done
[ -f "$TARBALL" ] || { echo "ee-test: no collection tarball $TARBALL (make build)"; exit 1; }

rm -rf "$WORK" && mkdir -p "$WORK/base/extra-ca" "$WORK/def"
# runc, and ulimits within this machine's hard limits (podman's defaults as root exceed them in a container sandbox)
nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] && nofile=1048576
nproc=$(ulimit -Hu); { [ "$nproc" = unlimited ] || [ "$nproc" -gt 4096 ]; } && nproc=4096
cat >"$WORK/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF=$WORK/containers.conf
podman info >"$WORK/podman-info.log" 2>&1 || skip "podman info fails: $(grep -m1 -i error "$WORK/podman-info.log" || tail -n 1 "$WORK/podman-info.log")"

before=$(podman images -a -q --no-trunc | sort -u)
cleanup() {
  local rc=$?
  set +e
  podman rmi -f "$IMAGE" "$BASE" "$RAW" >/dev/null 2>&1
  new=$(comm -13 <(echo "$before") <(podman images -a -q --no-trunc | sort -u))
  [ -n "$new" ] && podman rmi -f $new >/dev/null 2>&1
  rm -rf "$WORK/base" "$WORK/def"
  echo "ee-test: removed the images it built ($(podman images -q | wc -l) images left in the store)"
  exit $rc
}
trap cleanup EXIT

start=$(date +%s)
echo "ee-test: root filesystem: mmdebstrap --variant=minbase $SUITE from $MIRROR"
mmdebstrap --quiet --variant=minbase --include=python3,python3-pip,python3-venv,ca-certificates \
  "$SUITE" "$WORK/base/rootfs.tar" "$MIRROR" >"$WORK/mmdebstrap.log" 2>&1 || { tail -n 20 "$WORK/mmdebstrap.log"; exit 1; }
podman import --quiet "$WORK/base/rootfs.tar" "$RAW" >/dev/null
rm -f "$WORK/base/rootfs.tar"
if ! podman run --rm --network host "$RAW" true >"$WORK/probe.log" 2>&1; then
  skip "podman cannot run a container here: $(head -n 1 "$WORK/probe.log")"
fi
cp "$HERE/Containerfile.base" "$WORK/base/Containerfile"
find /usr/local/share/ca-certificates -maxdepth 1 -name '*.crt' -exec cp -t "$WORK/base/extra-ca" {} + 2>/dev/null || true
touch "$WORK/base/extra-ca/.keep"
echo "ee-test: base image $BASE (a venv as the EE's Python)"
podman build --quiet --network host --build-arg RAW_IMAGE="$RAW" -t "$BASE" "$WORK/base" >"$WORK/base-build.log" 2>&1 \
  || { tail -n 30 "$WORK/base-build.log"; exit 1; }

echo "ee-test: ansible-builder build $IMAGE from docs/execution-environment (base swapped, collection from $(basename "$TARBALL"))"
"$EE_BIN/python" "$HERE/ee_definition.py" "$ROOT/docs/execution-environment/execution-environment.yml" "$BASE" \
  "$TARBALL" "$IMAGE" "$WORK/def"
(cd "$WORK/def" && "$EE_BIN/ansible-builder" build --container-runtime podman --extra-build-cli-args '--network host' \
  -f execution-environment.yml -c context -v 3) >"$WORK/builder.log" 2>&1 || { tail -n 40 "$WORK/builder.log"; exit 1; }
build_s=$(( $(date +%s) - start ))
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
echo "ee-test: built $IMAGE in ${build_s} s (root filesystem, base, EE), image size $(( size / 1000000 )) MB"
podman run --rm "$IMAGE" bash -c 'ansible --version | head -n 1; ansible-galaxy collection list accessops.atlassian 2>/dev/null | tail -n 1; python3 -c "import requests; print(\"requests\", requests.__version__)"' | sed 's/^/  in the image: /'

navigator=$EE_BIN/ansible-navigator
if [ ! -d /dev/mqueue ]; then
  echo "ee-test: no /dev/mqueue (ansible-navigator needs it with podman: mkdir /dev/mqueue): the navigator run is skipped"
  navigator=""
fi
echo "ee-test: playbooks inside the image against the simulator (127.0.0.1, --network host)"
run_start=$(date +%s)
(cd "$ROOT" && EE_TEST_IMAGE=$IMAGE EE_TEST_NAVIGATOR=$navigator "$PY" -m pytest -q -s -p no:cacheprovider \
  --basetemp "$WORK/pytest" tests/ee/test_ee_jobs.py ${EE_PYTEST_ARGS:-})
echo "ee-test: passed: build ${build_s} s, image $(( size / 1000000 )) MB, jobs $(( $(date +%s) - run_start )) s"
