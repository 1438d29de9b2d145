import { expect, Page, test } from "@playwright/test";
import { PostHog } from "posthog-node";
import { open, projectToken, signUp, uniqueEmail, waitForHydration } from "./support";

const huddle = process.env.HUDDLE_URL ?? "http://127.0.0.1:3000";

async function sendEvents(page: Page, project: number) {
  await open(page, `/project/${project}/settings`);
  const token = await page.getByLabel("Project API key").inputValue();
  const client = new PostHog(token, { host: huddle, flushAt: 100, flushInterval: 0 });
  client.capture({ distinctId: "anon-42", event: "$pageview", properties: { $browser: "Firefox" } });
  client.capture({ distinctId: "anon-42", event: "checkout started", properties: { cart_value: 30 } });
  client.identify({ distinctId: "ana@example.com", properties: { email: "ana@example.com", plan: "pro" } });
  client.alias({ distinctId: "ana@example.com", alias: "anon-42" });
  client.capture({ distinctId: "ana@example.com", event: "purchase", properties: { amount: 30 } });
  await client.shutdown();
}

test("sent events appear in data management, where a member describes, tags and verifies them", async ({ page }) => {
  const project = await signUp(page, { name: "Dana", email: uniqueEmail("dana"), organization: "Data Co" });
  await sendEvents(page, project);

  await expect(async () => {
    await open(page, `/project/${project}/data-management/events`);
    await expect(page.getByTestId("definition").filter({ hasText: "checkout started" })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });

  const row = page.getByTestId("definition").filter({ hasText: "checkout started" });
  await row.getByRole("button", { name: "Edit" }).click();
  await row.getByLabel("Description").fill("A visitor opened the checkout");
  await row.getByLabel("Tags").fill("Funnel, revenue");
  await row.getByLabel("Owner").selectOption({ label: "Dana" });
  await row.getByLabel(/Verified/).check();
  await row.getByRole("button", { name: "Save" }).click();

  // Verified definitions are listed first, with what was written.
  const first = page.getByTestId("definition").first();
  await expect(first).toContainText("checkout started");
  await expect(first).toContainText("Verified");
  await expect(first).toContainText("A visitor opened the checkout");
  await expect(first).toContainText("funnel");
  await expect(first).toContainText("Dana");

  // Search narrows the list.
  await page.getByLabel("Search definitions").fill("revenue");
  await expect(page.getByTestId("definition")).toHaveCount(1);

  await page.getByRole("link", { name: "Properties" }).click();
  const amount = page.getByTestId("definition").filter({ hasText: "cart_value" });
  await expect(amount).toContainText("Numeric");
  await expect(page.getByTestId("definition").filter({ hasText: "plan" })).toContainText("Person");
});

test("persons are merged on identify and alias, searchable, with their events", async ({ page }) => {
  const project = await signUp(page, { name: "Pia", email: uniqueEmail("pia"), organization: "People Co" });
  await sendEvents(page, project);

  await open(page, `/project/${project}/persons?search=ana%40example.com`);
  const persons = page.getByTestId("persons").locator("tbody tr");
  await expect(persons).toHaveCount(1);
  await persons.getByRole("link", { name: "ana@example.com" }).click();

  await expect(page.getByTestId("person-properties")).toContainText("pro");
  const events = page.getByTestId("events").locator("tbody tr.row-clickable");
  // The anonymous pageview and checkout belong to Ana now, with her purchase.
  await expect(events.filter({ hasText: "$pageview" })).toHaveCount(1);
  await expect(events.filter({ hasText: "checkout started" })).toHaveCount(1);
  await expect(events.filter({ hasText: "purchase" })).toHaveCount(1);
});

test("live mode streams new events into the explorer without a reload", async ({ page }) => {
  const project = await signUp(page, { name: "Liv", email: uniqueEmail("liv"), organization: "Live Co" });
  await open(page, `/project/${project}/settings`);
  const token = await page.getByLabel("Project API key").inputValue();

  await open(page, `/project/${project}/events`);
  await expect(page.getByTestId("no-events")).toBeVisible();
  const stream = page.waitForResponse((r) => r.url().includes("/events/live"));
  await page.getByTestId("live-toggle").click();
  await expect(page.getByTestId("live-toggle")).toHaveAttribute("aria-pressed", "true");
  await stream;

  const client = new PostHog(token, { host: huddle, flushAt: 1, flushInterval: 0 });
  client.capture({ distinctId: "streamer", event: "went live", properties: { channel: "sse" } });
  await client.shutdown();

  const live = page.getByTestId("live-events");
  await expect(live).toContainText("went live", { timeout: 5_000 });
  await expect(live).toContainText("streamer");
});

test("the explorer pages through many events, its place and filter kept in the URL", async ({ page }) => {
  const project = await signUp(page, { name: "Pag", email: uniqueEmail("pager"), organization: "Paging Co" });
  const token = await projectToken(page, project);
  const batch = [
    ...Array.from({ length: 150 }, (_, i) => ({ event: "scrolled", distinct_id: `reader-${i}`, properties: { depth: i } })),
    ...Array.from({ length: 5 }, (_, i) => ({ event: "left", distinct_id: `leaver-${i}` })),
  ];
  expect((await page.request.post("/batch", { data: { api_key: token, batch } })).ok()).toBeTruthy();

  const summary = page.getByTestId("page-summary");
  const rows = page.getByTestId("events").locator("tbody tr.row-clickable");
  const people = () => rows.locator("td:nth-child(2)").allTextContents();
  await expect(async () => {
    await open(page, `/project/${project}/events?event=scrolled`);
    await expect(summary).toContainText("of 150", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(summary).toHaveText("Showing 1–100 of 150 events");
  await expect(rows).toHaveCount(100);
  const first = await people();

  await page.getByRole("link", { name: "Next page", exact: true }).click();
  await expect(page).toHaveURL(/[?&]after=[^&]+/);
  await expect(page).toHaveURL(/[?&]event=scrolled(&|$)/);
  await expect(summary).toHaveText("Showing 101–150 of 150 events");
  await expect(rows).toHaveCount(50);
  await expect(page.getByRole("link", { name: "Next page", exact: true })).toHaveCount(0);
  const second = await people();
  // The two pages hold every scrolled event once, and nothing else.
  expect(new Set([...first, ...second]).size).toBe(150);
  expect([...first, ...second].every((id) => id.startsWith("reader-"))).toBeTruthy();

  // A reload stays on the second page.
  const secondUrl = page.url();
  await page.reload();
  await waitForHydration(page);
  expect(page.url()).toBe(secondUrl);
  await expect(summary).toHaveText("Showing 101–150 of 150 events");
  await expect(rows).toHaveCount(50);
  expect(await people()).toEqual(second);

  // Back returns to the first page, Forward to the second.
  await page.goBack();
  await expect(page).not.toHaveURL(/after=/);
  await expect(page).toHaveURL(/[?&]event=scrolled(&|$)/);
  await expect(summary).toHaveText("Showing 1–100 of 150 events");
  await expect(rows).toHaveCount(100);
  expect(await people()).toEqual(first);
  await page.goForward();
  await expect(summary).toHaveText("Showing 101–150 of 150 events");

  // Newer leads back to the first page too.
  await page.getByRole("link", { name: "Newer", exact: true }).click();
  await expect(page).not.toHaveURL(/after=/);
  await expect(summary).toHaveText("Showing 1–100 of 150 events");
  await expect(page.getByRole("link", { name: "Newer", exact: true })).toHaveCount(0);
});

test("an event's page shows its volume, properties, latest events and the insights using it, reached from the list or by its link", async ({ page }) => {
  const project = await signUp(page, { name: "Def", email: uniqueEmail("definition"), organization: "Definitions Co" });
  await sendEvents(page, project);
  await expect(async () => {
    await open(page, `/project/${project}/data-management/events`);
    await expect(page.getByTestId("definition").filter({ hasText: "checkout started" })).toBeVisible({ timeout: 1000 });
  }).toPass();

  // Client-side, from the list.
  await page.getByTestId("definition").filter({ hasText: "checkout started" }).getByRole("link", { name: "checkout started" }).click();
  await expect(page).toHaveURL(new RegExp(`/project/${project}/data-management/events/\\d+$`));
  const details = page.getByTestId("definition-details");
  await expect(details).toContainText("checkout started");
  await expect(page.getByTestId("definition-volume-total")).toHaveText("1");
  await expect(page.getByTestId("definition-properties")).toContainText("cart_value");
  await expect(page.getByTestId("events")).toContainText("checkout started");
  await expect(page.locator("#definition-volume canvas")).toBeVisible();

  // The same page by a full load of its link; "Page views" on the starter
  // dashboard reads $pageview, so that event's page names it.
  const pageview = page.url().replace(/\d+$/, "");
  await open(page, `/project/${project}/data-management/events`);
  await page.getByTestId("definition").filter({ hasText: "$pageview" }).getByRole("link").first().click();
  await expect(page.getByTestId("definition-used-in")).toContainText("Page views");
  const link = page.url();
  expect(link.startsWith(pageview)).toBeTruthy();
  await open(page, link);
  await expect(page.getByTestId("definition-used-in")).toContainText("Page views");
});
