// Launches Debian's Chromium through playwright-core (no browser download). playwright's launch()
// gives every run a fresh, temporary profile (its own --user-data-dir), removed on close.
import { chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.JIEDU_CHROMIUM ?? "/usr/bin/chromium";

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
