import { expect, Page, test } from "@playwright/test";
import { open, projectToken, signUp, uniqueEmail } from "./support";

test.use({ viewport: { width: 1280, height: 1400 } });

/** Collects every Content-Security-Policy violation the page reports, by
 * event and in the console. */
async function watchPolicy(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction("reportPolicyViolation", (what: string) => violations.push(what));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as any).reportPolicyViolation(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) violations.push(`console: ${text}`);
  });
  return violations;
}

async function expectChart(page: Page) {
  await expect(page.getByTestId("insight-chart").first().locator("canvas")).toBeVisible();
}

test("every page hydrates and draws its charts under the content policy, without a violation", async ({ page }) => {
  const violations = await watchPolicy(page);

  const login = await page.goto("/login");
  const csp = login!.headers()["content-security-policy"];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' 'nonce-");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(login!.headers()["x-frame-options"]).toBe("DENY");
  expect(login!.headers()["x-content-type-options"]).toBe("nosniff");

  // The inline theme script runs (it carries the page's nonce).
  await page.evaluate(() => localStorage.setItem("huddle-theme", "dark"));
  await open(page, "/login");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");

  const project = await signUp(page, { name: "Sec", email: uniqueEmail("sec"), organization: "Policy Org" });
  const token = await projectToken(page, project);
  const batch = Array.from({ length: 8 }, (_, i) => ({
    event: "$pageview",
    distinct_id: `visitor-${i}`,
    properties: { $browser: i % 2 ? "Chrome" : "Firefox", $current_url: "https://app.example/" },
  }));
  expect((await page.request.post("/batch", { data: { api_key: token, batch } })).ok()).toBeTruthy();

  // Project home: the starter dashboard, its charts drawn by ECharts.
  await open(page, `/project/${project}`);
  await expectChart(page);
  await page.getByTestId("insight-chart").first().hover();

  await open(page, `/project/${project}/insights/new`);
  await expectChart(page);

  await open(page, `/project/${project}/dashboards`);
  await page.getByTestId("new-dashboard-name").fill("Policy");
  await page.getByTestId("new-dashboard").click();
  await expect(page).toHaveURL(new RegExp(`/project/${project}/dashboard/\\d+$`));
  await page.getByTestId("text-tile-input").fill("[safe](https://example.com) [evil](javascript:alert(1)) <img src=x onerror=alert(1)>");
  await page.getByTestId("add-text-tile").click();
  const tile = page.getByTestId("tile");
  await expect(tile).toHaveCount(1);
  await expect(tile.getByRole("link", { name: "safe" })).toHaveAttribute("href", "https://example.com");
  await expect(tile.locator("a", { hasText: "evil" })).not.toHaveAttribute("href", /.+/);
  await expect(tile.locator("img")).toHaveCount(0);

  await open(page, `/project/${project}/data-management/events`);
  await expect(page.getByTestId("definition").first()).toBeVisible();

  await open(page, `/project/${project}/events`);
  await expect(page.getByText("$pageview").first()).toBeVisible();

  expect(violations).toEqual([]);

  // The watch works: a script injected without the nonce is refused and reported.
  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.injected = true";
    document.head.appendChild(script);
  });
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as any).injected)).toBeUndefined();
});
