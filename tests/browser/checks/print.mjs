// Printing a policy or clause: the text with its metadata (发布日期) and the page's URL, without
// navigation, buttons, form fields or the QR code.
import { installDomHelpers } from "../lib/dom.mjs";

export async function printCheck({ browser, url, screenshot }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.emulateMedia({ media: "print" });
    await installDomHelpers(page);
    const problems = await page.evaluate(() => {
      const { describe } = window.__jiedu;
      const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility === "visible";
      const problems = [];
      const chrome = [...document.querySelectorAll("nav, button, input, select, textarea, summary, form, [role=search], .qr, .skip-link")]
        .filter(shown)
        .map(describe);
      if (chrome.length) problems.push(`printed page shows chrome: ${chrome.slice(0, 6).join(", ")}${chrome.length > 6 ? " …" : ""}`);
      const h1 = document.querySelector("h1");
      if (!h1 || !shown(h1)) problems.push("the title (h1) is not printed");
      const text = document.body.innerText;
      const canonical = document.querySelector('link[rel="canonical"]')?.href;
      if (!canonical) problems.push('no <link rel="canonical"> to print as the page URL');
      else if (!text.includes(canonical)) problems.push(`the page URL ${canonical} is not printed`);
      if (!text.includes("发布日期")) problems.push("the metadata (发布日期) is not printed");
      return problems;
    });
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return problems;
  } finally {
    await context.close();
  }
}
