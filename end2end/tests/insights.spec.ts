import { expect, Page, test } from "@playwright/test";
import { logIn, open, openWhenOffered, pick, projectToken, signUp, uniqueEmail, waitForHydration } from "./support";

/** The names in the drawn chart's legend, read from ECharts itself. */
async function legend(page: Page): Promise<string[]> {
  await expect(page.getByTestId("insight-chart").locator("canvas")).toBeVisible();
  return page.evaluate(() => {
    const element = document.getElementById("insight-chart");
    const chart = (window as any).echarts.getInstanceByDom(element);
    return chart.getOption().legend[0].data.map((entry: any) => entry.name ?? entry);
  });
}

test("a trends insight with a breakdown is charted, shared by its URL, saved, renamed and starred", async ({ page, browser }) => {
  const email = uniqueEmail("analyst");
  const project = await signUp(page, { name: "Ana", email, organization: "Charts Inc" });
  const token = await projectToken(page, project);
  const browsers = ["Chrome", "Firefox", "Safari"];
  const batch = Array.from({ length: 12 }, (_, i) => ({
    event: "$pageview",
    distinct_id: `visitor-${i}`,
    properties: { $browser: browsers[i % 3], $current_url: "https://app.example/" },
  }));
  const sent = await page.request.post("/batch", { data: { api_key: token, batch } });
  expect(sent.ok()).toBeTruthy();

  // Definitions are recorded just after ingestion; the picker offers $browser once they are.
  await openWhenOffered(page, `/project/${project}/insights/new`, "breakdown", "Browser");

  await pick(page, "breakdown", "Browser");
  await expect(page).toHaveURL(/breakdown/);
  await page.getByTestId("math-0").selectOption("dau");
  await expect(page).toHaveURL(/%22dau%22/);
  await expect.poll(() => legend(page)).toEqual(["Pageview · Chrome", "Pageview · Firefox", "Pageview · Safari"]);
  await expect(page.getByTestId("series-row")).toHaveCount(3);
  await expect(page.getByTestId("insight-name-input")).toHaveAttribute("placeholder", "Pageview unique users by Browser");

  // The unsaved insight is a permalink: another browser gets the same configuration.
  const permalink = page.url();
  const elsewhere = await (await browser.newContext()).newPage();
  await elsewhere.goto(permalink);
  await expect(elsewhere).toHaveURL(/\/login\?next=/);
  await logIn(elsewhere, email);
  await expect(elsewhere).toHaveURL(new RegExp(`^[^?]*/project/${project}/insights/new\\?q=`));
  await waitForHydration(elsewhere);
  expect(decodeURIComponent(elsewhere.url())).toBe(decodeURIComponent(permalink));
  await expect(elsewhere.getByTestId("breakdown").getByRole("button")).toHaveText(/Browser/);
  await expect(elsewhere.getByTestId("math-0")).toHaveValue("dau");
  await expect.poll(() => legend(elsewhere)).toEqual(["Pageview · Chrome", "Pageview · Firefox", "Pageview · Safari"]);

  // Saved without a name, it is listed under its automatic name.
  await elsewhere.getByTestId("save-insight").click();
  await expect(elsewhere).toHaveURL(new RegExp(`/project/${project}/insights/[A-Za-z0-9]{8}$`));
  await expect(elsewhere.getByTestId("insight-name")).toHaveText("Pageview unique users by Browser");
  await open(elsewhere, `/project/${project}/insights`);
  // New projects start with the starter dashboard's insights; this one is new.
  const row = elsewhere.getByTestId("insight-row").filter({ hasText: "Pageview unique users by Browser" });
  await expect(row).toHaveCount(1);

  // Rename and star it.
  await row.getByTestId("insight-link").click();
  await waitForHydration(elsewhere);
  await elsewhere.getByTestId("rename").click();
  await elsewhere.getByTestId("rename-input").fill("Visitors by browser");
  await elsewhere.getByTestId("rename-save").click();
  await expect(elsewhere.getByTestId("insight-name")).toHaveText("Visitors by browser");
  await elsewhere.getByTestId("favorite").click();
  await expect(elsewhere.getByTestId("favorite")).toHaveAttribute("aria-pressed", "true");

  // The insight and the definitions it reads link to each other.
  await expect(elsewhere.getByTestId("definitions-used")).toContainText("Pageview");
  await elsewhere.getByTestId("definitions-used").getByRole("link", { name: "Browser" }).click();
  await expect(elsewhere).toHaveURL(/data-management\/properties\?search=/);
  await waitForHydration(elsewhere);
  const browserRow = elsewhere.getByTestId("definition").filter({ hasText: "$browser" });
  await expect(browserRow.getByTestId("used-in")).toContainText("Visitors by browser");

  // Editing keeps the name and saves the changed configuration.
  await elsewhere.goBack();
  await waitForHydration(elsewhere);
  await elsewhere.getByTestId("edit-insight").click();
  await expect(elsewhere).toHaveURL(/\/edit\?q=/);
  await waitForHydration(elsewhere);
  await elsewhere.getByTestId("display").selectOption("ActionsBar");
  await expect(elsewhere).toHaveURL(/ActionsBar/);
  await expect(elsewhere.getByTestId("insight-name-input")).toHaveValue("Visitors by browser");
  await elsewhere.getByTestId("save-insight").click();
  await expect(elsewhere).toHaveURL(new RegExp(`/project/${project}/insights/[A-Za-z0-9]{8}$`));
  await expect(elsewhere.getByTestId("insight-name")).toHaveText("Visitors by browser");
  expect(await elsewhere.evaluate(() => {
    const chart = (window as any).echarts.getInstanceByDom(document.getElementById("insight-chart"));
    return chart.getOption().series[0].type;
  })).toBe("bar");

  await open(elsewhere, `/project/${project}/insights?tab=favorites`);
  await expect(elsewhere.getByTestId("insight-row")).toHaveCount(1);
  await expect(elsewhere.getByTestId("insight-row")).toContainText("Visitors by browser");
  await open(elsewhere, `/project/${project}/insights?tab=favorites&search=nothing-like-this`);
  await expect(elsewhere.getByTestId("insights-empty")).toBeVisible();
});

