// Runs the browser checks over a built site and prints one JSON report on stdout.
// Usage: node run-checks.mjs plan.json
//   plan = { "root": "<built site dir>",
//            "pages": [{ "type": "clause", "path": "/x/clause/1/", "checks": ["axe", "keyboard", …] }],
//            "screenshots": { "dir": "<dir>", "types": ["home", "clause"] } }   (screenshots optional)
// Report = { "checked": { "<check>": pages }, "seconds": { "<check>": s }, "problems": [{ check, type, path, message }], "screenshots": [paths] }
// Called by tests/a11y.rs; the same code checks the example portal and tests/fixtures/broken/.
import { readFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { launchChromium } from "./lib/chromium.mjs";
import { serveDirectory } from "./lib/static-server.mjs";
import { axeCheck } from "./checks/axe.mjs";
import { loadCheck } from "./checks/load.mjs";
import { overflowCheck } from "./checks/overflow.mjs";
import { keyboardCheck } from "./checks/keyboard.mjs";
import { elderCheck } from "./checks/elder.mjs";
import { speechCheck } from "./checks/speech.mjs";
import { printCheck } from "./checks/print.mjs";
import { phoneTopCheck } from "./checks/phone-top.mjs";
import { toolsCheck } from "./checks/tools.mjs";
import { cursorCheck } from "./checks/cursor.mjs";
import { takeScreenshots } from "./screenshots.mjs";

const CHECKS = {
  axe: axeCheck,
  load: loadCheck,
  overflow: overflowCheck,
  keyboard: keyboardCheck,
  elder: elderCheck,
  speech: speechCheck,
  print: printCheck,
  "phone-top": phoneTopCheck,
  tools: toolsCheck,
  cursor: cursorCheck,
};

const plan = JSON.parse(await readFile(process.argv[2], "utf8"));
const server = await serveDirectory(plan.root);
const browser = await launchChromium();
const report = { checked: {}, seconds: {}, problems: [], screenshots: [] };
try {
  if (plan.screenshots) await mkdir(plan.screenshots.dir, { recursive: true });
  // The checks spend their time waiting on Chromium (a key press, then a look at the page), not
  // computing, so several pages are checked at once; results are gathered in plan order, so the
  // report reads the same however the work interleaved.
  const jobs = plan.pages.flatMap((page) => page.checks.map((check) => ({ page, check })));
  for (const { check } of jobs) if (!CHECKS[check]) throw new Error(`unknown check ${check}`);
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const at = next++;
      const { page, check } = jobs[at];
      const screenshot = check === "print" && plan.screenshots ? join(plan.screenshots.dir, `print-${page.type}.png`) : null;
      let messages;
      const started = Date.now();
      try {
        messages = await CHECKS[check]({ browser, url: server.origin + page.path, origin: server.origin, screenshot });
      } catch (err) {
        messages = [`the check itself failed: ${err.message.split("\n")[0]}`];
      }
      results[at] = { messages, seconds: (Date.now() - started) / 1000, screenshot };
    }
  };
  const parallel = Math.max(1, Number(process.env.JIEDU_BROWSER_JOBS) || 4);
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  jobs.forEach(({ page, check }, at) => {
    const { messages, seconds, screenshot } = results[at];
    report.checked[check] = (report.checked[check] ?? 0) + 1;
    report.seconds[check] = (report.seconds[check] ?? 0) + seconds;
    if (screenshot) report.screenshots.push(screenshot);
    for (const message of messages) report.problems.push({ check, type: page.type, path: page.path, message });
  });
  if (plan.screenshots) {
    const byType = new Map(plan.pages.map((p) => [p.type, p.path]));
    const wanted = plan.screenshots.types.map((type) => ({ type, url: server.origin + byType.get(type) }));
    const started = Date.now();
    report.screenshots.push(...(await takeScreenshots(browser, wanted, plan.screenshots.dir)));
    report.seconds.screenshots = (Date.now() - started) / 1000;
  }
} finally {
  await browser.close();
  await server.close();
}
for (const check of Object.keys(report.seconds)) report.seconds[check] = Math.round(report.seconds[check] * 10) / 10;
process.stdout.write(JSON.stringify(report, null, 1) + "\n");
