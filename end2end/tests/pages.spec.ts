import { expect, Page, test } from "@playwright/test";
import { PostHog } from "posthog-node";
import { open, openWhenOffered, pick, projectToken, signUp, uniqueEmail } from "./support";

const huddle = process.env.HUDDLE_URL ?? "http://127.0.0.1:3000";

/** Collects every failed call to the server while a test runs. */
function failedCalls(page: Page): string[] {
  const failed: string[] = [];
  page.on("response", (response) => {
    if (response.url().includes("/api/") && response.status() >= 400) {
      failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
    }
  });
  return failed;
}

/** How many series the drawn chart holds, read from ECharts itself. */
async function drawnSeries(page: Page): Promise<number> {
  await expect(page.getByTestId("insight-chart").locator("canvas")).toBeVisible();
  return page.evaluate(() => {
    const element = document.getElementById("insight-chart");
    return (window as any).echarts.getInstanceByDom(element).getOption().series.length;
  });
}

test("every page works the same reached by the navigation, Back and Forward as by a full load", async ({ page }) => {
  const project = await signUp(page, { name: "Nav", email: uniqueEmail("nav"), organization: "Nav Co" });
  const token = await projectToken(page, project);
  const batch = [{ event: "clicked", distinct_id: "someone", properties: { plan: "pro" } }];
  expect((await page.request.post("/batch", { data: { api_key: token, batch } })).ok()).toBeTruthy();
  const failed = failedCalls(page);

  const pages: [string, RegExp, string][] = [
    ["Dashboards", /\/dashboards$/, "Starter dashboard"],
    ["Insights", /\/insights$/, "Page views"],
    ["Events", /\/events$/, "clicked"],
    ["Persons", /\/persons$/, "Persons"],
    ["Data management", /\/data-management\/events$/, "clicked"],
    ["Project settings", /\/settings$/, "Project settings"],
    ["Home", new RegExp(`/project/${project}$`), "Default project"],
  ];
  await open(page, `/project/${project}`);
  const nav = page.getByRole("navigation", { name: "Project" });
  for (const [link, url, shows] of pages) {
    await nav.getByRole("link", { name: link, exact: true }).click();
    await expect(page).toHaveURL(url);
    await expect(page.locator("main")).toContainText(shows);
  }
  for (let i = pages.length - 2; i >= 0; i--) {
    await page.goBack();
    await expect(page).toHaveURL(pages[i][1]);
    await expect(page.locator("main")).toContainText(pages[i][2]);
  }
  await page.goForward();
  await expect(page).toHaveURL(pages[1][1]);
  await expect(page.locator("main")).toContainText(pages[1][2]);

  // The explorer's own controls after a client-side arrival.
  await nav.getByRole("link", { name: "Events", exact: true }).click();
  await page.getByRole("button", { name: "Refresh" }).click();
  await expect(page.getByTestId("events")).toContainText("clicked");
  await page.getByTestId("live-toggle").click();
  await expect(page.getByTestId("live-toggle")).toHaveAttribute("aria-pressed", "true");
  expect(failed).toEqual([]);
});

test("a chart shows exactly its current result after a breakdown is removed or the kind changes", async ({ page }) => {
  const project = await signUp(page, { name: "Cha", email: uniqueEmail("chart"), organization: "Charts Co" });
  const token = await projectToken(page, project);
  const browsers = ["Chrome", "Firefox", "Safari"];
  const batch = browsers.map((browser, i) => ({ event: "$pageview", distinct_id: `v${i}`, properties: { $browser: browser } }));
  expect((await page.request.post("/batch", { data: { api_key: token, batch } })).ok()).toBeTruthy();

  await openWhenOffered(page, `/project/${project}/insights/new`, "breakdown", "Browser");
  await pick(page, "breakdown", "Browser");
  await expect(page).toHaveURL(/breakdown/);
  await expect.poll(() => drawnSeries(page)).toBe(3);

  await pick(page, "breakdown", "No breakdown");
  await expect.poll(() => decodeURIComponent(page.url())).not.toContain('"breakdown":"$browser"');
  await expect.poll(() => drawnSeries(page)).toBe(1);

  await page.getByTestId("kind-retention").click();
  await expect(page).toHaveURL(/RetentionQuery/);
  await expect.poll(() => drawnSeries(page)).toBe(1);
});

