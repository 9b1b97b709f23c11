// A tiny static file server for the built site, bound to 127.0.0.1 on a free port, so the
// browser tests need neither `jiedu serve` nor anything outside this machine.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".vtt": "text/vtt; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

async function resolveFile(root, urlPath) {
  const decoded = decodeURIComponent(urlPath.split("?")[0]);
  const path = normalize(join(root, decoded));
  if (path !== root && !path.startsWith(root + sep)) return null; // no path traversal
  try {
    const s = await stat(path);
    if (s.isDirectory()) return resolveFile(root, join(decoded, "index.html"));
    return path;
  } catch {
    return null;
  }
}

/** Serves `root`; resolves to { url, close, requests } where requests lists every path asked for. */
export async function serveSite(root) {
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push(req.url);
    const file = await resolveFile(root, req.url);
    if (!file) {
      res.writeHead(404, { "content-type": TYPES[".html"] });
      res.end(await readFile(join(root, "404.html")).catch(() => "not found"));
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(await readFile(file));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((ok) => server.close(ok)),
  };
}
