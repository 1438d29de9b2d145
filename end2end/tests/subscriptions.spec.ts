import { expect, test } from "@playwright/test";
import { open, signUp, uniqueEmail, waitForHydration } from "./support";

test.use({ viewport: { width: 1280, height: 1400 } });

test("a weekly subscription to a dashboard, sent as a test, arrives in the outbox with its charts", async ({ page }) => {
  const email = uniqueEmail("sub");
  const project = await signUp(page, { name: "Suki", email, organization: "Subscribing Org" });
  await open(page, `/project/${project}/dashboards`);
  await page.getByTestId("dashboard-row").filter({ hasText: "Home" }).getByRole("link").first().click();
  const dashboard = new URL(page.url()).pathname;
  await waitForHydration(page);

  await page.getByTestId("dashboard-menu").click();
  await page.getByTestId("subscribe").click();
  const panel = page.getByTestId("subscribe-panel");
  const form = panel.getByTestId("new-subscription");
  // Titled after the dashboard.
  const name = await form.getByTestId("subscription-title").inputValue();
  await expect(page.getByTestId("dashboard-name")).toContainText(name);
  await form.locator(`input[data-testid="recipient"][value="${email}"]`).check();
  // Weekly on Mondays by default; Thursdays too, at 08:30.
  await form.getByTestId("weekday-Thu").check();
  await form.getByTestId("schedule-time").fill("08:30");
  await expect(form.getByTestId("schedule-words")).toHaveText("Every Monday and Thursday at 08:30 UTC");
  await expect(form.getByTestId("schedule-next")).toContainText(/Next: (Mon|Thu) .* · (Mon|Thu) .* · (Mon|Thu) /);
  // A month on its 31st says what shorter months do.
  await form.getByTestId("schedule-repeat").selectOption("month");
  await form.getByTestId("schedule-month-day").fill("31");
  await expect(form.getByTestId("schedule-words")).toHaveText("Every month on the 31st (or the month's last day) at 08:30 UTC");
  // Back to weekly: on the start date's weekday, until days are picked.
  await form.getByTestId("schedule-repeat").selectOption("week");
  await form.getByTestId("weekday-Mon").check();
  await form.getByTestId("weekday-Thu").check();
  await expect(form.getByTestId("schedule-words")).toHaveText("Every Monday and Thursday at 08:30 UTC");
  await form.getByTestId("subscription-save").click();

  const subscription = panel.getByTestId("subscription");
  await expect(subscription).toHaveCount(1);
  await expect(subscription.getByTestId("subscription-name")).toContainText(email);
  await expect(subscription.getByTestId("subscription-schedule")).toHaveText("Every Monday and Thursday at 08:30 UTC");

  // Editing fills the form with the subscription; saving changes it.
  await subscription.getByTestId("subscription-edit").click();
  await expect(form.getByRole("heading")).toHaveText("Edit subscription");
  await expect(form.locator(`input[data-testid="recipient"][value="${email}"]`)).toBeChecked();
  await expect(form.getByTestId("weekday-Thu")).toBeChecked();
  await form.getByTestId("schedule-time").fill("10:15");
  await form.getByTestId("subscription-save").click();
  await expect(subscription.getByTestId("subscription-schedule")).toHaveText("Every Monday and Thursday at 10:15 UTC");
  await expect(subscription).toHaveCount(1);
  await expect(form.getByRole("heading")).toHaveText("New subscription");

  // The panel follows the delivery until it is done.
  await subscription.getByTestId("subscription-test").click();
  await expect(subscription.getByTestId("delivery-outcome").first()).toHaveText("Delivered", { timeout: 20_000 });
  await expect(subscription.getByTestId("delivery").first()).toContainText("(test)");

  // The organization's outbox shows the mail with its charts inline.
  await open(page, "/organization/settings");
  await page.getByTestId("open-outbox").click();
  await waitForHydration(page);
  const subject = `[Test] Dashboard report: ${name}`;
  const row = page.getByTestId("outbox").getByRole("row").filter({ hasText: subject });
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText("Mailed", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await waitForHydration(page);
  await row.getByRole("button").click();
  const mail = page.getByTestId("opened-mail");
  await expect(mail.getByTestId("mail-subject")).toHaveText(subject);
  const body = mail.frameLocator("iframe");
  const charts = body.locator('img[src^="data:image/png"]');
  await expect(charts.first()).toBeVisible();
  expect(await charts.count()).toBeGreaterThan(0);
  const width = await charts.first().evaluate((img: HTMLImageElement) => img.naturalWidth);
  expect(width).toBe(1088);
  await expect(body.getByRole("link", { name: /Unsubscribe/ })).toHaveAttribute("href", /\/unsubscribe\?subscription=\d+&email=/);

  // Its unsubscribe link asks first, then stops the mail.
  const link = await body.getByRole("link", { name: /Unsubscribe/ }).getAttribute("href");
  const visitor = await (await page.context().browser()!.newContext()).newPage();
  await open(visitor, new URL(link!).pathname + new URL(link!).search);
  await waitForHydration(visitor);
  await visitor.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(visitor.getByTestId("unsubscribed")).toContainText(email);
  await open(page, dashboard);
  await waitForHydration(page);
  await page.getByTestId("dashboard-menu").click();
  await page.getByTestId("subscribe").click();
  await expect(panel.getByTestId("subscription")).toHaveCount(0);
});
