// A plain static file server shaped like GitHub Pages, for testing the static
// deploy: dist/ under a base path, 404.html (with status 404) for every unknown
// path, and files of our own (config.json) beside index.html. Not our broker.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
};

/** Serves `root` at `base` (e.g. '/party/'), with `extra` files (name -> text) added. */
export async function startStaticHost(root, base, extra = {}) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://host');
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const notFound = async () => send(404, TYPES['.html'], await readFile(path.join(root, '404.html')));
    if (!url.pathname.startsWith(base)) return notFound();
    let name = decodeURIComponent(url.pathname.slice(base.length)) || 'index.html';
    if (name.includes('..') || name.includes('/')) return notFound();
    if (name in extra) return send(200, TYPES[path.extname(name)] ?? 'text/plain', extra[name]);
    try {
      send(200, TYPES[path.extname(name)] ?? 'application/octet-stream', await readFile(path.join(root, name)));
    } catch {
      await notFound();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    // Browse to localhost, not 127.0.0.1: WebAuthn's rp.id needs a domain.
    url: `http://localhost:${port}${base}`,
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
