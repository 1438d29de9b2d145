import { Browser, expect, Locator, Page, test } from "@playwright/test";
import { open, PASSWORD, pick, projectIdOf, projectToken, signUp, uniqueEmail, waitForHydration } from "./support";

// Tall enough that a dashboard's first rows of tiles fit without scrolling.
test.use({ viewport: { width: 1280, height: 1400 } });

/** Ada signs up and invites Grace (a plain member); returns both pages and the first project. */
async function team(page: Page, browser: Browser) {
  const project = await signUp(page, { name: "Ada", email: uniqueEmail("ada"), organization: "Dash Org" });
  await open(page, "/organization/settings");
  await page.getByLabel("Email").fill(uniqueEmail("grace"));
  await page.getByRole("button", { name: "Send invite" }).click();
  const inviteLink = await page.getByTestId("new-invite").getByRole("textbox").inputValue();
  const grace = await (await browser.newContext()).newPage();
  await open(grace, new URL(inviteLink).pathname);
  await grace.getByLabel("Your name").fill("Grace");
  await grace.getByLabel("Choose a password").fill(PASSWORD);
  await grace.getByRole("button", { name: "Join" }).click();
  await expect(grace).toHaveURL(new RegExp(`/project/${project}$`));
  return { ada: page, grace, project };
}

async function newDashboard(page: Page, project: number, name: string): Promise<string> {
  await open(page, `/project/${project}/dashboards`);
  await page.getByTestId("new-dashboard-name").fill(name);
  await page.getByTestId("new-dashboard").click();
  await expect(page).toHaveURL(new RegExp(`/project/${project}/dashboard/\\d+$`));
  await waitForHydration(page);
  return page.url();
}

/** Adds text tiles one after the other. */
async function addTextTiles(page: Page, texts: string[]) {
  const before = await page.getByTestId("tile").count();
  for (const [added, text] of texts.entries()) {
    await page.getByTestId("text-tile-input").fill(text);
    await page.getByTestId("add-text-tile").click();
    // The dashboard reloads after each change; wait before typing the next.
    await expect(page.getByTestId("tile")).toHaveCount(before + added + 1);
  }
}

/** Drags a tile by its header: `right` in grid widths (negative: left), `rowsUp` in rows. */
async function dragHandle(page: Page, tile: Locator, by: { right: number; rowsUp: number }) {
  const box = (await tile.getByTestId("tile-handle").boundingBox())!;
  const grid = (await page.getByTestId("tile-grid").boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + 20 + by.right * grid.width, box.y + 10 - by.rowsUp * 72, { steps: 8 });
  await page.mouse.up();
}

type Box = { x: number; y: number; width: number; height: number };

/** Every tile's box on the page, with its text. */
async function tileBoxes(page: Page): Promise<{ text: string; box: Box }[]> {
  const boxes: { text: string; box: Box }[] = [];
  for (const tile of await page.getByTestId("tile").all()) {
    boxes.push({ text: (await tile.innerText()).trim(), box: (await tile.boundingBox())! });
  }
  return boxes;
}

/** No two tiles share any area (a pixel of rounding allowed). */
function expectNoOverlaps(tiles: { text: string; box: Box }[]) {
  const apart = (a: Box, b: Box) =>
    a.x + a.width <= b.x + 1 || b.x + b.width <= a.x + 1 || a.y + a.height <= b.y + 1 || b.y + b.height <= a.y + 1;
  for (const [i, a] of tiles.entries()) {
    for (const b of tiles.slice(i + 1)) {
      expect(apart(a.box, b.box), `"${a.text}" overlaps "${b.text}"`).toBe(true);
    }
  }
}

