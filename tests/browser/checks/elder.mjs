// 长辈版 (适老化 mode), measured in Chromium with getComputedStyle against the project's numbers
// (shared/docs/zhengwu-conventions.md §4): body text ≥ 20 px and never < 18 px, headings ≥ 30 px,
// line height ≥ 1.5, paragraph gap ≥ 1.3 × line height, contrast ≥ 7:1, targets ≥ 44×44 px,
// no floating overlays. The toggle sits in the header, is remembered across pages, works with
// 字号 大/中/小, and without JavaScript the page stays normal while the toggle still works (CSS :has).
import { installDomHelpers } from "../lib/dom.mjs";
import { axeViolations, CONTRAST_AAA } from "./axe.mjs";

export const ELDER = { bodyPx: 20, minPx: 18, headingPx: 30, lineHeight: 1.5, paragraphGap: 1.3, targetPx: 44 };

/** Font size of the main body text: the smallest paragraph in the main content. */
function bodyTextPx(page) {
  return page.evaluate(() => {
    const sizes = [...document.querySelectorAll("main p")]
      .filter((p) => p.getClientRects().length && p.textContent.trim())
      .map((p) => parseFloat(getComputedStyle(p).fontSize));
    return sizes.length ? Math.min(...sizes) : null;
  });
}

