// The page loads cleanly: no script errors, no missing resources, and no request leaves the site
// (a 政务 page must not call third-party services).

export async function loadCheck({ browser, url, origin }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  try {
    const page = await context.newPage();
    page.on("pageerror", (err) => problems.push(`script error: ${err.message}`));
    page.on("request", (req) => {
      if (!req.url().startsWith(origin) && !req.url().startsWith("data:")) {
        problems.push(`request leaves the site: ${req.url()}`);
      }
    });
    page.on("response", (res) => {
      const path = new URL(res.url()).pathname;
      // The page links its icon, so not even the browser's own /favicon.ico request may fail.
      if (res.status() >= 400 && res.url() !== url) {
        problems.push(`resource ${path} answered ${res.status()}`);
      }
    });
    await page.goto(url, { waitUntil: "load" });
    await page.waitForTimeout(100);
  } finally {
    await context.close();
  }
  return problems;
}
