// Launches Debian's Chromium through playwright-core (no browser download). Playwright gives
// every launch a fresh temporary profile (its own --user-data-dir), removed on close.
import { chromium } from "playwright-core";

export async function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/** Collects failures so one run reports every broken expectation, then exits non-zero. */
export class Checks {
  constructor() { this.failures = []; this.passed = 0; }
  ok(cond, message) { if (cond) this.passed++; else this.failures.push(message); }
  finish() {
    for (const f of this.failures) console.error("FAIL: " + f);
    console.log(`checks: ${this.passed} passed, ${this.failures.length} failed`);
    process.exitCode = this.failures.length ? 1 : 0;
  }
}
