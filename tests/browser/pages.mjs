// The staff pages in headless Chromium, against a running `cvd demo` with an outage of r1
// (so a holdover shows): the grid, a click on a cell, the pair page's chart drawn with the
// number of points the API gave it, other views, the clock page, its steering log
// filtered, its CSV downloaded, the events page; no console error on any page.
// r1 is cut off from hour 14 to the end of the test (in holdover throughout: its band drawn
// slot by slot), r2 from hour 10 for 4 hours (re-acquired: measured after its holdover).
// Screenshots in tests/browser-shots/ (the build directory).  Every wait is for a page
// event or an element; the timeouts only bound a hang.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const srcdir = process.env.CVD_SRCDIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const bin = process.env.CVD_BIN || path.resolve("cvd/cvd");
const shots = path.resolve(process.env.SHOTS_DIR || "tests/browser-shots");
const require = createRequire(path.join(srcdir, "package.json"));
const { chromium } = require("playwright-core");
const HANG_MS = 120000;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function check(ok, what) {
  if (!ok) throw new Error("FAIL: " + what);
  console.log("ok: " + what);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let demo = null, browser = null, tmp = null, demoExit = null;
async function main() {
  fs.mkdirSync(shots, { recursive: true });
  tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), "cvd-browser-"));
  const scen = path.join(tmp, "scenario.conf");
  fs.writeFileSync(scen, "outage 14 1000 r1\noutage 10 4 r2\n");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(shots, "demo.log"), "w");
  // A lockstep clock held at hour 20: what the pages show does not change while the
  // browser reads them, however slow the machine (at a speed, "today" and the 7-day view
  // had moved past r1's measurements by the time a loaded machine got there).
  demo = spawn(bin, ["demo", "--lockstep", "--hold-at", "20", "--port", String(port), "--dir",
                     path.join(tmp, "data"), "--scenario", scen],
               { stdio: ["ignore", log, log], detached: true });
  demo.on("exit", (code, sig) => { demoExit = code === null ? sig : code; demo = null; });

  // Until the demo's simulated time is held past r2's outage and re-acquisition, with r1
  // in holdover (its state is HOLDOVER or ALARM from hour 14 on, to the end).
  const until = Date.parse("2025-01-01T20:00:00Z") * 1e6;
  const t0 = Date.now();
  for (;;) {
    if (!demo) throw new Error("cvd demo stopped early; see " + path.join(shots, "demo.log"));
    if (Date.now() - t0 > 4 * HANG_MS) throw new Error("cvd demo's clock never reached hour 20");
    try {
      const g = await (await fetch(base + "/api/v1/grid")).json();
      const r1 = g.clocks.find((c) => c.site === "r1");
      if (g.now >= until && g.slot && r1 && /HOLDOVER|ALARM/.test(r1.state)) break;
    } catch (e) { /* not up yet */ }
    await sleep(500);
  }
  console.log("the demo is past the outage after " + (Date.now() - t0) + " ms");

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
                                    headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
  const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  ctx.setDefaultTimeout(HANG_MS);
  const page = await ctx.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(page.url() + ": " + m.text()); });
  page.on("pageerror", (e) => errors.push(page.url() + ": " + e.message));
  const outside = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(base + "/") && !r.url().startsWith("data:")) outside.push(r.url());
  });
  const noErrors = (where) => check(errors.length === 0, "no console error on " + where + (errors.length ? ": " + errors.join("; ") : ""));

  // The grid: a cell per pair, a legend, the last update as HHMM with the full time on hover.
  await page.goto(base + "/");
  await page.waitForSelector("#grid");
  const upd = await page.locator("td.upd[title]").first();
  check(/^\d{4}$/.test((await upd.innerText()).trim()) &&
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(await upd.getAttribute("title")),
        "the grid shows the last update as HHMM with the full time in its title");
  check(await page.locator("table.legend").count() === 1, "the grid has a legend");
  await page.screenshot({ path: path.join(shots, "grid.png"), fullPage: true });
  noErrors("the grid");

  // A click on the cell r1 - ref: its pair page, today's chart from the series API.
  const cell = page.locator('#grid a[href="/pair?a=r1&b=ref"]');
  check(await cell.count() === 1, "the grid's cell r1 - ref links to its pair page");
  let series = page.waitForResponse((r) => r.url().includes("/api/v1/series"));
  await cell.click();
  await page.waitForURL(/\/pair\?a=r1&b=ref$/);
  async function chartMatches(view) {
    const resp = await series;
    const j = await resp.json();
    const want = j.points.filter((p) => p[1] !== null).length;
    const chart = page.locator("#pair-chart[data-drawn]");
    await chart.waitFor();
    const got = Number(await chart.getAttribute("data-points"));
    check(await page.locator("#pair-chart canvas").count() >= 1, view + ": the chart is drawn");
    check(got === want, `${view}: the chart shows the ${want} points the API returned (${got})`);
    return { want, pred: Number(await chart.getAttribute("data-predicted")) };
  }
  const today = await chartMatches("today");
  console.log("today's view: " + today.want + " points, " + today.pred + " predicted");
  check(await page.locator("#tracks tr").count() === 3, "the pair page has the latest track of both ends");
  noErrors("the pair page");

  for (const view of ["1h", "10min", "7d"]) {
    series = page.waitForResponse((r) => r.url().includes("/api/v1/series"));
    await page.click(`a[data-view="${view}"]`);
    await page.waitForURL(new RegExp("view=" + view + "$"));
    const r = await chartMatches(view);
    if (view === "7d") {
      check(r.want > 0, "7 days: the view has points");
      check(await page.locator("#view-stats").count() === 1 && await page.locator("#stability tr").count() > 1,
            "7 days: the pair page has the view's statistics and its stability");
      check(r.pred > 0, "7 days: the holdover predictions are drawn (" + r.pred + ")");
      await page.screenshot({ path: path.join(shots, "pair.png"), fullPage: true });
    }
  }
  noErrors("the pair page's views");

  // The clock page: the holdover with its band, the steering log filtered and its CSV.
  await page.click('#tracks a[href="/clock?site=r1"]');
  await page.waitForURL(/\/clock\?site=r1$/);
  await page.locator("#clock-chart[data-drawn]").waitFor();
  await page.locator("#osc-chart[data-drawn]").waitFor();
  check(/HOLDOVER|ALARM/.test(await page.locator("#state-now").innerText()), "r1 is in holdover now");
  check(Number(await page.locator("#clock-chart").getAttribute("data-predicted")) >= 6,
        "the clock page draws r1's holdover prediction and band slot by slot");
  check((await page.locator("#holdovers").innerText()).includes("still in holdover"),
        "the clock page lists r1's holdover, still running");
  await page.screenshot({ path: path.join(shots, "clock-r1.png"), fullPage: true });
  noErrors("the clock page");

  // r2's holdover is over: its prediction against what was measured afterwards.
  await page.goto(base + "/clock?site=r2");
  await page.locator("#clock-chart[data-drawn]").waitFor();
  const after = await page.locator("#holdovers tr:nth-child(2) td:nth-child(6)").innerText();
  check(Number.isFinite(Number(after)), "r2's holdover has the offset measured afterwards (" + after + " ns)");
  const predicted = Number(await page.locator("#clock-chart").getAttribute("data-predicted"));
  check(predicted >= 12, "r2's 4 h holdover is drawn with the prediction the server kept for each of its slots (" + predicted + " points)");
  await page.screenshot({ path: path.join(shots, "clock.png"), fullPage: true });
  noErrors("the clock page of r2");

  await page.selectOption('#log-filter select[name="kind"]', "holdover");
  await Promise.all([page.waitForURL(/kind=holdover/), page.click("#log-filter button")]);
  await page.waitForSelector("#steering");
  const states = await page.locator("#steering tr td:nth-child(2)").allInnerTexts();
  check(states.length >= 1 && states.every((s) => s === "HOLDOVER"),
        "the steering log filtered by kind holdover has only HOLDOVER rows (" + states.length + ")");
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#log-csv")]);
  const csvPath = path.join(shots, "steering-r2.csv");
  await dl.saveAs(csvPath);
  const csv = fs.readFileSync(csvPath, "utf8").split("\n").filter((l) => l);
  check(csv[0].startsWith("site,t,slot,") && csv.length > 1 && csv.slice(1).every((l) => l.startsWith('"r2"')),
        "the steering log's CSV downloads with r2's rows (" + (csv.length - 1) + ")");
  const listed = Number(await page.locator("#log-count").getAttribute("data-rows"));
  check(csv.length - 1 === listed && csv.slice(1).every((l) => l.includes(',"HOLDOVER",')),
        "the CSV holds the filtered log: " + (csv.length - 1) + " HOLDOVER rows, as the page lists " + listed);
  noErrors("the filtered steering log");

  // The events page, filtered by site.
  await page.click('nav a[href="/events"]');
  await page.waitForSelector("#events");
  await page.selectOption('#events-filter select[name="site"]', "r1");
  await Promise.all([page.waitForURL(/site=r1/), page.click("#events-filter button")]);
  const sites = await page.locator("#events tr td:nth-child(2)").allInnerTexts();
  check(sites.length >= 1 && sites.every((s) => s === "r1"), "the events page filters by site (" + sites.length + ")");
  await page.selectOption('#events-filter select[name="kind"]', "state");
  await Promise.all([page.waitForURL(/kind=state/), page.click("#events-filter button")]);
  const kinds = await page.locator("#events tr td:nth-child(3)").allInnerTexts();
  const msgs = await page.locator("#events tr td:nth-child(4)").allInnerTexts();
  check(kinds.length >= 1 && kinds.every((k) => k === "state") && msgs.some((m) => m.includes("HOLDOVER")),
        "the events page filters by kind: r1's state changes, its holdover among them (" + kinds.length + ")");
  await page.screenshot({ path: path.join(shots, "events.png"), fullPage: true });
  noErrors("the events page");

  check(outside.length === 0, "no page loaded anything from outside the server" +
        (outside.length ? ": " + outside.join(", ") : ""));

  // Without scripts, the pair page's numbers are still there as tables.
  const bare = await browser.newContext({ javaScriptEnabled: false });
  const nojs = await bare.newPage();
  await nojs.goto(base + "/pair?a=r1&b=ref&view=7d");
  check(await nojs.locator("#view-stats").count() === 1 && await nojs.locator("#points tr").count() > 1 &&
        await nojs.locator("#predictions tr").count() > 1 && await nojs.locator("#pair-chart noscript").count() === 1,
        "without scripts the pair page has its numbers, points and predictions as tables");
  await bare.close();

  // An unknown pair or clock is a 404 page that says so; a bad parameter a 400.
  let r = await page.request.get(base + "/pair?a=r1&b=nosuch");
  check(r.status() === 404 && (await r.text()).includes("knows no site named nosuch"), "an unknown pair is a 404 page");
  r = await page.request.get(base + "/clock?site=nosuch");
  check(r.status() === 404, "an unknown clock is a 404 page");
  r = await page.request.get(base + "/pair?a=r1&b=ref&view=2y");
  check(r.status() === 400, "an unknown view is a 400 page");
  r = await page.request.get(base + "/static/uPlot.iife.min.js");
  check(r.status() === 200 && r.headers()["content-type"].startsWith("text/javascript") &&
        r.headers()["cache-control"].includes("max-age"), "uPlot is served with its type and caching");
}

let rc = 0;
try {
  await main();
  console.log("PASS");
} catch (e) {
  console.error(e && e.stack ? e.stack : String(e));
  rc = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  if (demo) {
    const d = demo;
    const gone = new Promise((r) => d.once("exit", r));
    try { process.kill(-d.pid, "SIGTERM"); } catch (e) { /* gone */ }
    await Promise.race([gone, sleep(60000)]);
  }
  // Stopped by SIGTERM, every process of the demo ends well (the sanitizers' findings too).
  if (demoExit !== 0) {
    console.error("FAIL: cvd demo ended with " + demoExit + "; see " + path.join(shots, "demo.log"));
    rc = 1;
  } else
    console.log("ok: cvd demo stopped cleanly");
  if (tmp && !process.env.CVD_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(rc);
