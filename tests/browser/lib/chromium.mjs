// Launches Debian's Chromium through playwright-core (no browser download). playwright's launch()
// gives every run a fresh, temporary profile (its own --user-data-dir), removed on close.
//
// The browser is the old headless shell (Debian's chromium-headless-shell, the build Playwright
// itself runs headless) when the machine has it: it opens a context and loads a page for about a
// third of the processor time of the full browser's headless mode (10 contexts loading the home
// page: 2.9 s against 10.2 s), and the browser checks open some 250 contexts. The full browser
// (/usr/bin/chromium) otherwise; JIEDU_CHROMIUM names another.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

const HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";

export const CHROMIUM_PATH =
  process.env.JIEDU_CHROMIUM ?? (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : "/usr/bin/chromium");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
