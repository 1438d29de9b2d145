import { expect, Page, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import { PostHog } from "posthog-node";
import { open, projectToken, signUp, uniqueEmail } from "./support";

const huddle = process.env.HUDDLE_URL ?? "http://127.0.0.1:3000";

/** The events page filtered to one event name; returns the rows' cells. */
async function eventRows(page: Page, project: number, event: string) {
  await open(page, `/project/${project}/events?event=${encodeURIComponent(event)}`);
  const rows = page.getByTestId("events").locator("tbody tr.row-clickable");
  await expect(rows.first()).toBeVisible();
  return rows;
}

function expectRecent(text: string) {
  const shown = Date.parse(text.replace(" UTC", "Z").replace(" ", "T"));
  expect(Math.abs(Date.now() - shown)).toBeLessThan(2 * 60_000);
}

test("events sent with posthog-node land with their distinct id, time and properties", async ({ page }) => {
  const project = await signUp(page, { name: "Node", email: uniqueEmail("node"), organization: "Node Co" });
  const token = await projectToken(page, project);

  const client = new PostHog(token, { host: huddle, flushAt: 1, flushInterval: 0 });
  client.capture({ distinctId: "node-user", event: "node event", properties: { source: "node", amount: 42 } });
  client.identify({ distinctId: "node-user", properties: { email: "node@example.com" } });
  await client.shutdown();

  const rows = await eventRows(page, project, "node event");
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator("td").nth(1)).toHaveText("node-user");
  expectRecent(await rows.first().locator("td").nth(4).innerText());
  await rows.first().click();
  const details = page.locator("pre.code").first();
  await expect(details).toContainText('"source": "node"');
  await expect(details).toContainText('"$lib": "posthog-node"');
});

test("events sent with the Python SDK land with their distinct id and properties", async ({ page }) => {
  const project = await signUp(page, { name: "Py", email: uniqueEmail("py"), organization: "Python Co" });
  const token = await projectToken(page, project);

  execFileSync(process.env.HUDDLE_PYTHON ?? "python3", [path.join(__dirname, "..", "sdk", "send_python.py")], {
    env: { ...process.env, HUDDLE_URL: huddle, HUDDLE_TOKEN: token },
    stdio: "inherit",
  });

  const rows = await eventRows(page, project, "python event");
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator("td").nth(1)).toHaveText("python-user");
  expectRecent(await rows.first().locator("td").nth(4).innerText());
  await rows.first().click();
  await expect(page.locator("pre.code").first()).toContainText('"$lib": "posthog-python"');
});

test("posthog-js on a customer's page captures a pageview and a custom event", async ({ page, browser }) => {
  const project = await signUp(page, { name: "Js", email: uniqueEmail("js"), organization: "Web Co" });
  const token = await projectToken(page, project);

  // A customer's site on another origin (another port on this machine),
  // loading posthog-js as published.
  const bundle = fs.readFileSync(require.resolve("posthog-js/dist/array.full.js"));
  const html = `<!doctype html><html><head><title>Shop</title><script src="/posthog.js"></script></head>
    <body><h1>Shop</h1><script>
      posthog.init(${JSON.stringify(token)}, {
        api_host: ${JSON.stringify(huddle)},
        // Headless Chromium looks like a bot; posthog-js would drop everything.
        opt_out_useragent_filter: true,
        request_batching: false,
      });
      posthog.identify("js-user");
      posthog.capture("clicked buy", { product: "socks" });
    </script></body></html>`;
  const shop = http.createServer((req, res) => {
    const script = req.url === "/posthog.js";
    res.writeHead(200, { "Content-Type": script ? "application/javascript" : "text/html" });
    res.end(script ? bundle : html);
  });
  await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
  const shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/`;

  const site = await browser.newPage();
  const captured = site.waitForResponse(
    (r) => r.url().startsWith(huddle) && new URL(r.url()).pathname.endsWith("/e/") && r.request().method() === "POST" && r.status() === 200,
  );
  await site.goto(shopUrl);
  await captured;

  await expect(async () => {
    const rows = await eventRows(page, project, "clicked buy");
    await expect(rows.first().locator("td").nth(1)).toHaveText("js-user");
  }).toPass({ timeout: 20_000 });
  await page.getByTestId("events").locator("tbody tr.row-clickable").first().click();
  await expect(page.locator("pre.code").first()).toContainText('"product": "socks"');

  const pageviews = await eventRows(page, project, "$pageview");
  await expect(pageviews.first().locator("td").nth(2)).toHaveText(shopUrl);
  shop.close();
});
