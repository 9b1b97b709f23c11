// A static file server for a built site, on 127.0.0.1 only, so that pages load with their
// root-relative links exactly as on a real host (file:// URLs would break `/static/...`).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".vtt": "text/vtt; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".json": "application/json",
  ".mp4": "video/mp4",
};

async function fileFor(root, urlPath) {
  const decoded = decodeURIComponent(urlPath);
  const candidate = resolve(root, "." + decoded);
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  try {
    const info = await stat(candidate);
    if (info.isDirectory()) return fileFor(root, join(decoded, "index.html"));
    return candidate;
  } catch {
    return null;
  }
}

/**
 * Serves `dir`; resolves to { origin, url (the same), requests, close }. Missing files get
 * /404.html with status 404; `requests` lists every path asked for.
 */
export async function serveDirectory(dir) {
  const root = resolve(dir);
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push(req.url);
    const path = new URL(req.url, "http://localhost").pathname;
    let file = await fileFor(root, path);
    let status = 200;
    if (!file) {
      status = 404;
      file = await fileFor(root, "/404.html");
    }
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const body = await readFile(file);
    res.writeHead(status, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return { origin, url: origin, requests, close: () => new Promise((ok) => server.close(ok)) };
}

export const serveSite = serveDirectory;