test("a restricted dashboard is read-only for others until they are invited to edit it", async ({ page, browser }) => {
  const { ada, grace, project } = await team(page, browser);
  const url = await newDashboard(ada, project, "Launch KPIs");
  await ada.getByTestId("text-tile-input").fill("## Launch goals");
  await ada.getByTestId("add-text-tile").click();
  await expect(ada.getByTestId("tile")).toHaveCount(1);

  // The permissions open from the line under the name.
  await expect(ada.getByTestId("permissions")).toBeHidden();
  await ada.getByTestId("who-can-edit").click();
  await ada.getByTestId("restriction").selectOption("invited");
  await expect(ada.getByTestId("collaborator-select")).toBeVisible();

  await open(grace, new URL(url).pathname);
  await expect(grace.getByTestId("read-only")).toContainText("only its creator, admins and invited collaborators");
  await grace.getByTestId("dashboard-menu").click();
  await expect(grace.getByTestId("delete-dashboard")).toBeDisabled();
  await expect(grace.getByTestId("add-text-tile")).toHaveCount(0);
  await expect(grace.getByTestId("add-insight")).toHaveCount(0);
  await expect(grace.getByTestId("permissions")).toHaveCount(0);
  await expect(grace.getByTestId("who-can-edit")).toHaveCount(0);

  await ada.getByTestId("collaborator-select").selectOption({ label: "Grace" });
  await ada.getByTestId("add-collaborator").click();
  await expect(ada.getByTestId("collaborators")).toContainText("Grace");

  await open(grace, new URL(url).pathname);
  await expect(grace.getByTestId("read-only")).toHaveCount(0);
  await grace.getByTestId("text-tile-input").fill("Grace was here");
  await grace.getByTestId("add-text-tile").click();
  await expect(grace.getByTestId("tile")).toHaveCount(2);
});

test("a dragged tile keeps its place after a reload, and the home shows the primary dashboard", async ({ page }) => {
  const project = await signUp(page, { name: "Lin", email: uniqueEmail("lin"), organization: "Grid Org" });
  await newDashboard(page, project, "Team board");
  await addTextTiles(page, ["First note", "Second note", "Third note"]);
  // Two side by side, the third below the first.
  const third = page.getByTestId("tile").filter({ hasText: "Third note" });
  await expect(third).toHaveAttribute("style", /grid-column: 1 \/ span 6; grid-row: 6 \/ span 5/);

  // Drag the third tile's header up and to the right half, onto the second.
  await dragHandle(page, third, { right: 0.5, rowsUp: 5 });
  await expect(third).toHaveAttribute("style", /grid-column: 7 \/ span 6; grid-row: 1 \/ span 5/);

  await page.waitForTimeout(500);
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("tile").filter({ hasText: "Third note" })).toHaveAttribute("style", /grid-column: 7 \/ span 6; grid-row: 1 \/ span 5/);
  await expect(page.getByTestId("tile").filter({ hasText: "Second note" })).toHaveAttribute("style", /grid-column: 7 \/ span 6; grid-row: 6 \/ span 5/);

  await page.getByTestId("dashboard-menu").click();
  await page.getByTestId("make-primary").click();
  await expect(page.getByTestId("home-badge")).toBeVisible();
  await open(page, `/project/${project}`);
  await expect(page.getByTestId("home-dashboard")).toContainText("Team board");
  await expect(page.getByTestId("home-dashboard")).toContainText("First note");

  // Delete with undo.
  await page.getByTestId("home-dashboard").getByTestId("dashboard-menu").click();
  await page.getByTestId("home-dashboard").getByTestId("delete-dashboard").click();
  await expect(page.getByTestId("deleted-notice")).toBeVisible();
  await page.getByTestId("undo-delete").click();
  await expect(page.getByTestId("dashboard-name")).toContainText("Team board");
});