test("an invalid part of an insight is shown beside its field and the rest of the query stays", async ({ page }) => {
  const project = await signUp(page, { name: "Typ", email: uniqueEmail("typo"), organization: "Typos Co" });
  await open(page, `/project/${project}/insights/new`);
  await page.getByTestId("add-series").click();
  await expect(page.getByTestId("series-row-editor")).toHaveCount(2);

  await page.getByTestId("formula").fill("A +* B )");
  await page.getByTestId("formula").press("Tab");
  await expect(page.getByTestId("problem-formula")).toBeVisible();
  await expect(page.getByText("could not be read")).toHaveCount(0);
  await expect(page.getByTestId("series-row-editor")).toHaveCount(2);
  await expect(page.getByTestId("formula")).toHaveValue("A +* B )");

  // The link carries the query as written: a reload shows the same.
  await open(page, page.url());
  await expect(page.getByTestId("series-row-editor")).toHaveCount(2);
  await expect(page.getByTestId("problem-formula")).toBeVisible();

  await page.getByTestId("kind-funnels").click();
  await expect(page).toHaveURL(/FunnelsQuery/);
  await page.getByTestId("funnel-window").fill("-5");
  await page.getByTestId("funnel-window").press("Tab");
  await expect(page.getByTestId("problem-funnelWindowInterval")).toContainText("at least 1");
});

test("a breakdown limit beyond the maximum is pointed out, not silently changed", async ({ page }) => {
  const project = await signUp(page, { name: "Lim", email: uniqueEmail("limit"), organization: "Limits Co" });
  const token = await projectToken(page, project);
  const batch = [{ event: "$pageview", distinct_id: "v", properties: { $browser: "Chrome" } }];
  expect((await page.request.post("/batch", { data: { api_key: token, batch } })).ok()).toBeTruthy();
  await openWhenOffered(page, `/project/${project}/insights/new`, "breakdown", "Browser");
  await pick(page, "breakdown", "Browser");
  await page.getByTestId("breakdown-limit").fill("5000");
  await page.getByTestId("breakdown-limit").press("Tab");
  await expect(page.getByTestId("problem-breakdown_limit")).toContainText("between 1 and 100");
  await expect(page.getByTestId("breakdown-limit")).toHaveValue("5000");
  await expect.poll(() => decodeURIComponent(page.url())).toContain('"breakdown_limit":5000');
});

test("names have one limit, said when passed; the only owner cannot be removed", async ({ page }) => {
  const project = await signUp(page, { name: "Own", email: uniqueEmail("owner"), organization: "Owners Co" });
  await open(page, `/project/${project}/dashboards`);
  await page.getByTestId("new-dashboard-name").fill("D".repeat(300));
  await page.getByTestId("new-dashboard").click();
  await expect(page.getByRole("alert")).toContainText("at most 100 characters");
  await expect(page).toHaveURL(/\/dashboards$/);

  await open(page, "/organization/settings");
  await expect(page.getByTestId("members")).toContainText("Own");
  await expect(page.getByTestId("remove-member")).toHaveCount(0);
});

test("a new project shows how to send events, and the sign turns green when an SDK sends the first", async ({ page }) => {
  const project = await signUp(page, { name: "New", email: uniqueEmail("first"), organization: "First Co" });
  const token = await projectToken(page, project);
  await open(page, `/project/${project}`);
  const help = page.getByTestId("send-first-event");
  await expect(help).toBeVisible();
  await expect(page.getByTestId("snippet-html")).toContainText(`posthog.init("${token}", { api_host: "${huddle}" })`);
  await page.getByTestId("snippet-tab-python").click();
  await expect(page.getByTestId("snippet-python")).toBeVisible();
  await expect(page.getByTestId("snippet-python")).toContainText(`Posthog("${token}", host="${huddle}")`);
  await expect(page.getByTestId("snippet-html")).toBeHidden();
  await expect(page.getByTestId("first-event")).toContainText("Waiting for your first event");

  const client = new PostHog(token, { host: huddle, flushAt: 1, flushInterval: 0 });
  client.capture({ distinctId: "user-1", event: "signed up" });
  await client.shutdown();
  await expect(page.getByTestId("first-event")).toContainText("First event received: signed up", { timeout: 10_000 });
  await expect(page.getByTestId("first-event")).toHaveClass(/first-event-received/);

  await open(page, `/project/${project}`);
  await expect(page.getByTestId("project-title")).toBeVisible();
  await expect(help).toHaveCount(0);
});

/** The sum of the drawn chart's first series. */
async function drawnTotal(page: Page): Promise<number> {
  await expect(page.getByTestId("insight-chart").locator("canvas")).toBeVisible();
  return page.evaluate(() => {
    const element = document.getElementById("insight-chart");
    const data: number[] = (window as any).echarts.getInstanceByDom(element).getOption().series[0].data;
    return data.reduce((sum, value) => sum + Number(value), 0);
  });
}

