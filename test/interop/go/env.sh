# Go settings shared by setup.sh and run.sh (sourced): the suite's own module cache, no
# toolchain downloads, a writable cache (so `rm -rf .gomodcache` works).
here="${here:?}"
export GOTOOLCHAIN=local
export GOMODCACHE="$here/.gomodcache"
export GOFLAGS=-modcacherw
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
# Go needs a build cache; without HOME (some CI shells) keep it in the suite folder.
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
  export GOCACHE="$here/.gocache"
fi
