// The dashboard's shell: login, hash routes (#/fleet, #/devices/<id>, ...), and the live loop
// that long-polls the event log and tells the page on screen what changed.

import { api, AuthError, forget, setToken, token } from "./api.js";
import { fill, h } from "./dom.js";
import * as fleet from "./fleet.js";
import * as device from "./device.js";
import * as deployments from "./deployments.js";
import * as deployment from "./deployment.js";
import * as packages from "./packages.js";
import * as events from "./events.js";

const routes = {
  fleet: { view: fleet, nav: "fleet" },
  devices: { view: device, nav: "fleet" },
  deployments: { view: deployments, nav: "deployments" },
  deployment: { view: deployment, nav: "deployments" },
  packages: { view: packages, nav: "packages" },
  events: { view: events, nav: "events" },
};

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const live = document.getElementById("live");
const logoutButton = document.getElementById("logout");

let page = null;        // { refresh, touches?, onEvents?, every?, stop? } of the view on screen
let loop = 0;           // incremented to stop a running live loop
let timer = null;
let poll = null;        // the AbortController of the long poll in flight

/** Back to the login page, with the server's reason when there is one. */
export function logout(reason) {
  forget();
  loop++;
  if (poll) poll.abort();
  showLogin(reason);
}

function showChrome(visible) {
  nav.hidden = !visible;
  live.hidden = !visible;
  logoutButton.hidden = !visible;
}

function showLogin(reason) {
  stopPage();
  showChrome(false);
  if (location.hash !== "#/login") history.replaceState(null, "", "#/login");
  const input = h("input", { id: "token", type: "password", name: "token", autocomplete: "off", required: true, placeholder: "operator token" });
  const note = h("p", { id: "login-message", class: reason ? "error" : "muted", role: "alert" },
    reason || "The operator token is in <data-dir>/operator.token on the server (tide dev: .tide/operator.token).");
  const form = h("form", { class: "login card", id: "login" },
    h("h1", {}, "Sign in to Tide"),
    h("label", { for: "token" }, "Operator token"),
    input,
    h("button", { type: "submit" }, "Sign in"),
    note);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setToken(input.value.trim());
    try {
      await api("events?tail=1");
    } catch (error) {
      forget();
      fill(note, error.message);
      note.className = "error";
      return;
    }
    location.hash = "#/fleet";
    start();
  });
  fill(main, form);
  input.focus();
}

function stopPage() {
  if (timer) clearInterval(timer);
  timer = null;
  if (page && page.stop) page.stop();
  page = null;
}

/** Shows the page the hash names. */
async function route() {
  if (!token()) return showLogin();
  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const entry = routes[name] || routes.fleet;
  for (const a of nav.querySelectorAll("a")) a.classList.toggle("current", a.dataset.page === entry.nav);
  stopPage();
  showChrome(true);
  main.replaceChildren();
  const mounted = entry.view.mount(main, rest, { guard });
  page = mounted;
  await guard(() => mounted.refresh());
  if (mounted.every && page === mounted) timer = setInterval(() => schedule(mounted), mounted.every);
}

/** Runs a call of the page; a refused token leads back to login, other errors show on the page. */
async function guard(call) {
  try {
    await call();
  } catch (error) {
    if (error instanceof AuthError) return logout(error.message);
    console.warn(error);
    const banner = main.querySelector(":scope > .banner") || main.insertBefore(h("p", { class: "error banner", role: "alert" }), main.firstChild);
    fill(banner, error.message);
    return;
  }
  const banner = main.querySelector(":scope > .banner");
  if (banner) banner.remove();
}

// One refresh at a time per page; events during one make one more afterwards.
const pending = new WeakMap();
function schedule(mounted) {
  const state = pending.get(mounted) || { running: false, again: false };
  pending.set(mounted, state);
  if (state.running) { state.again = true; return; }
  state.running = true;
  (async () => {
    do {
      state.again = false;
      if (page !== mounted) break;
      await guard(() => mounted.refresh());
    } while (state.again);
    state.running = false;
  })();
}

function deliver(batch) {
  const mounted = page;
  if (!mounted) return;
  if (mounted.onEvents) mounted.onEvents(batch);
  if (mounted.touches && batch.some((event) => mounted.touches(event))) schedule(mounted);
}

/** Follows the event log with long polling: GET /api/v1/events?since=<cursor>&wait=25. */
async function follow() {
  const mine = ++loop;
  let cursor = null;
  while (mine === loop) {
    try {
      if (cursor === null) cursor = (await api("events?tail=1")).cursor;
      poll = new AbortController();
      const batch = await api(`events?since=${encodeURIComponent(cursor)}&wait=25`, { signal: poll.signal });
      if (mine !== loop) return;
      cursor = batch.cursor;
      live.className = "live";
      live.textContent = "live";
      if (batch.events.length > 0) deliver(batch.events);
    } catch (error) {
      if (mine !== loop) return;
      if (error instanceof AuthError) return logout(error.message);
      live.className = "live offline";
      live.textContent = "offline";
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function start() {
  follow();
}

logoutButton.addEventListener("click", () => logout());
// A long poll left waiting when the page goes away would hold one of the browser's six
// connections to the server until the server answers it (up to 25 s): cancel it.
window.addEventListener("pagehide", () => { loop++; if (poll) poll.abort(); });
window.addEventListener("hashchange", () => { if (location.hash !== "#/login" || !token()) route(); });
if (token()) {
  if (location.hash === "#/login" || location.hash === "") history.replaceState(null, "", "#/fleet");
  start();
}
route();
