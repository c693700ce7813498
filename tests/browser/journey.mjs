// Browser mode across two real host names with TLS (issue 13, items 4 and 5).
//
// The site https://www.magazine.test and the API https://api.magazine.test
// are two origins of one site, as www. and api. are in production; ports
// alone would not separate them for cookies. Chromium maps both names to
// 127.0.0.1 (--host-resolver-rules, https://www.chromium.org/developers/design-documents/network-stack/socks-proxy/
// documents the rule syntax) and a small TLS-terminating proxy in this
// script serves the site's page for www. and forwards api. to Masthead,
// with a self-signed certificate generated here by openssl.
//
// The journey: log in on the documented example page, reload (the access
// token is gone, the HttpOnly cookie logs us in again), open a second tab,
// make both tabs refresh at once (the reuse interval keeps the session),
// reload both: still logged in. Any console error or page error after the
// login fails the test.
//
// Usage: node journey.mjs <path to the masthead binary>
import { chromium } from "playwright-core";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const binary = path.resolve(process.argv[2] ?? "target/debug/masthead");
const tmp = mkdtempSync(path.join(os.tmpdir(), "masthead-browser-"));
const cleanups = [() => rmSync(tmp, { recursive: true, force: true })];
const fail = (message) => { throw new Error(message); };

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function certificate() {
  const key = path.join(tmp, "key.pem");
  const cert = path.join(tmp, "cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
    "-subj", "/CN=magazine.test", "-keyout", key, "-out", cert,
    "-addext", "subjectAltName=DNS:www.magazine.test,DNS:api.magazine.test",
  ], { stdio: "ignore" });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

async function startMasthead(apiPort, proxyPort) {
  const env = {
    ...process.env,
    MASTHEAD_BIND: `127.0.0.1:${apiPort}`,
    MASTHEAD_DATA_DIR: path.join(tmp, "data"),
    MASTHEAD_PUBLIC_URL: `https://api.magazine.test:${proxyPort}`,
    MASTHEAD_SITE_URL: `https://www.magazine.test:${proxyPort}`,
    MASTHEAD_CORS_ORIGINS: `https://www.magazine.test:${proxyPort}`,
    MASTHEAD_REFRESH_COOKIE: "true",
    // REUSE_INTERVAL=0 shows the journey failing without the reuse interval.
    MASTHEAD_REFRESH_REUSE_INTERVAL_SECONDS: process.env.REUSE_INTERVAL ?? "30",
  };
  const child = spawn(binary, ["serve"], { env, stdio: ["ignore", "inherit", "inherit"] });
  cleanups.push(() => child.kill("SIGTERM"));
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${apiPort}/healthz`);
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail("masthead did not start");
}

function startProxy(tls, proxyPort, apiPort) {
  const page = readFileSync(path.join(here, "site", "account.html"));
  const server = https.createServer(tls, (req, res) => {
    const host = (req.headers.host ?? "").split(":")[0];
    if (host === "www.magazine.test") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(page);
    } else if (host === "api.magazine.test") {
      const upstream = http.request({
        host: "127.0.0.1", port: apiPort, path: req.url, method: req.method,
        headers: { ...req.headers, "x-forwarded-for": "127.0.0.1" },
      }, (answer) => { res.writeHead(answer.statusCode, answer.headers); answer.pipe(res); });
      upstream.on("error", () => { res.writeHead(502); res.end(); });
      req.pipe(upstream);
    } else {
      res.writeHead(404); res.end();
    }
  });
  return new Promise((resolve) => server.listen(proxyPort, "127.0.0.1", () => {
    cleanups.push(() => server.close());
    resolve();
  }));
}

async function signUp(apiPort, email, password) {
  const res = await fetch(`http://127.0.0.1:${apiPort}/v1/auth/signup`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, name: "Two Tabs" }),
  });
  if (res.status !== 201) fail(`signup answered ${res.status}: ${await res.text()}`);
}

async function loggedIn(page) {
  await page.waitForSelector("#account:not([hidden])", { timeout: 10_000 });
  const name = await page.textContent("#name");
  if (name !== "Two Tabs") fail(`logged in as ${name}`);
}

async function main() {
  const [apiPort, proxyPort] = [await freePort(), await freePort()];
  await startMasthead(apiPort, proxyPort);
  await startProxy(certificate(), proxyPort, apiPort);
  const email = `tabs-${Date.now()}@example.com`;
  const password = "correct horse battery";
  await signUp(apiPort, email, password);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--host-resolver-rules=MAP www.magazine.test 127.0.0.1, MAP api.magazine.test 127.0.0.1",
    ],
  });
  cleanups.push(() => browser.close());
  // The certificate is self-signed for this run only.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const errors = [];
  let watching = false;
  const watch = (page) => {
    page.on("console", (m) => { if (watching && m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
  };
  const site = `https://www.magazine.test:${proxyPort}/account.html`;

  const first = await context.newPage();
  watch(first);
  await first.goto(site);   // not logged in yet: its refresh is a 401
  await first.waitForSelector("#login:not([hidden])");
  await first.fill("input[name=email]", email);
  await first.fill("input[name=password]", password);
  watching = true;
  await first.click("form#login button");
  await loggedIn(first);
  const cookies = await context.cookies(`https://api.magazine.test:${proxyPort}/v1/auth/refresh`);
  const refresh = cookies.find((c) => c.name === "masthead_refresh") ?? fail("no refresh cookie");
  if (!refresh.httpOnly || !refresh.secure) fail("the refresh cookie must be HttpOnly and Secure");
  if ((await context.cookies(site)).some((c) => c.name.startsWith("masthead_"))) {
    fail("the site holds a masthead cookie");
  }
  const stored = await first.evaluate(() => JSON.stringify(localStorage) + document.cookie);
  if (stored !== "{}") fail(`the site persisted something: ${stored}`);

  await first.reload();
  await loggedIn(first);
  const second = await context.newPage();
  watch(second);
  await second.goto(site);
  await loggedIn(second);

  // Both tabs' access tokens expire together: both refresh at once.
  const both = await Promise.all([first, second].map((p) => p.evaluate(() => window.refreshNow())));
  if (!both.every(Boolean)) fail(`a tab's refresh failed: ${both}`);
  for (const page of [first, second]) {
    await page.reload();
    await loggedIn(page);
  }
  if (errors.length) fail(`console errors:\n${errors.join("\n")}`);
  console.log("browser journey: logged in, reloaded, two tabs refreshed at once, still logged in");
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) {
    try { await cleanup(); } catch { /* already gone */ }
  }
}