function measure(page, limits) {
  return page.evaluate((L) => {
    const { describe, isShown, ownText } = window.__jiedu;
    const problems = [];
    const note = (label, list) => {
      if (list.length) problems.push(`${label}: ${list.length} element(s), e.g. ${list.slice(0, 4).join(", ")}`);
    };
    const small = [], tooSmall = [], smallHeadings = [], tight = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (["SCRIPT", "STYLE", "NOSCRIPT"].includes(el.tagName) || el.closest("svg")) continue;
      if (!ownText(el) || !isShown(el)) continue;
      const cs = getComputedStyle(el);
      const px = parseFloat(cs.fontSize);
      const lh = cs.lineHeight === "normal" ? 1.2 * px : parseFloat(cs.lineHeight);
      const what = `${describe(el)} ${px.toFixed(1)}px`;
      if (el.closest("h1, h2, h3, h4, h5, h6")) {
        if (px < L.headingPx - 0.01) smallHeadings.push(what);
      } else if (px < L.minPx - 0.01) {
        tooSmall.push(what);
      } else if (el.closest("main") && el.closest("p, li, dd, td, th, blockquote") && px < L.bodyPx - 0.01) {
        small.push(what);
      }
      if (lh / px < L.lineHeight - 0.01) tight.push(`${describe(el)} ${(lh / px).toFixed(2)}`);
    }
    note(`body text under ${L.bodyPx}px`, small);
    note(`text under ${L.minPx}px`, tooSmall);
    note(`headings under ${L.headingPx}px`, smallHeadings);
    note(`line height under ${L.lineHeight}`, tight);

    const narrowGaps = [];
    for (const p of document.querySelectorAll("main p + p")) {
      const prev = p.previousElementSibling;
      if (!isShown(p) || !isShown(prev)) continue;
      const gap = p.getBoundingClientRect().top - prev.getBoundingClientRect().bottom;
      const cs = getComputedStyle(prev);
      const lh = cs.lineHeight === "normal" ? 1.2 * parseFloat(cs.fontSize) : parseFloat(cs.lineHeight);
      if (gap < L.paragraphGap * lh - 0.5) narrowGaps.push(`${describe(p)} gap ${gap.toFixed(0)}px < ${(L.paragraphGap * lh).toFixed(0)}px`);
    }
    note(`paragraph gap under ${L.paragraphGap}× line height`, narrowGaps);

    const smallTargets = [];
    const targets = document.querySelectorAll("a[href], button, summary, select, textarea, input:not([type=hidden]), label[for]");
    for (const el of targets) {
      if (!isShown(el)) continue;
      if (el.tagName === "LABEL") {
        // A label counts as a target when it stands in for a visually hidden radio or checkbox.
        const input = document.getElementById(el.htmlFor);
        if (!input || input.getBoundingClientRect().width > 1) continue;
      }
      // A link inside a sentence is exempt (WCAG 2.5.5 "inline"): its parent has text of its own.
      if (el.tagName === "A" && getComputedStyle(el).display === "inline" && el.parentElement && ownText(el.parentElement)) continue;
      const r = el.getBoundingClientRect();
      if (r.width < L.targetPx - 0.5 || r.height < L.targetPx - 0.5) {
        smallTargets.push(`${describe(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    note(`click targets under ${L.targetPx}×${L.targetPx}px`, smallTargets);

    const overlays = [];
    for (const el of document.body.querySelectorAll("*")) {
      const position = getComputedStyle(el).position;
      if (["fixed", "sticky", "absolute"].includes(position) && isShown(el)) overlays.push(`${describe(el)} (${position})`);
    }
    note("floating overlays", overlays);
    return problems;
  }, limits);
}

async function pressOn(page, selector, key) {
  await page.focus(selector);
  await page.keyboard.press(key);
}

function elderState(page) {
  return page.evaluate(() => ({
    on: document.getElementById("elder-mode")?.checked === true,
    classOn: document.documentElement.classList.contains("elder"),
  }));
}

export async function elderCheck({ browser, url, origin }) {
  const problems = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await installDomHelpers(page);
    const place = await page.evaluate(() => {
      const toggle = document.getElementById("elder-mode");
      const main = document.querySelector("main");
      if (!toggle || toggle.type !== "checkbox") return "missing";
      if (main && (main.contains(toggle) || !(main.compareDocumentPosition(toggle) & Node.DOCUMENT_POSITION_PRECEDING))) return "below";
      return "header";
    });
    if (place === "missing") return ["no 长辈版 toggle (checkbox #elder-mode) on the page"];
    if (place === "below") problems.push("the 长辈版 toggle is not in the page header (it comes after the main content starts)");
    const normalPx = await bodyTextPx(page);

    await pressOn(page, "#elder-mode", "Space");
    const state = await elderState(page);
    if (!state.on) problems.push("Space on the 长辈版 toggle does not switch it on");
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
    problems.push(...(await measure(page, ELDER)));
    problems.push(...(await axeViolations(page, CONTRAST_AAA)).map((v) => `长辈版 contrast below 7:1: ${v}`));

    const sizes = {};
    for (const fs of ["s", "l", "m"]) {
      if (await page.locator(`#fs-${fs}`).count()) {
        await pressOn(page, `#fs-${fs}`, "Space");
        sizes[fs] = await bodyTextPx(page);
      }
    }
    if (sizes.s !== undefined && sizes.s < ELDER.bodyPx) problems.push(`长辈版 with 字号 小 shrinks body text to ${sizes.s}px`);
    if (sizes.l !== undefined && !(sizes.l > sizes.m)) problems.push(`长辈版 with 字号 大 is not larger than 中 (${sizes.l}px vs ${sizes.m}px)`);

    await page.goto(`${origin}/`);
    const remembered = await elderState(page);
    const rememberedPx = await bodyTextPx(page);
    if (!remembered.on || !remembered.classOn || (rememberedPx !== null && rememberedPx < ELDER.bodyPx)) {
      problems.push("长辈版 is not remembered on the next page");
    }
    await pressOn(page, "#elder-mode", "Space");
    await page.goto(url);
    const offPx = await bodyTextPx(page);
    if ((await elderState(page)).on || offPx !== normalPx) problems.push("switching 长辈版 off does not bring back the normal page");
  } finally {
    await context.close();
  }
  problems.push(...(await withoutJavaScript(browser, url)));
  return problems;
}

/** Without JavaScript the page is the normal page; the toggle still works through CSS :has(). */
async function withoutJavaScript(browser, url) {
  const problems = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await installDomHelpers(page);
    const before = await bodyTextPx(page);
    if (before !== null && before >= ELDER.bodyPx) problems.push(`without JavaScript the page does not start as the normal page (body text ${before}px)`);
    await pressOn(page, "#elder-mode", "Space");
    const after = await bodyTextPx(page);
    if (after !== null && after < ELDER.bodyPx) problems.push(`without JavaScript the 长辈版 toggle has no effect (body text ${after}px)`);
  } finally {
    await context.close();
  }
  return problems;
}
