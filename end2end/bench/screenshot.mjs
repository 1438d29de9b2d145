// The browser path of `scripts/bench.sh render`: loads a shared insight in
// headless Chromium until its chart is drawn and captures the page, RUNS
// times in one warm browser; prints the median milliseconds.
//
//     node end2end/bench/screenshot.mjs URL RUNS
import { chromium } from "@playwright/test";

const [url, runs = "20"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1200, height: 630 } });
const times = [];
for (let k = 0; k < Number(runs); k++) {
  const started = performance.now();
  const page = await context.newPage();
  await page.goto(url);
  await page.locator("[data-testid=insight-chart] canvas").waitFor();
  await page.screenshot({ type: "png" });
  times.push(performance.now() - started);
  await page.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(times[Math.floor(times.length / 2)].toFixed(2));
