import { expect, Page, test } from "@playwright/test";
import { createServer } from "node:http";
import { AddressInfo } from "node:net";
import { PostHog } from "posthog-node";
import { open, projectToken, signUp, uniqueEmail, waitForHydration } from "./support";

const huddle = process.env.HUDDLE_URL ?? "http://127.0.0.1:3000";

test.use({ viewport: { width: 1280, height: 1400 } });

/** Signs up, sends page views, and opens the project's home dashboard's own page. */
async function homeDashboard(page: Page, organization: string) {
  const project = await signUp(page, { name: "Sam", email: uniqueEmail("sam"), organization });
  const client = new PostHog(await projectToken(page, project), { host: huddle, flushAt: 100, flushInterval: 0 });
  for (const visitor of ["v1", "v2", "v3"]) client.capture({ distinctId: visitor, event: "$pageview" });
  await client.shutdown();
  await open(page, `/project/${project}/dashboards`);
  await page.getByTestId("dashboard-row").filter({ hasText: "Home" }).getByRole("link").first().click();
  await expect(page.getByTestId("dashboard-name")).toBeVisible();
  await waitForHydration(page);
  return project;
}

/** Turns the dashboard's public link on and returns it. */
async function shareLink(page: Page): Promise<string> {
  await page.getByTestId("dashboard-menu").click();
  await page.getByTestId("share").click();
  const panel = page.getByTestId("share-panel");
  await panel.getByTestId("share-enabled").check();
  await expect(panel.getByTestId("share-enabled-by")).toContainText("Turned on by Sam");
  return panel.getByTestId("share-link").getByRole("textbox").inputValue();
}

