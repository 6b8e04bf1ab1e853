// One device: what it is and can do (capabilities, host interfaces, labels), its health, the
// steps that run on it and its recent events.

import { api, path } from "./api.js";
import { badge, bytes, clock, fill, h, hertz, labels, link, percent, since } from "./dom.js";
import { loadAll } from "./deployments.js";

function facts(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(Boolean).map(([term, detail]) => [h("dt", {}, term), h("dd", {}, detail)]));
}

export function mount(main, [id]) {
  const top = h("div");
  const runs = h("div");
  const log = h("div");
  fill(main, top, h("h2", {}, "Runs here"), runs, h("h2", {}, "Recent events"), log);

  return {
    every: 5000,
    async refresh() {
      const [device, deployments, events] = await Promise.all([
        api(path("devices", id)),
        loadAll(),
        api(`events?tail=30&device=${encodeURIComponent(id)}`),
      ]);
      const capabilities = device.capabilities || {};
      const health = device.health || {};
      const endpoint = device.addresses && device.addresses.length ? `${device.addresses.join(", ")} port ${device.port}` : "–";
      fill(top,
        h("p", { class: "crumbs" }, h("a", { href: "#/fleet" }, "Fleet"), " / ", device.id),
        h("div", { class: "heading" }, h("h1", {}, device.name), badge(device.status)),
        h("div", { class: "grid" },
          h("section", { class: "card" }, h("h2", {}, "Status"), facts([
            ["status", [device.status, " ", since(device.statusSince)]],
            ["reason", device.statusReason || "–"],
            ["memory used", percent(health.memoryUsage)],
            ["CPU used", percent(health.cpuUsage)],
            ["last seen", since(device.lastSeen)],
            ["damped until", device.dampedUntil || "–"],
            ["cordoned", device.cordonedAt ? ["since ", device.cordonedAt, " (no new work)"] : "–"],
            ["first seen", since(device.firstSeen)],
          ])),
          h("section", { class: "card" }, h("h2", {}, "Device"), facts([
            ["id", device.id],
            ["address", endpoint],
            ["transport", device.transport || "–"],
            ["trust", device.trust || "–"],
            ["supervisor", device.supervisor || "–"],
            ["labels", labels(device.labels)],
          ])),
          h("section", { class: "card" }, h("h2", {}, "Capabilities"), facts([
            ["memory", bytes(capabilities.memoryBytes)],
            ["CPU", [capabilities.cpuName || "–", " ", hertz(capabilities.cpuClockHz)]],
            ["architecture", capabilities.arch || "–"],
            ["device labels", labels(capabilities.labels)],
          ]))),
        h("section", { class: "card" }, h("h2", {}, `Host interfaces (${(capabilities.interfaces || []).length})`),
          h("div", { class: "chips", id: "interfaces" }, (capabilities.interfaces || []).map((name) => h("code", { class: "chip" }, name)))));

      const here = [];
      for (const deployment of deployments) {
        for (const step of deployment.steps || []) if (step.device === id) here.push([deployment, step]);
      }
      fill(runs, here.length === 0 ? h("p", { class: "muted" }, "No step runs on this device.") :
        h("div", { class: "scroll" }, h("table", { class: "rows", id: "device-steps" },
          h("thead", {}, h("tr", {}, h("th", {}, "Deployment"), h("th", {}, "Step"), h("th", {}, "State"))),
          h("tbody", {}, here.map(([deployment, step]) => h("tr", { "data-step": step.step },
            h("td", {}, h("a", { href: link("deployment", deployment.name) }, deployment.name)),
            h("td", {}, step.step),
            h("td", {}, badge(step.state))))))));
      fill(log, eventTable(events.events.slice().reverse(), "device-events", { [device.id]: device }));
    },
    touches: (event) => event.device === id || event.kind.startsWith("deployment."),
  };
}

/** Events, newest first, as a table; devices (id -> device) gives their names. */
export function eventTable(events, id, devices = {}) {
  if (events.length === 0) return h("p", { class: "muted" }, "No events yet.");
  return h("div", { class: "scroll" }, h("table", { class: "rows events", id },
    h("thead", {}, h("tr", {}, h("th", {}, "Time"), h("th", {}, "Kind"), h("th", { class: "wide" }, "Device"), h("th", {}, "Message"))),
    h("tbody", {}, events.map((event) => eventRow(event, devices)))));
}

export function eventRow(event, devices = {}) {
  return h("tr", { "data-event": event.id, "data-kind": event.kind },
    h("td", { class: "nowrap" }, clock(event.time)),
    // A break opportunity after each dot, so that a narrow column breaks "deployment.status" there.
    h("td", {}, h("span", { class: "kind " + event.kind.split(".")[0] }, event.kind.split(".").map((part, index) => index ? [".", h("wbr"), part] : part))),
    h("td", { class: "wide" }, event.device ? h("a", { href: link("devices", event.device), title: event.device }, devices[event.device] ? devices[event.device].name : event.device) : "–"),
    h("td", { class: "message" }, event.message));
}
