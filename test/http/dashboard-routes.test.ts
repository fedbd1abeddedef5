/** The dashboard's routes in the HTTP app: the built index at every view's URL, the bundle under /assets, a typed 503 before a build. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { dashboardRoutes } from '../../src/http/dashboard';

let dir: string;
let server: Server;
let url: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-web-'));
  const app = express();
  app.use(dashboardRoutes(dir));
  app.get('/api/runs/:id', (req, res) => { res.json({ id: req.params.id }); });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

test('When the bundle is built, then every view URL answers its index page and /assets serves the bundle; other paths are not the dashboard', async () => {
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>built</title>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'main.js'), 'console.log("bundle")');
  for (const path of ['/', '/runs/7', '/runs/7/diff?axis=KERNEL&base=5.14&head=5.15', '/runs/7/cells/4937155', '/compare?base=1&head=2']) {
    const res = await fetch(url + path);
    expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
    expect(await res.text()).toBe('<!doctype html><title>built</title>');
  }
  const js = await fetch(`${url}/assets/main.js`);
  expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect(await js.text()).toBe('console.log("bundle")');
  expect((await fetch(`${url}/runs/7/elsewhere`)).status).toBe(404);
  expect(await (await fetch(`${url}/api/runs/7`)).json()).toEqual({ id: '7' });
});

test('When no bundle is built, then the pages answer 503 DASHBOARD_NOT_BUILT with the command, and the API is unaffected', async () => {
  const res = await fetch(`${url}/runs/7`);
  expect(res.status).toBe(503);
  expect(await res.json()).toEqual({ error: { code: 'DASHBOARD_NOT_BUILT', message: `no dashboard bundle at ${dir}: run npm run build` } });
  expect(await (await fetch(`${url}/api/runs/7`)).json()).toEqual({ id: '7' });
});