test("a tile dropped on another pushes it down, nothing overlaps after a reload, and a new tile fills the free half of the top row", async ({ page }) => {
  const project = await signUp(page, { name: "Mo", email: uniqueEmail("mo"), organization: "Layout Org" });
  await newDashboard(page, project, "Packed board");
  await addTextTiles(page, ["Left note", "Right note"]);
  const left = page.getByTestId("tile").filter({ hasText: "Left note" });
  const right = page.getByTestId("tile").filter({ hasText: "Right note" });
  // A new half-width tile goes beside a lone one, not below it.
  await expect(right).toHaveAttribute("style", /grid-column: 7 \/ span 6; grid-row: 1 \/ span 5/);

  // Drop the right tile onto the left one: the left one makes way below it.
  const saved = page.waitForResponse((response) => response.url().includes("/api/change_dashboard"));
  await dragHandle(page, right, { right: -0.5, rowsUp: 0 });
  await expect(right).toHaveAttribute("style", /grid-column: 1 \/ span 6; grid-row: 1 \/ span 5/);
  await expect(left).toHaveAttribute("style", /grid-column: 1 \/ span 6; grid-row: 6 \/ span 5/);
  expect((await saved).ok()).toBe(true);

  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("tile")).toHaveCount(2);
  await expect(right).toHaveAttribute("style", /grid-column: 1 \/ span 6; grid-row: 1 \/ span 5/);
  await expect(left).toHaveAttribute("style", /grid-column: 1 \/ span 6; grid-row: 6 \/ span 5/);
  expectNoOverlaps(await tileBoxes(page));

  // The top row's right half is free: a new text tile goes there.
  await addTextTiles(page, ["New note"]);
  const added = page.getByTestId("tile").filter({ hasText: "New note" });
  await expect(added).toHaveAttribute("style", /grid-column: 7 \/ span 6; grid-row: 1 \/ span 5/);
  const first = page.getByTestId("tile").first();
  await expect(first).toContainText("Right note");
  const top = (await first.boundingBox())!;
  const spot = (await added.boundingBox())!;
  expect(Math.abs(spot.y - top.y)).toBeLessThan(2);
  expect(spot.x).toBeGreaterThanOrEqual(top.x + top.width);
  expectNoOverlaps(await tileBoxes(page));
});

test("a link into another project lands there and leaves the other tab where it was", async ({ page, browser }) => {
  const { ada, grace, project } = await team(page, browser);
  // A second project in Ada's organization, with a dashboard.
  await open(ada, "/projects/new");
  await ada.getByLabel("Project name").fill("Mobile app");
  await ada.getByRole("button", { name: "Create project" }).click();
  await expect(ada).toHaveURL(/\/project\/\d+$/);
  const mobile = projectIdOf(ada.url());
  const url = await newDashboard(ada, mobile, "Mobile funnel");
  const dashboardId = new URL(url).pathname.split("/").pop();

  // Grace keeps a tab in the first project and follows Ada's short link in another.
  await open(grace, `/project/${project}/insights`);
  const other = await grace.context().newPage();
  await other.goto(`/d/${dashboardId}`);
  await expect(other).toHaveURL(new RegExp(`/project/${mobile}/dashboard/${dashboardId}$`));
  await waitForHydration(other);
  await expect(other.getByTestId("moved-notice")).toContainText("You were last in Default project");
  await expect(other.getByTestId("project-switcher")).toContainText("Mobile app");
  await expect(grace).toHaveURL(new RegExp(`/project/${project}/insights$`));
  await expect(grace.getByTestId("project-switcher")).toContainText("Default project");

  // A link to something she may not see names nothing.
  await other.goto(`/d/999999`);
  await expect(other).toHaveURL(/\/no-access$/);
  await expect(other.getByTestId("no-access")).toContainText("ask an admin");
});

test("refresh all recomputes each tile on its own, and a pinned dashboard leads the list", async ({ page }) => {
  const project = await signUp(page, { name: "Kay", email: uniqueEmail("kay"), organization: "Tile Org" });
  // The starter home: four insight tiles; a second load answers them from the cache.
  const home = page.getByTestId("home-dashboard");
  await expect(home.getByTestId("freshness")).toHaveCount(4);
  await open(page, `/project/${project}`);
  await expect(home.getByTestId("tile")).toHaveCount(4);
  await expect(home.getByTestId("freshness").filter({ hasText: "(cached)" })).toHaveCount(4);

  // Hold back the first tile request to see the others finish on their own.
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let requests = 0;
  await page.route("**/api/tile_result", async (route) => {
    requests += 1;
    if (requests === 1) await gate;
    await route.continue();
  });
  await home.getByTestId("refresh-all").click();
  await expect.poll(() => requests).toBe(4);
  await expect(home.getByTestId("tile-refreshing")).toHaveCount(1);
  await expect(home.getByTestId("freshness").filter({ hasText: "(cached)" })).toHaveCount(1);
  release();
  await expect(home.getByTestId("tile-refreshing")).toHaveCount(0);
  await expect(home.getByTestId("freshness").filter({ hasText: "(cached)" })).toHaveCount(0);

  // One tile's own refresh button recomputes only that tile.
  await page.reload();
  await waitForHydration(page);
  await expect(home.getByTestId("freshness").filter({ hasText: "(cached)" })).toHaveCount(4);
  await home.getByTestId("tile").first().getByTestId("refresh-tile").click();
  await expect(home.getByTestId("freshness").filter({ hasText: "(cached)" })).toHaveCount(3);
  expect(requests).toBe(5);

  await newDashboard(page, project, "Zeta board");
  await page.getByTestId("dashboard-menu").click();
  await page.getByTestId("pin").click();
  await expect(page.getByTestId("pinned-badge")).toBeVisible();
  await open(page, `/project/${project}/dashboards`);
  await expect(page.getByTestId("dashboard-row").first()).toContainText("Zeta board");
});