test("a shared dashboard opens logged out with its tiles, until its link is rotated or the organization turns sharing off", async ({ page, browser }) => {
  await homeDashboard(page, "Share Org");
  const link = await shareLink(page);
  expect(link).toMatch(/\/shared\/[A-Za-z0-9_-]{32}$/);

  const stranger = await (await browser.newContext()).newPage();
  const response = await stranger.goto(link);
  expect(response!.status()).toBe(200);
  await waitForHydration(stranger);
  const shared = stranger.getByTestId("shared-page");
  await expect(shared.getByTestId("tile")).toHaveCount(4);
  // The page views arrived: the first tile's chart is drawn from them.
  await expect(async () => {
    await stranger.reload();
    await expect(shared.getByTestId("insight-empty")).toHaveCount(0, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(shared.getByTestId("insight-chart").first().locator("canvas")).toBeVisible();
  // Read-only, and nothing links into the app.
  await expect(shared.locator('a[href^="/project"]')).toHaveCount(0);
  await expect(shared.getByTestId("tile-resize")).toHaveCount(0);
  // A tile refreshes through the link, with its own loading state.
  await shared.getByTestId("tile").first().getByTestId("refresh-tile").click();
  await expect(shared.getByTestId("tile").first().getByTestId("freshness")).toBeVisible();
  expect((await stranger.context().cookies()).filter((c) => c.name === "huddle_session")).toHaveLength(0);

  // Rotating stops the old link at once.
  await page.getByTestId("share-rotate").click();
  await expect(page.getByTestId("share-link").getByRole("textbox")).not.toHaveValue(link);
  const rotated = await page.getByTestId("share-link").getByRole("textbox").inputValue();
  expect((await stranger.goto(link))!.status()).toBe(404);
  await expect(stranger.getByTestId("shared-error")).toContainText("This link is no longer valid");
  await expect(stranger.getByTestId("tile")).toHaveCount(0);
  expect((await stranger.goto(rotated))!.status()).toBe(200);
  await expect(stranger.getByTestId("tile")).toHaveCount(4);

  // The organization turns public sharing off: the new link stops too.
  await open(page, "/organization/settings");
  const turnedOff = page.waitForResponse((r) => r.url().endsWith("/api/set_organization_policy"));
  await page.getByTestId("policy-public_sharing").uncheck();
  await turnedOff;
  expect((await stranger.goto(rotated))!.status()).toBe(403);
  await expect(stranger.getByTestId("shared-error")).toContainText("Sharing is disabled");
  await expect(stranger.getByTestId("tile")).toHaveCount(0);
});

test("another site frames the embed and hears its height; an app page refuses to be framed", async ({ page }) => {
  await homeDashboard(page, "Embed Org");
  const link = await shareLink(page);
  const embed = link.replace("/shared/", "/embedded/");
  const login = new URL("/login", huddle).toString();

  // A page of another origin (another port), with one frame of the embed
  // and one of an app page.
  const site = createServer((_, response) => {
    response.setHeader("Content-Type", "text/html");
    response.end(`<!doctype html><html><body>
      <script>window.heights = []; addEventListener("message", (e) => {
        if (e.data && e.data.type === "huddle:resize") window.heights.push({ origin: e.origin, height: e.data.height });
      });</script>
      <iframe id="embed" src="${embed}" width="900" height="300"></iframe>
      <iframe id="app" src="${login}" width="400" height="300"></iframe>
    </body></html>`);
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  const other = await page.context().newPage();
  await other.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/wiki`);
  const framed = other.frameLocator("#embed");
  await expect(framed.getByTestId("tile")).toHaveCount(4);
  await expect(framed.locator("nav")).toHaveCount(0);
  await expect
    .poll(() => other.evaluate(() => (window as any).heights.length))
    .toBeGreaterThan(0);
  const last = await other.evaluate(() => (window as any).heights.at(-1));
  expect(last.origin).toBe(new URL(huddle).origin);
  expect(last.height).toBeGreaterThan(300);

  // The browser refuses to show the login page inside another site: the
  // frame ends on the browser's error page, without the login form.
  const appFrame = () => other.frames().find((f) => f !== other.mainFrame() && !f.url().includes("/embedded/"));
  await expect.poll(() => appFrame()?.url()).toMatch(/^chrome-error:/);
  await expect(other.frameLocator("#app").getByLabel("Email")).toHaveCount(0);
  site.close();
});

test("an insight's Share panel publishes it with the chosen options", async ({ page, browser }) => {
  const project = await homeDashboard(page, "Insight Share Org");
  await open(page, `/project/${project}/insights`);
  await page.getByRole("link", { name: "Page views" }).first().click();
  await waitForHydration(page);
  await page.getByTestId("share").click();
  const panel = page.getByTestId("share-panel");
  await panel.getByTestId("share-enabled").check();
  await panel.getByTestId("share-show-title").uncheck();
  await panel.getByTestId("share-theme").selectOption("dark");
  const saved = page.waitForResponse((r) => r.url().endsWith("/api/set_sharing"));
  await panel.getByTestId("share-save").click();
  await saved;
  const link = await panel.getByTestId("share-link").getByRole("textbox").inputValue();
  await expect(panel.getByTestId("share-embed").getByRole("textbox")).toHaveValue(/^<iframe src="[^"]+\/embedded\//);

  const stranger = await (await browser.newContext()).newPage();
  await expect(async () => {
    await stranger.goto(link);
    await expect(stranger.getByTestId("insight-empty")).toHaveCount(0, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await waitForHydration(stranger);
  await expect(stranger.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(stranger.getByTestId("shared-title")).toHaveCount(0);
  await expect(stranger.getByTestId("insight-chart").locator("canvas")).toBeVisible();
  await expect(stranger.getByTestId("results-table")).toBeVisible();
});

test("an admin creates the project's embedding secret, shown once, and a token signed with it opens the embed", async ({ page, browser }) => {
  const project = await signUp(page, { name: "Sam", email: uniqueEmail("sam"), organization: "Signed Org" });
  await open(page, `/project/${project}/settings`);
  const section = page.getByTestId("embed-secret");
  await section.getByTestId("rotate-embed-secret").click();
  const secret = await section.getByTestId("embed-secret-value").getByRole("textbox").inputValue();
  expect(secret).toMatch(/^hes_[A-Za-z0-9_-]{43}$/);
  await page.reload();
  await expect(section.getByTestId("embed-secret-value")).toHaveCount(0);
  await expect(section.getByTestId("rotate-embed-secret")).toContainText("Replace the secret");

  // The README's signing script, run as a site's server would.
  await open(page, `/project/${project}/insights`);
  await page.getByRole("link", { name: "Page views" }).first().click();
  const shortId = new URL(page.url()).pathname.split("/").pop()!;
  const { execFileSync } = require("node:child_process");
  const url = execFileSync("node", ["../docs/sign-embed.mjs", String(project), shortId, "acme"], {
    env: { ...process.env, HUDDLE_URL: huddle, HUDDLE_EMBED_SECRET: secret },
  }).toString().trim();
  const stranger = await (await browser.newContext()).newPage();
  expect((await stranger.goto(url))!.status()).toBe(200);
  await waitForHydration(stranger);
  await expect(stranger.getByTestId("locked-filters")).toContainText("customer = acme");
  await expect(stranger.getByTestId("shared-title")).toContainText("Page views");
});
