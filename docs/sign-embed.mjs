// Prints a signed embed's address: node sign-embed.mjs PROJECT_ID INSIGHT_SHORT_ID CUSTOMER
// Run it on your server (the secret must not reach browsers), once per page view.
import { createHmac } from "node:crypto";

const huddle = process.env.HUDDLE_URL ?? "https://huddle.example.com";
const secret = process.env.HUDDLE_EMBED_SECRET; // Project settings → Signed embeds
const [project, insight, customer] = process.argv.slice(2);
const base64url = (text) => Buffer.from(text).toString("base64url");

const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
const payload = base64url(JSON.stringify({
  project: Number(project),                      // the id in /project/:id
  resource: { insight },                         // or { dashboard: 7 }
  filters: [{ key: "customer", value: customer }], // event properties locked to one value
  date_from: "-30d",                             // optional: the range, locked too
  exp: Math.floor(Date.now() / 1000) + 3600,     // at most 24 hours ahead
}));
const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
console.log(`${huddle}/embedded/jwt/${header}.${payload}.${signature}`);
