// On a 375×667 phone the page's <h1> must start within the first 260 px, so a reader sees the
// title (not only the header, navigation and toolbars) on the first screen. Measured in the
// normal page and in 长辈版 as a returning reader gets it (the remembered choice), where every
// target is larger. A visually hidden h1 (the home page) counts where it sits in the flow.

export const PHONE = { width: 375, height: 667, h1TopPx: 260 };

/** The top of the first <h1> in document coordinates, in the normal page and in 长辈版. */
export async function h1Tops(browser, url) {
  const context = await browser.newContext({
    viewport: { width: PHONE.width, height: PHONE.height },
    isMobile: true,
    hasTouch: true,
  });
  const tops = {};
  try {
    const page = await context.newPage();
    const top = () =>
      page.evaluate(() => {
        const h1 = document.querySelector("h1");
        return h1 ? Math.round(h1.getBoundingClientRect().top + window.scrollY) : null;
      });
    await page.goto(url);
    await page.evaluate(() => localStorage.removeItem("jiedu-elder"));
    await page.reload();
    tops.normal = await top();
    await page.evaluate(() => localStorage.setItem("jiedu-elder", "1"));
    await page.reload();
    tops["长辈版"] = await top();
  } finally {
    await context.close();
  }
  return tops;
}

export async function phoneTopCheck({ browser, url }) {
  const problems = [];
  for (const [mode, top] of Object.entries(await h1Tops(browser, url))) {
    if (top === null) problems.push(`${mode}: the page has no <h1>`);
    else if (top > PHONE.h1TopPx) problems.push(`${mode}: <h1> starts at ${top} px on a ${PHONE.width}×${PHONE.height} phone (limit ${PHONE.h1TopPx} px)`);
  }
  return problems;
}
