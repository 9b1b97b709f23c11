// Launches Debian's Chromium through playwright-core (no browser download): the same browser
// and options as the page checks (lib/chromium.mjs). Playwright gives every launch a fresh
// temporary profile (its own --user-data-dir), removed on close.
import { launchChromium } from "./chromium.mjs";

export function launch() {
  return launchChromium();
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
