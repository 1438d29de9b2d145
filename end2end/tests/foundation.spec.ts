import { expect, test } from "@playwright/test";
import { open, PASSWORD, projectIdOf, signUp, uniqueEmail, waitForHydration } from "./support";

test("a new team signs up, adds a project, switches between projects and invites a teammate", async ({ page, browser }) => {
  // Sign up: the first user gets an organization and a first project.
  const firstProject = await signUp(page, { name: "Ada", email: uniqueEmail("ada"), organization: "Analytical Engines" });
  await expect(page.getByTestId("project-title")).toHaveText("Default project");
  await waitForHydration(page);

  // The project switcher is a client-side menu: it opens only once the
  // WebAssembly client is live.
  const switcher = page.getByTestId("project-switcher");
  await switcher.click();
  await expect(switcher).toHaveAttribute("aria-expanded", "true");
  await page.getByRole("link", { name: "+ New project" }).click();

  await expect(page).toHaveURL(/\/projects\/new/);
  await page.getByLabel("Project name").fill("Mobile app");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(/\/project\/\d+$/);
  const secondProject = projectIdOf(page.url());
  expect(secondProject).not.toBe(firstProject);
  await expect(page.getByTestId("project-title")).toHaveText("Mobile app");

  // Switch back: the URL names the project, and the content follows it.
  await page.getByTestId("project-switcher").click();
  await page.getByTestId("project-option").filter({ hasText: "Default project" }).click();
  await expect(page).toHaveURL(new RegExp(`/project/${firstProject}$`));
  await expect(page.getByTestId("project-title")).toHaveText("Default project");

  // Invite a teammate from the organization page.
  await page.getByRole("link", { name: "Organization" }).click();
  await expect(page.getByRole("heading", { name: "Analytical Engines" })).toBeVisible();
  const teammateEmail = uniqueEmail("grace");
  await page.getByLabel("Email").fill(teammateEmail);
  await page.getByRole("button", { name: "Send invite" }).click();
  const inviteLink = await page.getByTestId("new-invite").getByRole("textbox").inputValue();
  expect(inviteLink).toMatch(/\/invite\/[A-Za-z0-9]{32}$/);
  await expect(page.getByTestId("pending-invites")).toContainText(teammateEmail);

  // The teammate opens the link in a browser of their own.
  const teammateContext = await browser.newContext();
  const teammate = await teammateContext.newPage();
  await open(teammate, new URL(inviteLink).pathname);
  await expect(teammate.getByTestId("invite-intro")).toHaveText("Ada invited you to join Analytical Engines as member.");
  await teammate.getByLabel("Your name").fill("Grace");
  await teammate.getByLabel("Choose a password").fill(PASSWORD);
  await teammate.getByRole("button", { name: "Join" }).click();

  // They land in the organization's first project, logged in.
  await expect(teammate).toHaveURL(new RegExp(`/project/${firstProject}$`));
  await expect(teammate.getByTestId("project-title")).toHaveText("Default project");
  await expect(teammate.getByTestId("user-name")).toHaveText("Grace");

  // The invite is used up.
  await open(teammate, new URL(inviteLink).pathname);
  await expect(teammate.getByRole("alert")).toHaveText("This invite has already been used.");
  await teammateContext.close();
});

test("two tabs stay in their own projects", async ({ page, context }) => {
  const first = await signUp(page, { name: "Lin", email: uniqueEmail("lin"), organization: "Two Tabs" });
  await open(page, "/projects/new");
  await page.getByLabel("Project name").fill("Second");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(/\/project\/\d+$/);
  const second = projectIdOf(page.url());

  const otherTab = await context.newPage();
  await open(otherTab, `/project/${first}`);
  await page.reload();

  await expect(page.getByTestId("project-title")).toHaveText("Second");
  await expect(otherTab.getByTestId("project-title")).toHaveText("Default project");
  expect(second).not.toBe(first);
});

test("a visitor is sent to log in and comes back to the page they asked for", async ({ page, browser }) => {
  const email = uniqueEmail("kai");
  const project = await signUp(page, { name: "Kai", email, organization: "Returning" });

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`/project/${project}/settings`);
  await expect(visitor).toHaveURL(new RegExp(`/login\\?next=/project/${project}/settings$`));
  await waitForHydration(visitor);
  await visitor.getByLabel("Email").fill(email);
  await visitor.getByLabel("Password").fill(PASSWORD);
  await visitor.getByRole("button", { name: "Log in" }).click();

  await expect(visitor).toHaveURL(new RegExp(`/project/${project}/settings$`));
  await expect(visitor.getByRole("heading", { name: "Project settings" })).toBeVisible();
});

test("a wrong password is refused without saying whether the account exists", async ({ page }) => {
  const email = uniqueEmail("mo");
  await signUp(page, { name: "Mo", email, organization: "Careful" });
  await page.context().clearCookies();

  await open(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Email or password is incorrect.");

  await page.getByLabel("Email").fill(uniqueEmail("nobody"));
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Email or password is incorrect.");
  await expect(page).toHaveURL(/\/login/);
});

test("a project of another organization shows a no-access page with a way back", async ({ page, browser }) => {
  const ownersProject = await signUp(page, { name: "Owner", email: uniqueEmail("owner"), organization: "Private Co" });

  const outsider = await (await browser.newContext()).newPage();
  await signUp(outsider, { name: "Outsider", email: uniqueEmail("outsider"), organization: "Elsewhere" });
  const response = await outsider.goto(`/project/${ownersProject}`);

  expect(response?.status()).toBe(404);
  await expect(outsider.getByTestId("no-access")).toBeVisible();
  await expect(outsider.locator("body")).not.toContainText("Private Co");
  await expect(outsider.getByRole("link", { name: "Back to my projects" })).toBeVisible();
});

test("sign-up errors appear next to the field", async ({ page }) => {
  const email = uniqueEmail("dup");
  await signUp(page, { name: "Dup", email, organization: "First" });
  await page.context().clearCookies();

  await open(page, "/signup");
  await page.getByLabel("Your name").fill("Dup again");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Organization").fill("Second");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.locator(".field", { hasText: "Work email" }).locator(".field-error")).toHaveText(
    "An account with this email already exists. Log in instead.",
  );
});
