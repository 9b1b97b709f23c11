// Reflow on a 375-px phone: nothing may stick out sideways; wide tables scroll inside their own
// box. Checked in the normal page and in 长辈版 with the largest 字号, where text is biggest.
import { installDomHelpers } from "../lib/dom.mjs";

async function overflowingElements(page) {
  await installDomHelpers(page);
  return page.evaluate(() => {
    const { describe } = window.__jiedu;
    const width = document.documentElement.clientWidth;
    const found = [];
    if (width > 400) found.push(`layout viewport is ${width} px wide, not the phone's 375 px (viewport meta missing?)`);
    if (document.documentElement.scrollWidth > width + 1) {
      found.push(`page scrolls sideways: ${document.documentElement.scrollWidth} px content in ${width} px`);
    }
    const clippedByAncestor = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== "visible") return true;
      }
      return false;
    };
    const offenders = [...document.body.querySelectorAll("*")].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > width + 1 && !clippedByAncestor(el);
    });
    // Report only the outermost offenders, not every descendant of one.
    for (const el of offenders) {
      if (!offenders.some((o) => o !== el && o.contains(el))) {
        found.push(`${describe(el)} reaches ${Math.round(el.getBoundingClientRect().right)} px`);
      }
    }
    return found.slice(0, 8);
  });
}

/** Switches a control on with the keyboard, as a reader would (the inputs are visually hidden). */
async function switchOn(page, selector) {
  if (!(await page.locator(selector).count())) return;
  await page.focus(selector);
  await page.keyboard.press("Space");
}

export async function overflowCheck({ browser, url }) {
  const problems = [];
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await page.goto(url);
    // Open panels (分享, 简明问答 lists, the phone's 菜单 and 更多工具) count too: a reader opens them.
    await page.evaluate(() => {
      document.querySelectorAll("details").forEach((d) => (d.open = true));
      document.querySelectorAll(".menu-switch").forEach((c) => (c.checked = true));
    });
    for (const f of await overflowingElements(page)) problems.push(`normal: ${f}`);
    await switchOn(page, "#elder-mode");
    await switchOn(page, "#fs-l");
    for (const f of await overflowingElements(page)) problems.push(`长辈版 + 大字号: ${f}`);
  } finally {
    await context.close();
  }
  return problems;
}
