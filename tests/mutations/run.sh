#!/usr/bin/env bash
# Must-catch mutations: applies each patch listed in tests/mutations/mutations.txt to a scratch
# copy of the sources, builds only the test target that must catch it, runs it, and expects it
# to fail. See tests/mutations/README.md.
#
# Usage: tests/mutations/run.sh [NAME_REGEX]   (only the patches whose file name matches)
# Environment:
#   EVALKIT_MUTATION_DIR   scratch folder (default <repo>/build-mutations; removed first)
#   EVALKIT_MUTATION_JOBS  parallel build jobs (default: the number of cores)
#   EVALKIT_MUTATION_TIMEOUT  seconds a test run may take before it counts as hung (default 600)
#   EVALKIT_MUTATION_KEEP=1   keep the scratch folder afterwards
# Exit status: 0 when every mutation was caught; 1 when one survived, did not apply, did not
# build, or a test already failed on the unchanged sources; 2 on a usage or setup error.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
manifest="$here/mutations.txt"
only="${1:-}"
scratch="${EVALKIT_MUTATION_DIR:-$root/build-mutations}"
jobs="${EVALKIT_MUTATION_JOBS:-$(nproc)}"
test_timeout="${EVALKIT_MUTATION_TIMEOUT:-600}"
start=$(date +%s)

# The scratch tree mirrors the repository's layout (sources at src/, the build at src/build),
# so with ccache's base_dir covering both, every unchanged file compiles from the cache
# filled by an ordinary `build/` of the repository.
src="$scratch/src"
build="$src/build"
log="$scratch/logs"

die() {
  echo "mutations: $*" >&2
  exit 2
}

[ -f "$manifest" ] || die "no manifest at $manifest"
case "$scratch" in
  "" | "/" | "$root") die "refusing scratch folder '$scratch'" ;;
esac

# One entry per manifest line: "patch target [gtest filter]".
patches=() targets=() filters=()
while read -r patch target filter rest; do
  case "$patch" in "" | \#*) continue ;; esac
  [ -n "$target" ] || die "mutations.txt: '$patch' names no test target"
  [ -z "$rest" ] || die "mutations.txt: '$patch': a gtest filter has no spaces ('$filter $rest')"
  [ -f "$here/$patch" ] || die "mutations.txt: no patch file $patch"
  if [ -n "$only" ] && ! [[ "$patch" =~ $only ]]; then continue; fi
  patches+=("$patch") targets+=("$target") filters+=("${filter:-*}")
