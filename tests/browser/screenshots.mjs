// Makes the README's screenshots (doc/screenshots/*.png): a cvd demo at its usual speed
// with r1 cut off from hour 14 for 30 hours, photographed while r1 is in holdover.
//   node tests/browser/screenshots.mjs [CVD_BIN] [OUTDIR]
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const top = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const bin = process.argv[2] || path.join(top, "cvd/cvd");
const out = path.resolve(process.argv[3] || path.join(top, "doc/screenshots"));
const { chromium } = createRequire(path.join(top, "package.json"))("playwright-core");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cvd-shots-"));
fs.writeFileSync(path.join(tmp, "scenario.conf"), "outage 14 30 r1\n");
// Held at hour 18 (a lockstep clock), so every page shows the same moment.
const demo = spawn(bin, ["demo", "--lockstep", "--hold-at", "18", "--port", String(port), "--dir", path.join(tmp, "data"),
                         "--scenario", path.join(tmp, "scenario.conf")],
                   { stdio: "ignore", detached: true });
const base = `http://127.0.0.1:${port}`;
let browser;
try {
  for (;;) {
    try {
      const g = await (await fetch(base + "/api/v1/grid")).json();
      const r1 = g.clocks.find((c) => c.site === "r1");
      if (g.now >= Date.parse("2025-01-01T18:00:00Z") * 1e6 && r1 && r1.state === "HOLDOVER") break;
    } catch (e) { /* not up yet */ }
    await sleep(200);
  }
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
                                    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  fs.mkdirSync(out, { recursive: true });
  await page.goto(base + "/");
  await page.screenshot({ path: path.join(out, "grid.png"), fullPage: true });
  await page.goto(base + "/pair?a=r1&b=ref&from=2025-01-01T06:00:00Z&to=2025-01-02T00:00:00Z");
  await page.locator("#pair-chart[data-drawn]").waitFor();
  await page.screenshot({ path: path.join(out, "pair.png"), fullPage: true });
  await page.goto(base + "/clock?site=r1&from=2025-01-01T06:00:00Z&to=2025-01-02T00:00:00Z");
  await page.locator("#osc-chart[data-drawn]").waitFor();
  await page.screenshot({ path: path.join(out, "clock.png"), fullPage: true, clip: { x: 0, y: 0, width: 1200, height: 1900 } });
} finally {
  if (browser) await browser.close();
  try { process.kill(-demo.pid, "SIGTERM"); } catch (e) { /* gone */ }
  await new Promise((r) => demo.once("exit", r));
  fs.rmSync(tmp, { recursive: true, force: true });
}
