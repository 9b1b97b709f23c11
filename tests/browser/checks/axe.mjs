// axe-core in the page: WCAG 2.1 A/AA rules in the normal page, and the AAA contrast rule
// (7:1, color-contrast-enhanced) in 长辈版, which promises stronger contrast.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

export const WCAG21_AA = { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] };
export const CONTRAST_AAA = { type: "rule", values: ["color-contrast-enhanced"] };

/** Runs axe with `runOnly` and returns one message per violation. */
export async function axeViolations(page, runOnly) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(
    async (runOnly) => (await window.axe.run(document, { runOnly, resultTypes: ["violations"] })).violations,
    runOnly,
  );
  return violations.map((v) => {
    const where = v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join("; ");
    const more = v.nodes.length > 4 ? ` (+${v.nodes.length - 4} more)` : "";
    return `${v.id} [${v.impact}]: ${v.help} — ${where}${more}`;
  });
}

export async function axeCheck({ browser, url }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    return await axeViolations(page, WCAG21_AA);
  } finally {
    await context.close();
  }
}
