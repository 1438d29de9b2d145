import { expect, Page, test } from "@playwright/test";
import { open, openWhenOffered, pick, projectToken, searchPicker, signUp, uniqueEmail } from "./support";

async function send(page: Page, project: number, batch: object[]) {
  const token = await projectToken(page, project);
  expect((await page.request.post("/batch", { data: { api_key: token, batch } })).ok()).toBeTruthy();
}

test("the event picker finds events as one types, verified ones first with their description, the last pick on top", async ({ page }) => {
  const project = await signUp(page, { name: "Pip", email: uniqueEmail("picker"), organization: "Pickers Co" });
  await send(page, project, [
    { event: "signed up", distinct_id: "a" },
    { event: "signup form viewed", distinct_id: "a" },
    { event: "purchase", distinct_id: "a" },
  ]);
  await expect(async () => {
    await open(page, `/project/${project}/data-management/events`);
    await expect(page.getByTestId("definition").filter({ hasText: "signup form viewed" })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  const row = page.getByTestId("definition").filter({ hasText: "signup form viewed" });
  await row.getByRole("button", { name: "Edit" }).click();
  await row.getByLabel("Description").fill("The sign-up form was shown");
  await row.getByLabel(/Verified/).check();
  const saved = page.waitForResponse((r) => r.url().includes("/api/annotate_definition") && r.ok());
  await row.getByRole("button", { name: "Save" }).click();
  await saved;

  await open(page, `/project/${project}/insights/new`);
  const picker = await searchPicker(page, "event-0", "sign");
  const options = picker.getByRole("option");
  await expect(options).toHaveCount(2);
  await expect(options.first()).toContainText("signup form viewed");
  await expect(options.first()).toContainText("The sign-up form was shown");
  // The keyboard picks: down to the second, Enter.
  await picker.getByRole("combobox").press("ArrowDown");
  await picker.getByRole("combobox").press("Enter");
  await expect.poll(() => decodeURIComponent(page.url())).toContain('"event":"signed up"');
  await expect(page.getByTestId("event-0").getByRole("button")).toHaveText(/signed up/);

  // Next time the last pick leads, under "Recent", after "All events".
  await page.getByTestId("event-0").getByRole("button").click();
  await expect(page.getByTestId("event-0").locator(".combobox-group").first()).toHaveText("Recent");
  await expect(page.getByTestId("event-0").getByRole("option").nth(1)).toContainText("signed up");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("event-0").getByRole("listbox")).toHaveCount(0);
});

test("a breakdown names its most common values, and a filter's value picker suggests them with how often and takes typed ones", async ({ page }) => {
  const project = await signUp(page, { name: "Val", email: uniqueEmail("values"), organization: "Values Co" });
  await send(page, project, [
    ...["pro", "pro", "pro", "free"].map((plan, i) => ({ event: "upgraded", distinct_id: `u${i}`, properties: { plan } })),
  ]);
  await openWhenOffered(page, `/project/${project}/insights/new`, "breakdown", "plan");
  const upgraded = await searchPicker(page, "event-0", "upgraded");
  await upgraded.getByRole("combobox").press("Enter");
  await expect.poll(() => decodeURIComponent(page.url())).toContain('"event":"upgraded"');

  // A breakdown says which values it will mostly show.
  await pick(page, "breakdown", "plan");
  await expect(page.getByTestId("top-values")).toHaveText("Most common: pro (3), free (1)");

  await page.getByTestId("global-filters-add").click();
  await pick(page, "global-filters-property-0", "plan");
  await page.getByTestId("global-filters-operator-0").selectOption("exact");
  const values = await searchPicker(page, "global-filters-value-0", "");
  await expect(values.getByRole("option").first()).toContainText("pro");
  await expect(values.getByRole("option").first()).toContainText("3");
  await expect(values.getByRole("option").nth(1)).toContainText("free");
  await expect(values.getByRole("option").nth(1)).toContainText("1");
  await values.getByRole("option", { name: "pro" }).click();
  await expect.poll(() => decodeURIComponent(page.url())).toContain('"value":"pro"');
  await expect(page.getByTestId("global-filters-value-0").getByRole("button")).toHaveText(/pro/);

  // What is typed is taken as it is; commas separate several values.
  const typed = await searchPicker(page, "global-filters-value-0", "enterprise, free");
  await typed.getByRole("combobox").press("Enter");
  await expect.poll(() => decodeURIComponent(page.url())).toContain('"value":["enterprise","free"]');
});

test("the explorer filters on several properties with the insights' operators and a time range, kept in the URL", async ({ page }) => {
  const project = await signUp(page, { name: "Exp", email: uniqueEmail("explorer"), organization: "Explorers Co" });
  const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
  await send(page, project, [
    { event: "bought", distinct_id: "a", properties: { plan: "pro", amount: 50 } },
    { event: "bought", distinct_id: "b", properties: { plan: "pro", amount: 5 } },
    { event: "bought", distinct_id: "c", properties: { plan: "free", amount: 80 } },
    { event: "bought", distinct_id: "d", properties: { plan: "pro", amount: 70 }, timestamp: threeDaysAgo },
    { event: "browsed", distinct_id: "a", properties: { plan: "pro", amount: 99 } },
  ]);
  const summary = page.getByTestId("page-summary");
  const people = () => page.getByTestId("events").locator("tbody tr.row-clickable td:nth-child(2)").allTextContents();

  await openWhenOffered(page, `/project/${project}/events`, "explorer-event", "bought");
  await pick(page, "explorer-event", "bought");
  await expect(page).toHaveURL(/event=bought/);
  await expect(summary).toContainText("of 4");

  await page.getByTestId("explorer-filters-list-add").click();
  await pick(page, "explorer-filters-list-property-0", "plan");
  await page.getByTestId("explorer-filters-list-operator-0").selectOption("exact");
  await pick(page, "explorer-filters-list-value-0", "pro", "");
  await expect(summary).toContainText("of 3");

  await page.getByTestId("explorer-filters-list-add").click();
  await pick(page, "explorer-filters-list-property-1", "amount");
  await page.getByTestId("explorer-filters-list-operator-1").selectOption("gt");
  const amount = await searchPicker(page, "explorer-filters-list-value-1", "10");
  await amount.getByRole("combobox").press("Enter");
  await expect(summary).toContainText("of 2");
  expect((await people()).sort()).toEqual(["a", "d"]);

  await page.getByTestId("explorer-range").selectOption("-24h");
  await expect(summary).toContainText("of 1");
  expect(await people()).toEqual(["a"]);

  // The address holds it all: a reload shows the same.
  await open(page, page.url());
  await expect(summary).toContainText("of 1");
  await expect(page.getByTestId("explorer-range")).toHaveValue("-24h");
  await expect(page.getByTestId("filter-row")).toHaveCount(2);
});
