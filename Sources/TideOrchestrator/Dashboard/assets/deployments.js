// Deployments: each with its status and generation, its steps with their device and state, and
// a graph of the steps (left to right, as data flows) above the devices they run on.

import { api, path } from "./api.js";
import { badge, fill, h, link, since, svg } from "./dom.js";

/** Every deployment in full (steps, states, manifest): the list, then each one at once. */
export async function loadAll() {
  const summaries = await api("deployments");
  return Promise.all(summaries.map((summary) => api(path("deployments", summary.name))));
}

/** Which steps feed a step: its declared inputs, else (a pipeline) the step before it. */
function feeds(deployment) {
  const steps = (deployment.manifest && deployment.manifest.steps) || [];
  const edges = [];
  steps.forEach((step, index) => {
    const inputs = step.inputs && step.inputs.length ? step.inputs : (index > 0 ? [steps[index - 1].name] : []);
    for (const input of inputs) edges.push([input, step.name]);
  });
  return edges;
}

/** The steps as boxes in a row (by depth in the pipeline), the devices in a row below, lines
 *  between: a step to the steps it feeds, a step to its device. Inline SVG, scales to the width. */
export function graph(deployment, devicesByID = {}) {
  const steps = deployment.steps || [];
  const edges = feeds(deployment);
  const depth = {};
  for (const step of steps) depth[step.step] = 0;
  for (let round = 0; round < steps.length; round++) {
    for (const [from, to] of edges) if (from in depth && to in depth) depth[to] = Math.max(depth[to], depth[from] + 1);
  }
  const columns = {};
  const place = {};
  for (const step of steps) {
    const column = depth[step.step];
    const row = columns[column] = (columns[column] || 0) + 1;
    place[step.step] = { column, row: row - 1 };
  }
  const rows = Math.max(1, ...Object.values(columns));
  const devices = [...new Set(steps.map((step) => step.device).filter(Boolean))];
  const width = 150, boxW = 128, boxH = 36, gapY = 48;
  const stepCols = Math.max(1, ...steps.map((s) => place[s.step].column + 1));
  const totalW = Math.max(stepCols, devices.length) * width + 10;
  const deviceY = rows * gapY + 50;
  const at = {};
  for (const step of steps) at[step.step] = { x: 10 + place[step.step].column * width, y: 10 + place[step.step].row * gapY };
  const deviceAt = {};
  devices.forEach((id, index) => { deviceAt[id] = { x: 10 + index * width, y: deviceY }; });

  const picture = svg("svg", {
    class: "graph", viewBox: `0 0 ${totalW} ${deviceY + boxH + 10}`, width: totalW, height: deviceY + boxH + 10, role: "img",
    "aria-label": `steps of ${deployment.name} and the devices they run on`, "data-deployment": deployment.name,
  },
  svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "6", markerHeight: "6", orient: "auto-start-reverse" },
    svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }))),
  edges.filter(([from, to]) => at[from] && at[to]).map(([from, to]) => svg("line", {
    class: "flow", x1: at[from].x + boxW, y1: at[from].y + boxH / 2, x2: at[to].x, y2: at[to].y + boxH / 2, "marker-end": "url(#arrow)",
  })),
  steps.filter((step) => step.device && deviceAt[step.device]).map((step) => svg("line", {
    class: "placed", x1: at[step.step].x + boxW / 2, y1: at[step.step].y + boxH,
    x2: deviceAt[step.device].x + boxW / 2, y2: deviceAt[step.device].y,
  })),
  steps.map((step) => svg("g", { class: "node step " + step.state, "data-step": step.step, "data-state": step.state },
    svg("title", {}, `${step.step}: ${step.state}${step.device ? " on " + step.device : ""}${step.error ? " (" + step.error + ")" : ""}`),
    svg("rect", { x: at[step.step].x, y: at[step.step].y, width: boxW, height: boxH, rx: 6 }),
    svg("text", { x: at[step.step].x + boxW / 2, y: at[step.step].y + 15 }, clip(step.step)),
    svg("text", { x: at[step.step].x + boxW / 2, y: at[step.step].y + 29, class: "small" }, step.state))),
  devices.map((id) => {
    const status = devicesByID[id] ? devicesByID[id].status : "";
    const name = devicesByID[id] ? devicesByID[id].name : id;
    return svg("a", { href: link("devices", id) }, svg("g", { class: "node device " + status, "data-device": id },
      svg("title", {}, `${name} (${id})${status ? ": " + status : ""}`),
      svg("rect", { x: deviceAt[id].x, y: deviceAt[id].y, width: boxW, height: boxH, rx: 18 }),
      svg("text", { x: deviceAt[id].x + boxW / 2, y: deviceAt[id].y + 15 }, clip(name)),
      svg("text", { x: deviceAt[id].x + boxW / 2, y: deviceAt[id].y + 29, class: "small" }, status || "device")));
  }));
  return picture;
}

function clip(text) { return text.length > 18 ? text.slice(0, 17) + "…" : text; }

/** A deployment's steps as a table: step, device, state. */
export function stepTable(deployment, devicesByID = {}) {
  return h("div", { class: "scroll" }, h("table", { class: "rows steps", "data-deployment": deployment.name },
    h("thead", {}, h("tr", {}, h("th", {}, "Step"), h("th", {}, "Device"), h("th", {}, "State"))),
    h("tbody", {}, (deployment.steps || []).map((step) => h("tr", { "data-step": step.step, "data-device": step.device || "", "data-state": step.state },
      h("td", {}, step.step),
      h("td", {}, step.device ? h("a", { href: link("devices", step.device) }, devicesByID[step.device] ? devicesByID[step.device].name : step.device) : h("span", { class: "muted" }, "unplaced")),
      h("td", {}, badge(step.state), step.error ? h("div", { class: "sub error-text" }, step.error) : null))))));
}

export async function devicesByID() {
  const answer = await api("devices");
  return Object.fromEntries(answer.devices.map((device) => [device.id, device]));
}

export function mount(main) {
  const list = h("div", { id: "deployments" });
  fill(main, h("div", { class: "heading" }, h("h1", {}, "Deployments")), list);
  return {
    async refresh() {
      const [deployments, devices] = await Promise.all([loadAll(), devicesByID()]);
      if (deployments.length === 0) {
        fill(list, h("p", { class: "muted" }, "No deployments yet: apply a manifest, e.g. tide deploy apply manifests/fibo.yaml."));
        return;
      }
      fill(list, deployments.map((deployment) => h("section", { class: "card deployment", "data-deployment": deployment.name },
        h("div", { class: "heading" },
          h("h2", {}, h("a", { href: link("deployment", deployment.name) }, deployment.name)),
          badge(deployment.status),
          h("span", { class: "muted" }, `generation ${deployment.generation}`),
          h("span", { class: "muted" }, "updated ", since(deployment.updatedAt))),
        deployment.reason ? h("p", { class: "error-text" }, deployment.reason) : null,
        h("div", { class: "split" }, stepTable(deployment, devices), h("div", { class: "graph-box" }, graph(deployment, devices))))));
    },
    touches: (event) => event.kind.startsWith("deployment.") || event.kind === "device.status",
  };
}
