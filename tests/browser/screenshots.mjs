// Full-page screenshots for people to look at: desktop (1280 px) and phone (375 px), normal and
// 长辈版 (set the way a reader's earlier choice is: remembered in localStorage).
import { join } from "node:path";

export async function takeScreenshots(browser, pages, dir) {
  const written = [];
  for (const width of [1280, 375]) {
    for (const mode of ["normal", "elder"]) {
      const context = await browser.newContext({
        viewport: { width, height: 900 },
        isMobile: width < 600,
        hasTouch: width < 600,
      });
      if (mode === "elder") await context.addInitScript(() => localStorage.setItem("jiedu-elder", "1"));
      const page = await context.newPage();
      for (const { type, url } of pages) {
        await page.goto(url);
        const path = join(dir, `${type}-${width}-${mode}.png`);
        await page.screenshot({ path, fullPage: true });
        written.push(path);
      }
      await context.close();
    }
  }
  return written;
}
