// Prints the <h1> top of every page type on a 375×667 phone, normal and 长辈版, as a table (for
// the layout's numbers in reports; the pass/fail check is checks/phone-top.mjs).
// Usage: node phone-tops.mjs <built site dir> <type>=<path> …
import { launchChromium } from "./lib/chromium.mjs";
import { serveDirectory } from "./lib/static-server.mjs";
import { h1Tops } from "./checks/phone-top.mjs";

const [root, ...pages] = process.argv.slice(2);
const server = await serveDirectory(root);
const browser = await launchChromium();
try {
  for (const spec of pages) {
    const [type, path] = spec.split("=");
    const tops = await h1Tops(browser, server.origin + path);
    console.log(`${type}\t${tops.normal}\t${tops["长辈版"]}`);
  }
} finally {
  await browser.close();
  await server.close();
}
