import { expect, Page } from "@playwright/test";

export const PASSWORD = "correct horse battery";

/** An email no other test (or earlier run against the same server) uses. */
export function uniqueEmail(name: string): string {
  return `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Opens a page and waits until the WebAssembly client has taken over. */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await waitForHydration(page);
}

export async function waitForHydration(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Signs up through the form; returns the id of the first project. */
export async function signUp(page: Page, opts: { name: string; email: string; organization: string }) {
  await open(page, "/signup");
  await page.getByLabel("Your name").fill(opts.name);
  await page.getByLabel("Work email").fill(opts.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Organization").fill(opts.organization);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/project\/\d+$/);
  return projectIdOf(page.url());
}

export function projectIdOf(url: string): number {
  const match = new URL(url).pathname.match(/^\/project\/(\d+)/);
  if (!match) throw new Error(`not a project URL: ${url}`);
  return Number(match[1]);
}

/** The project's API key, as its settings page shows it. */
export async function projectToken(page: Page, project: number): Promise<string> {
  await open(page, `/project/${project}/settings`);
  return page.getByLabel("Project API key").inputValue();
}

/** Logs in through the form on the page the browser is at. */
export async function logIn(page: Page, email: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Opens the searchable picker `testid` and types `search` into it. */
export async function searchPicker(page: Page, testid: string, search: string) {
  const picker = page.getByTestId(testid);
  await picker.getByRole("button").first().click();
  await picker.getByRole("combobox").fill(search);
  return picker;
}

/** Picks `choice` (part of its label) in the searchable picker `testid`, found by typing `search`. */
export async function pick(page: Page, testid: string, choice: string, search = choice) {
  const picker = await searchPicker(page, testid, search);
  await picker.getByRole("option", { name: choice }).first().click();
  await expect(picker.getByRole("listbox")).toHaveCount(0);
}

/**
 * Opens `path` once its picker `testid` offers `choice`: definitions are
 * recorded just after ingestion, so the page is reloaded until they are.
 */
export async function openWhenOffered(page: Page, path: string, testid: string, choice: string) {
  await expect(async () => {
    await open(page, path);
    const picker = await searchPicker(page, testid, choice);
    await expect(picker.getByRole("option", { name: choice })).not.toHaveCount(0, { timeout: 1000 });
  }).toPass();
  await page.keyboard.press("Escape");
}