test("viewers change a saved insight's dates and filter without changing it, and the editor keeps the chart in view", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  const project = await signUp(page, { name: "Vi", email: uniqueEmail("viewer"), organization: "Views Co" });
  const token = await projectToken(page, project);
  const browsers = ["Chrome", "Chrome", "Firefox"];
  const batch = browsers.map((browser, i) => ({ event: "$pageview", distinct_id: `v${i}`, properties: { $browser: browser } }));
  expect((await page.request.post("/batch", { data: { api_key: token, batch } })).ok()).toBeTruthy();

  await open(page, `/project/${project}/insights/new`);
  const chart = page.getByTestId("insight-chart");
  await expect(chart.locator("canvas")).toBeVisible();
  const box = await chart.boundingBox();
  expect(box!.y).toBeLessThan(768);
  await page.getByTestId("save-insight").click();
  await expect(page).toHaveURL(new RegExp(`/project/${project}/insights/[A-Za-z0-9]{8}$`));
  const saved = page.url();
  await expect.poll(() => drawnTotal(page)).toBe(3);

  const overrides = page.getByTestId("filter-overrides");
  await overrides.getByLabel("Date range").selectOption("-30d");
  await overrides.getByLabel("Filter property").fill("$browser");
  await overrides.getByLabel("Filter value").fill("Firefox");
  await overrides.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/property=/);
  await expect(page.getByTestId("override-note")).toBeVisible();
  await expect.poll(() => drawnTotal(page)).toBe(1);

  await open(page, page.url());
  await expect(page.getByTestId("override-note")).toBeVisible();
  await expect.poll(() => drawnTotal(page)).toBe(1);

  await open(page, saved);
  await expect(page.getByTestId("override-note")).toHaveCount(0);
  await expect.poll(() => drawnTotal(page)).toBe(3);
});

test("an insight without a name says what it is called", async ({ page }) => {
  const project = await signUp(page, { name: "Nam", email: uniqueEmail("unnamed"), organization: "Names Co" });
  await open(page, `/project/${project}/insights/new`);
  const name = page.getByTestId("insight-name-input");
  const automatic = (await name.getAttribute("placeholder"))!;
  await expect(page.getByTestId("automatic-name-hint")).toContainText(automatic);
  await name.fill("Weekly visitors");
  await expect(page.getByTestId("automatic-name-hint")).toHaveCount(0);
  await name.fill("");
  await expect(page.getByTestId("automatic-name-hint")).toContainText(automatic);
});

test("the client's files are named by their content and cached as immutable; other files revalidate", async ({ page }) => {
  const response = await page.goto("/login");
  const html = await response!.text();
  const built = ["js", "wasm", "css"].map((extension) => {
    const found = html.match(new RegExp(`/pkg/huddle\\.[A-Za-z0-9_-]+\\.${extension}`));
    expect(found, `the page names a hashed .${extension}`).not.toBeNull();
    return found![0];
  });
  for (const path of built) {
    const file = await page.request.get(path);
    expect(file.ok(), path).toBeTruthy();
    expect(file.headers()["cache-control"], path).toBe("public, max-age=31536000, immutable");
  }
  const icon = await page.request.get("/favicon.svg");
  expect(icon.headers()["cache-control"]).toBe("no-cache");
  expect(icon.headers()["etag"]).toBeTruthy();
  // And the page runs from those files.
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
});

test("a saved insight's result downloads as CSV from its page", async ({ page }) => {
  const project = await signUp(page, { name: "Csv", email: uniqueEmail("csv"), organization: "Exports Co" });
  const token = await projectToken(page, project);
  const batch = ["Chrome", "Chrome", "Firefox"].map((browser, i) => ({ event: "$pageview", distinct_id: `v${i}`, properties: { $browser: browser } }));
  expect((await page.request.post("/batch", { data: { api_key: token, batch } })).ok()).toBeTruthy();
  await open(page, `/project/${project}/insights/new`);
  await page.getByTestId("insight-name-input").fill("Views to export");
  await page.getByTestId("save-insight").click();
  await expect(page).toHaveURL(new RegExp(`/project/${project}/insights/[A-Za-z0-9]{8}$`));
  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("Views to export.csv");
  const text = require("fs").readFileSync(await file.path(), "utf8") as string;
  const [header, row] = text.trim().split("\n");
  expect(header.startsWith("Series,Total,")).toBeTruthy();
  expect(row.startsWith("Pageview,3,")).toBeTruthy();
  // The chart downloads as an image, drawn on the server.
  const image = page.waitForEvent("download");
  await page.getByTestId("export-png").click();
  const png = await image;
  expect(png.suggestedFilename()).toBe("Views to export.png");
  expect(require("fs").readFileSync(await png.path()).subarray(1, 4).toString()).toBe("PNG");
  expect(row.endsWith(",3")).toBeTruthy();
});
