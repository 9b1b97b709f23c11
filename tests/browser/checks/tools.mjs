// Every page tool worked by keyboard alone (适老化 S8 附件1 全程键盘; WCAG 2.1.1, 2.4.3, 2.4.7):
// Tab reaches each tool with a visible focus indicator and Space or Enter operates it — 长辈版 and
// 特大鼠标 on and off again, 字号 by the arrow keys of its radio group, 打印本页, 语音阅读, 分享
// (open, into its panel, closed), a video's controls — and on a phone 菜单 and 更多工具. Shift-Tab
// walks the same stops back in reverse order. No pop-up (window, alert, confirm) appears anywhere,
// and a link leaving the site says so beside it instead.
import { installDomHelpers } from "../lib/dom.mjs";

const NO_POPUPS = () => {
  window.__popups = [];
  for (const name of ["alert", "confirm", "prompt", "open"]) {
    window[name] = (...args) => {
      window.__popups.push(`${name}(${String(args[0] ?? "").slice(0, 30)})`);
      return name === "confirm" ? false : null;
    };
  }
  window.__printed = 0;
  window.print = () => {
    window.__printed += 1;
  };
};

/** Presses Tab until `selector` has focus; false when it never does within `limit` presses
 *  from the top of the page (the skip link). Only the starting point is set by script; every
 *  move after it is a key. `walk.presses` is how many presses from the top brought focus to
 *  where it is now (the previous tool, left focused by its steps), or null: the tools come in
 *  page order, so the walk goes on from there — the presses a walk from the top would make
 *  again — and counts them against the same limit; only when that does not reach the tool does
 *  it start again from the top, so a tool is reported unreachable exactly when a walk from the
 *  top does not reach it. */
async function tabTo(page, selector, walk, limit = 120) {
  const focused = () => page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);
  if (walk.presses !== null) {
    for (let n = walk.presses + 1; n <= limit; n++) {
      await page.keyboard.press("Tab");
      if (await focused()) {
        walk.presses = n;
        return true;
      }
    }
  }
  walk.presses = null;
  await page.evaluate(() => document.querySelector("a[href], button, input")?.focus());
  if (await focused()) {
    walk.presses = 0;
    return true;
  }
  for (let n = 1; n <= limit; n++) {
    await page.keyboard.press("Tab");
    if (await focused()) {
      walk.presses = n;
      return true;
    }
  }
  return false;
}

/** Whether the focused element (or the label drawn for a hidden input) shows a focus ring. */
function focusVisible(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    if (el?.tagName === "INPUT" && (Number(getComputedStyle(el).opacity) === 0 || el.getBoundingClientRect().width <= 1)) {
      el = el.labels?.[0] ?? el;
    }
    const cs = getComputedStyle(el);
    return (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== "none";
  });
}

const htmlHas = (page, cls) => page.evaluate((c) => document.documentElement.classList.contains(c), cls);

async function operate(page, tool, problems, walk) {
  const { name, selector, steps } = tool;
  if (!(await tabTo(page, selector, walk))) {
    problems.push(`Tab does not reach ${name} (${selector})`);
    return;
  }
  if (!(await focusVisible(page))) problems.push(`${name} has no visible focus indicator`);
  for (const [key, expectation, what] of steps) {
    await page.keyboard.press(key);
    await page.waitForTimeout(50);
    if (!(await expectation(page))) problems.push(`${key} on ${name} does not ${what}`);
  }
}

async function shiftTabProblems(page) {
  await page.evaluate(() => document.activeElement?.blur());
  const forward = [];
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press("Tab");
    forward.push(await page.evaluate(() => window.__jiedu.describe(document.activeElement)));
  }
  const back = [];
  for (let i = 0; i < forward.length - 1; i++) {
    await page.keyboard.press("Shift+Tab");
    back.push(await page.evaluate(() => window.__jiedu.describe(document.activeElement)));
  }
  const expected = forward.slice(0, -1).reverse();
  const at = expected.findIndex((what, i) => back[i] !== what);
  return at < 0 ? [] : [`Shift-Tab goes to ${back[at]} where ${expected[at]} came before it`];
}

