// The fleet: every device with its status, since when, memory and CPU, labels, damping and cordon.
// One request for the whole list and one DOM build per refresh (a fleet of thousands renders
// in one go); a filter box narrows the rows without asking the server again.

import { api } from "./api.js";
import { badge, bytes, fill, h, labels, link, percent, since } from "./dom.js";

export function mount(main) {
  const counts = h("div", { class: "counts", id: "fleet-counts" });
  const filter = h("input", { type: "search", id: "fleet-filter", placeholder: "filter by name, status or label", "aria-label": "filter devices" });
  const body = h("tbody");
  const table = h("table", { id: "fleet", class: "rows" },
    h("thead", {}, h("tr", {},
      h("th", {}, "Device"), h("th", {}, "Status"), h("th", { class: "wide" }, "Since"),
      h("th", {}, "Memory"), h("th", {}, "CPU"), h("th", { class: "wide" }, "Labels"), h("th", { class: "wide" }, "No new work"))),
    body);
  fill(main,
    h("div", { class: "heading" }, h("h1", {}, "Fleet"), counts),
    filter,
    h("div", { class: "scroll" }, table));

  let devices = [];
  let first = true;

  function matches(device, words) {
    if (words.length === 0) return true;
    const text = [device.name, device.id, device.status, ...Object.entries(device.labels || {}).map(([k, v]) => `${k}=${v}`)]
      .join(" ").toLowerCase();
    return words.every((word) => text.includes(word));
  }

  function draw() {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    const rows = document.createDocumentFragment();
    const now = Date.now();
    let shown = 0;
    for (const device of devices) {
      if (!matches(device, words)) continue;
      shown++;
      const health = device.health || {};
      const memory = device.capabilities ? device.capabilities.memoryBytes : undefined;
      const damped = device.dampedUntil && Date.parse(device.dampedUntil) > now;
      rows.appendChild(h("tr", { "data-device": device.id, "data-status": device.status },
        h("td", {}, h("a", { href: link("devices", device.id) }, device.name), h("div", { class: "sub" }, device.id)),
        h("td", {}, badge(device.status)),
        h("td", { class: "wide" }, since(device.statusSince)),
        h("td", {}, percent(health.memoryUsage), h("div", { class: "sub" }, bytes(memory))),
        h("td", {}, percent(health.cpuUsage)),
        h("td", { class: "wide" }, labels(device.labels)),
        h("td", { class: "wide" }, notes(device, damped))));
    }
    body.replaceChildren(rows);
    table.setAttribute("data-count", String(shown));
    const by = { alive: 0, suspect: 0, dead: 0 };
    for (const device of devices) by[device.status] = (by[device.status] || 0) + 1;
    fill(counts,
      h("span", {}, `${devices.length} devices`),
      ...Object.entries(by).map(([status, n]) => h("span", { class: "count " + status, "data-count-status": status }, `${n} ${status}`)));
  }

  filter.addEventListener("input", draw);

  return {
    every: 5000, // CPU and memory change without events
    async refresh() {
      const answer = await api("devices");
      devices = answer.devices;
      draw();
      if (first) {
        first = false;
        performance.mark("tide:fleet-rendered");
      }
    },
    touches: (event) => event.kind.startsWith("device."),
  };
}

// What keeps new work off a device: damping (it flaps) and an operator's cordon.
function notes(device, damped) {
  const marks = [];
  if (damped) marks.push(h("span", { class: "badge suspect", title: device.dampedUntil }, "damped"));
  if (device.cordonedAt) marks.push(h("span", { class: "badge suspect", title: "cordoned " + device.cordonedAt }, "cordoned"));
  return marks.length ? marks : [h("span", { class: "muted" }, "–")];
}
