// Keyboard use (WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.7): the first Tab stop is a visible skip link that
// moves focus into the main content; Tab alone reaches every control without getting stuck;
// every stop shows a visible focus indicator.
import { installDomHelpers } from "../lib/dom.mjs";

/** Marks every element Tab should reach (one stop per radio group); returns their descriptions. */
function markExpectedStops(page) {
  return page.evaluate(() => {
    const { describe } = window.__jiedu;
    const selector = "a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable=true], audio[controls], video[controls]";
    const closedDetailsHides = (el) => {
      const details = el.parentElement?.closest("details:not([open])");
      if (!details) return false;
      return !(el.tagName === "SUMMARY" && el.parentElement === details) || closedDetailsHides(details);
    };
    const radioGroups = new Set();
    const expected = [];
    for (const el of document.querySelectorAll(selector)) {
      if (el.tabIndex < 0 || el.matches(":disabled") || el.closest("[inert]") || el.type === "hidden") continue;
      if (!el.getClientRects().length || getComputedStyle(el).visibility !== "visible") continue;
      if (closedDetailsHides(el)) continue;
      let key = `stop-${expected.length}`;
      if (el.type === "radio") {
        key = `radio-${el.name}`;
        if (radioGroups.has(key)) {
          el.dataset.kbStop = key;
          continue;
        }
        radioGroups.add(key);
      }
      el.dataset.kbStop = key;
      expected.push({ key, what: describe(el) });
    }
    return expected;
  });
}

/** What has focus now, and whether its focus indicator can be seen. */
function focusedStop(page) {
  return page.evaluate(() => {
    const { describe } = window.__jiedu;
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    // Custom-styled radios and checkboxes hide the input and draw the focus ring on its label.
    let drawn = el;
    if (el.tagName === "INPUT" && (Number(getComputedStyle(el).opacity) === 0 || el.getBoundingClientRect().width <= 1)) {
      drawn = el.labels?.[0] ?? el;
    }
    const cs = getComputedStyle(drawn);
    const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
    const shadow = cs.boxShadow !== "none";
    return { key: el.dataset.kbStop ?? null, what: describe(el), indicator: outline || shadow };
  });
}

async function skipLinkProblems(page) {
  const problems = [];
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    const href = el?.getAttribute("href") ?? "";
    const target = href.startsWith("#") ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
    const r = el.getBoundingClientRect();
    return {
      what: window.__jiedu.describe(el),
      toMain: !!target && (target.tagName === "MAIN" || target.getAttribute("role") === "main"),
      visible: r.width > 1 && r.height > 1 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0,
    };
  });
  if (!first.toMain) return [`first Tab stop is ${first.what}, not a skip link to the main content`];
  if (!first.visible) problems.push(`skip link ${first.what} is not visible when it has focus`);
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  const landed = await page.evaluate(() => {
    const main = document.querySelector("main, [role=main]");
    return { inMain: !!main && main.contains(document.activeElement), what: window.__jiedu.describe(document.activeElement) };
  });
  if (!landed.inMain) problems.push(`after the skip link, Tab goes to ${landed.what}, outside the main content`);
  return problems;
}

export async function keyboardCheck({ browser, url }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  try {
    const page = await context.newPage();
    await page.goto(url);
    await installDomHelpers(page);
    problems.push(...(await skipLinkProblems(page)));

    await page.goto(url);
    await installDomHelpers(page);
    const expected = await markExpectedStops(page);
    const reached = new Set();
    const noIndicator = [];
    let previous = null;
    for (let i = 0; i < expected.length + 5; i++) {
      await page.keyboard.press("Tab");
      const stop = await focusedStop(page);
      if (!stop) break; // focus left the document after the last stop
      if (previous && stop.key === previous.key && stop.key !== null) {
        problems.push(`focus is stuck on ${stop.what}`);
        break;
      }
      if (stop.key && reached.has(stop.key)) break; // wrapped around
      if (stop.key) reached.add(stop.key);
      if (!stop.indicator) noIndicator.push(stop.what);
      previous = stop;
    }
    const missed = expected.filter((e) => !reached.has(e.key));
    if (missed.length) {
      problems.push(`${missed.length} control(s) not reachable by Tab: ${missed.slice(0, 5).map((m) => m.what).join(", ")}`);
    }
    if (noIndicator.length) {
      problems.push(`no visible focus indicator on ${noIndicator.length} stop(s): ${noIndicator.slice(0, 5).join(", ")}`);
    }
  } finally {
    await context.close();
  }
  return problems;
}
