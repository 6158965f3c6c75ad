#!/usr/bin/env bash
# The baseline of `npm run bench`: the request pattern of the original generate_manifests.sh,
# replayed sequentially with curl and jq against the local look-alike (loopback only):
#
#   1. GET /v2/repositories/kindest/kindnetd/tags?page_size=1&ordering=last_updated   (newest push)
#   2. GET /v2/repositories/kindest/kindnetd/tags/<tag>                               (images[])
#   3. GET /api/v1/repository/okd/scos-content/tag/?limit=100&onlyActiveTags=true
#          &filter_tag_name=like:kube-proxy&page=N       for N = 1, 2, … until a page comes back empty
#   4. GET …/tag/?limit=100&onlyActiveTags=true&specificTag=<newest <V>.<N>-kube-proxy by sort -V>
#   5. GET …/manifest/<manifest_digest>
#
# One curl process per request and one jq per answer, as the script did. It writes no files.
#
# Usage: bench/baseline.sh http://127.0.0.1:PORT [KUBE_PROXY_VERSION]
# Every value taken from an answer is checked against a strict pattern before it is used in a
# URL; the base URL must be http://127.0.0.1:PORT, so nothing leaves the machine.
set -euo pipefail

fail() {
  echo "baseline.sh: $*" >&2
  exit 2
}

base=${1:-}
version=${2:-4.20.0-okd-scos}
[[ $base =~ ^http://127\.0\.0\.1:[0-9]{1,5}$ ]] || fail "the base URL must be http://127.0.0.1:PORT (loopback only), got '$base'"
[[ $version =~ ^[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4}(-[a-z]{1,20})*$ ]] || fail "unexpected KUBE_PROXY_VERSION '$version'"

# -q: no ~/.curlrc; --noproxy '*': ignore any proxy variable; --proto =http: nothing but plain http.
get() {
  curl -q --silent --show-error --fail --max-time 30 --max-redirs 0 --proto '=http' --noproxy '*' -- "$1"
}

echo "Fetching latest kindnet image info..."
hub="$base/v2/repositories/kindest/kindnetd/tags"
kindnet_tag=$(get "$hub?page_size=1&ordering=last_updated" | jq -r '.results[0].name // empty')
[[ $kindnet_tag =~ ^[A-Za-z0-9._-]{1,128}$ ]] || fail "unexpected kindnet tag '$kindnet_tag'"
kindnet_json=$(get "$hub/$kindnet_tag")
kindnet_arm64=$(jq -r '[.images[] | select(.architecture == "arm64")][0].digest // empty' <<<"$kindnet_json")
kindnet_amd64=$(jq -r '[.images[] | select(.architecture == "amd64")][0].digest // empty' <<<"$kindnet_json")
echo "Latest kindnet tag: $kindnet_tag"
echo " - aarch64 digest: $kindnet_arm64"
echo " - x86_64 digest: $kindnet_amd64"
echo

echo "Fetching latest kube-proxy image info..."
quay="$base/api/v1/repository/okd/scos-content"
names=''
page=1
while :; do
  ((page <= 1000)) || fail "more than 1000 Quay tag pages"
  rows=$(get "$quay/tag/?limit=100&onlyActiveTags=true&filter_tag_name=like:kube-proxy&page=$page" | jq -r '.tags[].name')
  [[ -n $rows ]] || break
  names+="$rows"$'\n'
  page=$((page + 1))
done
pattern="^${version//./\\.}\\.[0-9]+-kube-proxy\$"
kube_proxy_tag=$(grep -E "$pattern" <<<"$names" | sort -V | tail -n 1 || true)
[[ $kube_proxy_tag =~ ^[A-Za-z0-9._-]{1,128}$ ]] || fail "no kube-proxy tag of $version"
digest=$(get "$quay/tag/?limit=100&onlyActiveTags=true&specificTag=$kube_proxy_tag" | jq -r '.tags[0].manifest_digest // empty')
[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || fail "unexpected manifest digest '$digest'"
kube_proxy_amd64=$(get "$quay/manifest/$digest" |
  jq -r '.manifest_data | fromjson | [(.manifests // [])[] | select(.platform.architecture == "amd64")][0].digest // empty')
echo "Latest kube-proxy tag: $kube_proxy_tag"
echo " - aarch64 digest: $kube_proxy_amd64"
echo " - x86_64 digest: $kube_proxy_amd64"
