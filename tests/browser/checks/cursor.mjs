// 特大鼠标 (适老化 S8 附件1: an extra-large cursor on desktop): a switch beside 长辈版 that gives
// the page, and what can be clicked, a cursor image at least 64 px wide, read from the computed
// `cursor` and measured by loading the image; remembered on the next page; working without
// JavaScript through the checkbox alone; off by default; absent from the printed page.

const MIN_CURSOR_PX = 64;

/** The computed cursor of `selector` and the natural size of its image, if it has one. */
function cursorOf(page, selector) {
  return page.evaluate(async (s) => {
    const el = document.querySelector(s);
    if (!el) return null;
    const cursor = getComputedStyle(el).cursor;
    const m = cursor.match(/url\("?(.*?)"?\)/);
    if (!m) return { cursor, width: 0, height: 0 };
    const img = new Image();
    img.src = m[1];
    try {
      await img.decode();
    } catch {
      return { cursor: cursor.slice(0, 40), width: -1, height: -1 };
    }
    return { cursor: cursor.slice(0, 40), width: img.naturalWidth, height: img.naturalHeight };
  }, selector);
}

async function bigCursorProblems(page, when) {
  const problems = [];
  for (const [what, selector] of [
    ["the page", "main"],
    ["a link", "main a[href], .site-header a[href]"],
  ]) {
    const c = await cursorOf(page, selector);
    if (!c) continue;
    if (c.width < MIN_CURSOR_PX || c.height < MIN_CURSOR_PX) {
      problems.push(`${when}: cursor over ${what} is ${c.width}×${c.height}px (${c.cursor}), not a ${MIN_CURSOR_PX}px cursor`);
    }
  }
  return problems;
}

export async function cursorCheck({ browser, url }) {
  const problems = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    if (!(await page.locator("#big-cursor").count())) return ["no 特大鼠标 switch (#big-cursor)"];
    const before = await cursorOf(page, "main");
    if (before.width > 0) problems.push(`特大鼠标 is on before it was chosen (${before.cursor})`);
    await page.locator('label[for="big-cursor"]').click();
    problems.push(...(await bigCursorProblems(page, "after choosing 特大鼠标")));
    await page.reload();
    problems.push(...(await bigCursorProblems(page, "on the next visit")).map((p) => `${p} (not remembered)`));
    await page.emulateMedia({ media: "print" });
    const printed = await page.evaluate(() => {
      const toggle = document.querySelector(".cursor-toggle, #big-cursor");
      return !!toggle && toggle.getClientRects().length > 0;
    });
    if (printed) problems.push("the 特大鼠标 switch is printed");
  } finally {
    await context.close();
  }
  // Without JavaScript the checkbox alone switches the current page.
  const noJs = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  try {
    const page = await noJs.newPage();
    await page.goto(url);
    await page.locator('label[for="big-cursor"]').click();
    problems.push(...(await bigCursorProblems(page, "without JavaScript")));
  } finally {
    await noJs.close();
  }
  return problems;
}
