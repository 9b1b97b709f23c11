// Functions evaluated inside the page. Kept in one place so every check describes elements the
// same way in its report.

/** Installs window.__jiedu helpers in the page (call after navigation). */
export async function installDomHelpers(page) {
  await page.evaluate(() => {
    const describe = (el) => {
      if (!el || el === document.body) return "body";
      let s = el.tagName.toLowerCase();
      if (el.id) s += "#" + el.id;
      const cls = typeof el.className === "string" ? el.className.trim().split(/\s+/).filter(Boolean) : [];
      if (cls.length) s += "." + cls.slice(0, 2).join(".");
      const text = (el.innerText || el.getAttribute("aria-label") || el.getAttribute("href") || "").trim().replace(/\s+/g, " ");
      if (text) s += `「${text.slice(0, 24)}」`;
      return s;
    };
    const isShown = (el) => {
      if (!el.getClientRects().length) return false;
      const cs = getComputedStyle(el);
      if (cs.visibility !== "visible" || Number(cs.opacity) === 0) return false;
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) return false;
      const scrollW = document.documentElement.scrollWidth;
      return r.bottom + window.scrollY > 0 && r.right + window.scrollX > 0 && r.left < scrollW;
    };
    const ownText = (el) =>
      [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "");
    window.__jiedu = { describe, isShown, ownText };
  });
}