export async function toolsCheck({ browser, url }) {
  const problems = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(NO_POPUPS);
    const dialogs = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    page.on("popup", () => dialogs.push("a new window"));
    await page.goto(url);
    await installDomHelpers(page);
    problems.push(...(await shiftTabProblems(page)));

    const checked = (id) => (p) => p.evaluate((i) => document.getElementById(i)?.checked === true, id);
    const unchecked = (id) => async (p) => !(await checked(id)(p));
    const tools = [
      {
        name: "长辈版",
        selector: "#elder-mode",
        steps: [
          ["Space", async (p) => (await checked("elder-mode")(p)) && (await htmlHas(p, "elder")), "turn 长辈版 on"],
          ["Enter", async (p) => (await unchecked("elder-mode")(p)) && !(await htmlHas(p, "elder")), "turn 长辈版 off again"],
        ],
      },
      {
        name: "特大鼠标",
        selector: "#big-cursor",
        steps: [
          ["Space", async (p) => (await checked("big-cursor")(p)) && (await htmlHas(p, "big-cursor")), "turn 特大鼠标 on"],
          ["Enter", async (p) => (await unchecked("big-cursor")(p)) && !(await htmlHas(p, "big-cursor")), "turn 特大鼠标 off again"],
        ],
      },
      {
        name: "字号",
        selector: 'input[name="fs"]',
        steps: [
          ["ArrowLeft", checked("fs-l"), "choose 大"],
          ["ArrowRight", checked("fs-m"), "go back to 中"],
        ],
      },
      {
        name: "打印本页",
        selector: '[data-action="print"]',
        steps: [["Enter", (p) => p.evaluate(() => window.__printed === 1), "open the print dialog"]],
      },
      {
        name: "语音阅读",
        selector: '[data-action="speak"]',
        steps: [
          [
            "Enter",
            (p) =>
              p.evaluate(() => {
                const b = document.querySelector('[data-action="speak"]');
                return b.getAttribute("aria-pressed") === "true" || document.querySelector(".speak-status")?.textContent.trim() !== "";
              }),
            "start reading (or say why it cannot)",
          ],
        ],
      },
      {
        name: "分享",
        selector: "details.share > summary",
        steps: [
          ["Enter", (p) => p.evaluate(() => document.querySelector("details.share").open), "open the share panel"],
          ["Tab", (p) => p.evaluate(() => !!document.activeElement?.closest(".share-panel")), "move into the share panel"],
          ["Shift+Tab", (p) => p.evaluate(() => document.activeElement?.matches("details.share > summary")), "come back to 分享"],
          ["Space", (p) => p.evaluate(() => !document.querySelector("details.share").open), "close the share panel"],
        ],
      },
    ];
    const walk = { presses: null };
    for (const tool of tools) {
      if (!(await page.locator(tool.selector).count())) {
        problems.push(`no ${tool.name} tool (${tool.selector})`);
        continue;
      }
      await operate(page, tool, problems, walk);
    }
    if (await page.locator("video[controls]").count()) {
      await operate(page, { name: "the video", selector: "video[controls]", steps: [] }, problems, walk);
    }
    problems.push(...(await externalLinkProblems(page)));
    const popups = await page.evaluate(() => window.__popups ?? []);
    if (popups.length || dialogs.length) problems.push(`pop-up while using the tools: ${[...popups, ...dialogs].join(", ")}`);
  } finally {
    await context.close();
  }
  problems.push(...(await phoneTools(browser, url)));
  return problems;
}

/** Every link in the content that leaves the site says so beside it (no confirm pop-up). */
function externalLinkProblems(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("main a[href]")]
      .filter((a) => a.protocol.startsWith("http") && a.origin !== location.origin)
      .filter((a) => !getComputedStyle(a, "::after").content.includes("将离开本站"))
      .map((a) => `external link ${a.href} does not say it leaves the site`),
  );
}

/** On a phone, 菜单 and 更多工具 unfold by keyboard. */
async function phoneTools(browser, url) {
  const problems = [];
  const context = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await page.goto(url);
    const walk = { presses: null };
    const shown = (sel) => (p) => p.evaluate((s) => { const el = document.querySelector(s); return !!el && el.getClientRects().length > 0; }, sel);
    for (const tool of [
      { name: "菜单", selector: "#menu-switch", reveals: ".site-header .columns" },
      { name: "更多工具", selector: "#tools-switch", reveals: ".tools-more" },
    ]) {
      if (!(await page.locator(tool.selector).count())) {
        problems.push(`phone: no ${tool.name} switch (${tool.selector})`);
        continue;
      }
      await operate(
        page,
        {
          name: `phone ${tool.name}`,
          selector: tool.selector,
          steps: [
            ["Space", shown(tool.reveals), `unfold ${tool.reveals}`],
            ["Enter", async (p) => !(await shown(tool.reveals)(p)), `fold ${tool.reveals} again`],
          ],
        },
        problems,
        walk,
      );
    }
  } finally {
    await context.close();
  }
  return problems;
}
