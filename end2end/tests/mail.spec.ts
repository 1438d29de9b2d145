import { expect, test } from "@playwright/test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { open, PASSWORD, signUp, uniqueEmail, waitForHydration } from "./support";

/** The outbox directory the server writes mail to (scripts/test.sh sets it). */
const outbox = process.env.HUDDLE_OUTBOX ?? "../data/outbox";

/** The first link with `path` in the newest mail the outbox holds for `to`. */
async function linkMailedTo(to: string, path: string): Promise<string> {
  let link = "";
  await expect(async () => {
    const mails = readdirSync(outbox)
      .filter((name) => name.endsWith(".eml"))
      .map((name) => readFileSync(join(outbox, name), "utf8"))
      .filter((mail) => mail.includes(`To: ${to}`));
    expect(mails.length).toBeGreaterThan(0);
    // The text part is quoted-printable at worst: soft line breaks are undone.
    const text = mails[mails.length - 1].replace(/=\r?\n/g, "");
    const found = text.match(new RegExp(`https?://[^\\s"<>]*${path}[A-Za-z0-9]+`));
    expect(found).not.toBeNull();
    link = found![0];
  }).toPass({ timeout: 15_000 });
  return link;
}

test("forgot password: the mailed link sets a new password once and logs out the other browser", async ({ page, browser }) => {
  const email = uniqueEmail("forgetful");
  await signUp(page, { name: "Fran", email, organization: "Forgetful Org" });
  // Logged in elsewhere with the old password: this session ends with it.
  const elsewhere = await (await browser.newContext()).newPage();
  await open(elsewhere, "/login");
  await elsewhere.getByLabel("Email").fill(email);
  await elsewhere.getByLabel("Password").fill(PASSWORD);
  await elsewhere.getByRole("button", { name: "Log in" }).click();
  await expect(elsewhere).toHaveURL(/\/project\/\d+/);

  const visitor = await (await browser.newContext()).newPage();
  await open(visitor, "/login");
  await visitor.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(visitor).toHaveURL(/\/forgot-password$/);
  await waitForHydration(visitor);
  await visitor.getByLabel("Email").fill(email);
  await visitor.getByRole("button", { name: "Mail me a link" }).click();
  await expect(visitor.getByTestId("reset-sent")).toContainText(email);
  // An unknown address gets the very same answer.
  await open(visitor, "/forgot-password");
  await visitor.getByLabel("Email").fill(uniqueEmail("nobody"));
  await visitor.getByRole("button", { name: "Mail me a link" }).click();
  await expect(visitor.getByTestId("reset-sent")).toContainText("If ");

  const link = await linkMailedTo(email, "/reset-password/");
  await open(visitor, new URL(link).pathname);
  await expect(visitor.getByText(`For ${email}`)).toBeVisible();
  await visitor.getByLabel("New password").fill("a brand new password");
  await visitor.getByRole("button", { name: "Set password and log in" }).click();
  await expect(visitor).toHaveURL(/\/project\/\d+/);

  // The other browser's session ended with the old password.
  await elsewhere.reload();
  await expect(elsewhere).toHaveURL(/\/login/);
  // The link works once.
  await open(visitor, new URL(link).pathname);
  await expect(visitor.getByTestId("reset-refused")).toContainText("does not work");
});

test("an invite is mailed, shows as mailed, and reads in the outbox as its recipient sees it", async ({ page }) => {
  await signUp(page, { name: "Olive", email: uniqueEmail("olive"), organization: "Outbox Org" });
  await open(page, "/organization/settings");
  const invitee = uniqueEmail("invitee");
  await page.getByLabel("Email").fill(invitee);
  await page.getByRole("button", { name: "Send invite" }).click();
  await expect(page.getByTestId("new-invite")).toContainText(`Invite mailed to ${invitee}`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("pending-invites").getByRole("row").filter({ hasText: invitee }).getByTestId("invite-mail")).toHaveText("Mailed", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });

  await page.getByTestId("open-outbox").click();
  await expect(page).toHaveURL(/\/organization\/outbox/);
  await waitForHydration(page);
  const row = page.getByTestId("outbox").getByRole("row").filter({ hasText: invitee });
  await expect(row).toContainText("Mailed");
  await row.getByRole("button").click();
  const mail = page.getByTestId("opened-mail");
  await expect(mail.getByTestId("mail-subject")).toHaveText("Olive invited you to Outbox Org on Huddle");
  const body = mail.frameLocator("iframe");
  await expect(body.getByRole("link", { name: "Accept the invite" })).toHaveAttribute("href", /\/invite\/[A-Za-z0-9]{32}$/);
});