test("a funnel and a retention insight show their step and cohort tables", async ({ page }) => {
  const project = await signUp(page, { name: "Fay", email: uniqueEmail("funnel"), organization: "Funnels Inc" });
  const token = await projectToken(page, project);
  const batch = [
    { event: "$pageview", distinct_id: "a" },
    { event: "signed up", distinct_id: "a" },
    { event: "$pageview", distinct_id: "b" },
  ];
  expect((await page.request.post("/batch", { data: { api_key: token, batch } })).ok()).toBeTruthy();
  await open(page, `/project/${project}/insights/new`);
  await page.getByTestId("kind-funnels").click();
  await expect(page).toHaveURL(/FunnelsQuery/);
  const steps = page.getByTestId("funnel-step");
  await expect(steps).toHaveCount(2);
  await expect(steps.nth(0)).toContainText("2");
  await expect(steps.nth(1)).toContainText("50.0%");
  await expect(page.getByTestId("insight-name-input")).toHaveAttribute("placeholder", "Pageview → signed up conversion");

  await page.getByTestId("kind-retention").click();
  await expect(page).toHaveURL(/RetentionQuery/);
  await expect(page.getByTestId("results-table")).toContainText("Period 0");
});

test("a link whose query cannot be read says so and starts a new trend", async ({ page }) => {
  const project = await signUp(page, { name: "Bo", email: uniqueEmail("broken"), organization: "Links Inc" });
  await open(page, `/project/${project}/insights/new?q=%7Bnot-json`);
  await expect(page.getByRole("alert")).toContainText("could not be read");
  await expect(page.getByTestId("query-editor")).toBeVisible();
});