done < "$manifest"
[ ${#patches[@]} -gt 0 ] || die "no mutation matches '$only'"

rm -rf "$scratch"
mkdir -p "$src" "$log"
# The sources as they are now (uncommitted edits included), without build folders or
# anything else git ignores. Timestamps are kept, so the cache treats them as old files.
if git -C "$root" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  (cd "$root" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -) | tar -xf - -C "$src" || die "cannot copy the sources"
else
  (cd "$root" && tar --exclude='./build*' --exclude=./.git -cf - .) | tar -xf - -C "$src" ||
    die "cannot copy the sources"
fi
# git must treat the copy as a plain folder, not as part of the repository around it.
export GIT_CEILING_DIRECTORIES="$scratch"
if [ -z "${CCACHE_BASEDIR:-}" ] && [ -z "$(ccache -k base_dir 2> /dev/null)" ]; then
  export CCACHE_BASEDIR="$root"
fi

launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if ! cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEVALKIT_BUILD_BENCH=OFF \
    "${launcher[@]}" > "$log/configure.txt" 2>&1; then
  tail -n 30 "$log/configure.txt"
  die "cannot configure the scratch build (log: $log/configure.txt)"
fi

build_target() {  # target logfile
  cmake --build "$build" --target "$1" -j "$jobs" > "$2" 2>&1
}

# Runs a test binary with a gtest filter, its output to logfile.
run_target() {  # target filter logfile
  local binary="$build/tests/$1"
  timeout --kill-after=10 "$test_timeout" "$binary" --gtest_filter="$2" > "$3" 2>&1
}

tests_run() {  # logfile -> the number gtest reports as run
  sed -n -E 's/^\[==========\] ([0-9]+) tests? from .* ran\..*/\1/p' "$1" | tail -n 1
}

failures=0
declare -A pristine_ok=()

# Every named target at once on the unchanged sources: one build links them in parallel.
t0=$(date +%s)
mapfile -t unique_targets < <(printf '%s\n' "${targets[@]}" | sort -u)
if ! cmake --build "$build" --target "${unique_targets[@]}" -j "$jobs" \
    > "$log/pristine.build.txt" 2>&1; then
  tail -n 30 "$log/pristine.build.txt"
  die "the test targets do not build on the unchanged sources (log: $log/pristine.build.txt)"
fi
echo "(unchanged) ${#unique_targets[@]} test targets built in $(($(date +%s) - t0)) s"

# Each target and filter must pass on the unchanged sources, or "caught" would mean nothing.
for i in "${!patches[@]}"; do
  key="${targets[$i]} ${filters[$i]}"
  [ -n "${pristine_ok[$key]:-}" ] && continue
  t0=$(date +%s)
  name="pristine-${targets[$i]}-$i"
  if run_target "${targets[$i]}" "${filters[$i]}" "$log/$name.txt"; then
    ran=$(tests_run "$log/$name.txt")
    if [ "${ran:-0}" -eq 0 ]; then
      printf '%-44s %s\n' "(unchanged) $key" "RUNS NO TEST"
      failures=$((failures + 1))
      pristine_ok[$key]=bad
    else
      printf '%-44s %s\n' "(unchanged) $key" "passes ($ran tests, $(($(date +%s) - t0)) s)"
      pristine_ok[$key]=ok
    fi
  else
    printf '%-44s %s\n' "(unchanged) $key" "FAILS (log: $log/$name.txt)"
    failures=$((failures + 1))
    pristine_ok[$key]=bad
  fi
done

caught=0 survived=0 broken=0
for i in "${!patches[@]}"; do
  patch="${patches[$i]}" target="${targets[$i]}" filter="${filters[$i]}"
  name="${patch%.patch}"
  t0=$(date +%s)
  label="$name -> $target"
  [ "$filter" != "*" ] && label="$label ($filter)"
  key="$target $filter"
  if [ "${pristine_ok[$key]}" != ok ]; then
    printf '%-72s %s\n' "$label" "not run: the test fails unchanged"
    continue
  fi
  if ! (cd "$src" && git apply --check "$here/$patch" > "$log/$name.apply.txt" 2>&1); then
    printf '%-72s %s\n' "$label" "PATCH DOES NOT APPLY"
    sed 's/^/    /' "$log/$name.apply.txt"
    broken=$((broken + 1))
    continue
  fi
  (cd "$src" && git apply "$here/$patch")
  if ! build_target "$target" "$log/$name.build.txt"; then
    result="DOES NOT BUILD (log: $log/$name.build.txt)"
    broken=$((broken + 1))
  elif run_target "$target" "$filter" "$log/$name.txt"; then
    result="SURVIVED (log: $log/$name.txt)"
    survived=$((survived + 1))
  else
    status=$?
    if [ $status -ge 124 ]; then
      result="caught (the test hung or crashed, status $status)"
    else
      failed=$(sed -n -E 's/^\[  FAILED  \] ([0-9]+) tests?, listed below:.*/\1/p' "$log/$name.txt")
      result="caught (${failed:-?} failed)"
    fi
    caught=$((caught + 1))
  fi
  # Undo the mutation; the file's new timestamp makes the next build compile it again.
  if ! (cd "$src" && git apply -R "$here/$patch"); then
    die "cannot undo $patch in the scratch copy"
  fi
  printf '%-72s %s\n' "$label" "$result, $(($(date +%s) - t0)) s"
done

total=$(($(date +%s) - start))
echo "mutations: ${caught} caught, ${survived} survived, ${broken} did not apply or build," \
  "of ${#patches[@]}, in ${total} s"
[ "${EVALKIT_MUTATION_KEEP:-0}" = 1 ] || rm -rf "$scratch"
[ $((survived + broken + failures)) -eq 0 ]
