#!/usr/bin/env python3
"""Runs every test binary of the crate, two at a time (tests/run calls it when given no arguments).

`cargo test` runs its test binaries one after another. Ours spend much of their time waiting on
Chromium, the Nu HTML Checker or a server on loopback: the browser checks alone (tests/a11y.rs)
take about half of the whole run with one core mostly idle. Running two binaries side by side
keeps both cores busy and cuts the test command's wall time without dropping any test. Each
binary still runs all of its own tests (in parallel threads, as under cargo); its output is
printed in one piece when it ends, so the log reads as cargo's does.

Usage: run_binaries.py [LANES]   (default: the JIEDU_TEST_LANES variable, else 2)
"""

import json
import os
import subprocess
import sys
import threading
import time

# The longest binaries first, so that no long one starts last and runs alone (seconds, a quiet
# 2-core machine, last measured: a11y 281, library 47, incremental 43, revisions_site 40,
# search_realpolicies 36, search 30, bounded_pages 16, serve 12). The rest follow by name.
LONG_FIRST = [
    "a11y",
    "library",
    "incremental",
    "revisions_site",
    "search_realpolicies",
    "search",
    "bounded_pages",
    "serve",
    "build_cache",
    "build",
]


def test_binaries():
    """The test executables cargo built (`cargo test --no-run`), as (shown name, path)."""
    out = subprocess.run(
        ["cargo", "test", "--release", "--no-run", "--message-format=json-render-diagnostics"],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    found = []
    for line in out.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") != "compiler-artifact" or not msg.get("executable"):
            continue
        if not msg.get("profile", {}).get("test"):
            continue  # examples and the jiedu binary itself are built, not run as tests
        target = msg["target"]
        src = os.path.relpath(target["src_path"], os.getcwd())
        kind = target["kind"][0]
        shown = f"unittests {src}" if kind in ("lib", "bin") else src
        found.append((target["name"], shown, msg["executable"]))
    rank = {name: i for i, name in enumerate(LONG_FIRST)}
    found.sort(key=lambda t: (rank.get(t[0], len(rank)), t[1]))
    return found


def main():
    lanes = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("JIEDU_TEST_LANES", "2"))
    queue = test_binaries()
    if not queue:
        print("没有找到测试程序（cargo test --no-run 没有给出可执行文件）", file=sys.stderr)
        return 1
    lock = threading.Lock()
    results = []  # (shown, seconds, exit code)

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                name, shown, exe = queue.pop(0)
            start = time.monotonic()
            run = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            took = time.monotonic() - start
            with lock:
                print(f"     Running {shown} ({os.path.relpath(exe)})", flush=True)
                sys.stdout.buffer.write(run.stdout)
                sys.stdout.flush()
                results.append((shown, took, run.returncode))

    threads = [threading.Thread(target=worker) for _ in range(max(1, lanes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    failed = [r for r in results if r[2] != 0]
    print(f"\n测试程序 {len(results)} 个（同时运行 {lanes} 个），用时：")
    for shown, took, code in sorted(results, key=lambda r: -r[1]):
        mark = "" if code == 0 else f"  失败（退出码 {code}）"
        print(f"  {took:7.1f} s  {shown}{mark}")
    if failed:
        print(f"\n{len(failed)} 个测试程序失败：{', '.join(r[0] for r in failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