test("a dashboard adds a saved insight found by typing, or a new one made from it, and keeps its other actions in a menu", async ({ page }) => {
  const project = await signUp(page, { name: "Ivy", email: uniqueEmail("ivy"), organization: "Adders Org" });
  await newDashboard(page, project, "Growth");

  // Secondary actions wait in the menu.
  await expect(page.getByTestId("pin")).toBeHidden();
  await page.getByTestId("dashboard-menu").click();
  await expect(page.getByTestId("pin")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("pin")).toBeHidden();

  // A saved insight (the starter ones are) is found by typing.
  await pick(page, "add-insight", "Page views", "page vi");
  await expect(page.getByTestId("tile")).toHaveCount(1);
  await expect(page.getByTestId("tile")).toContainText("Page views");

  // A new one made from here lands on the dashboard once saved.
  await page.getByTestId("new-insight-here").click();
  await expect(page).toHaveURL(/\/insights\/new\?q=.*dashboard=\d+/);
  await waitForHydration(page);
  await page.getByTestId("insight-name-input").fill("Made for growth");
  await page.getByTestId("save-insight").click();
  await expect(page).toHaveURL(new RegExp(`/project/${project}/dashboard/\\d+$`));
  await expect(page.getByTestId("tile")).toHaveCount(2);
  await expect(page.getByTestId("tile").filter({ hasText: "Made for growth" })).toBeVisible();
});

test("a tile shows its chart or its table, either filling the tile, and the chart follows the tile's size", async ({ page }) => {
  const project = await signUp(page, { name: "Sam", email: uniqueEmail("sam"), organization: "Sizes Org" });
  const key = await projectToken(page, project);
  const batch = Array.from({ length: 6 }, (_, i) => ({ event: "$pageview", distinct_id: `v${i}` }));
  expect((await page.request.post("/batch", { data: { api_key: key, batch } })).ok()).toBeTruthy();
  await newDashboard(page, project, "Sizes");
  await pick(page, "add-insight", "Page views", "page vi");
  const tile = page.getByTestId("tile");
  const canvas = tile.locator("canvas").first();
  await expect(canvas).toBeVisible();
  await expect(tile.getByTestId("results-table")).toHaveCount(0);
  const before = (await canvas.boundingBox())!;

  // Three rows taller: the chart grows with the tile.
  const corner = (await tile.getByTestId("tile-resize").boundingBox())!;
  await page.mouse.move(corner.x + 5, corner.y + 5);
  await page.mouse.down();
  await page.mouse.move(corner.x + 5, corner.y + 5 + 3 * 72, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => (await canvas.boundingBox())!.height).toBeGreaterThan(before.height + 150);

  // The numbers instead of the chart, and back.
  await tile.getByTestId("tile-parts").click();
  await expect(tile.getByTestId("results-table")).toBeVisible();
  await expect(tile.locator("canvas")).toHaveCount(0);
  await tile.getByTestId("tile-parts").click();
  await expect(tile.locator("canvas").first()).toBeVisible();
  await expect(tile.getByTestId("results-table")).toHaveCount(0);
});
