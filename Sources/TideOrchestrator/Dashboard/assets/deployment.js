// One deployment: status, generation, steps and graph, a form to run it (inputs by parameter
// name, as `tide run` takes them) with the result and each step's value and time, and its events.

import { api, AuthError, path } from "./api.js";
import { badge, fill, h, link, since, value } from "./dom.js";
import { devicesByID, graph, stepTable } from "./deployments.js";
import { eventTable } from "./device.js";

/** The parameters of the first steps (those no step feeds), from their packages' functions. */
async function parameters(deployment) {
  const steps = (deployment.manifest && deployment.manifest.steps) || [];
  const fed = new Set();
  steps.forEach((step, index) => {
    if ((!step.inputs || step.inputs.length === 0) && index > 0) fed.add(step.name);
    if (step.inputs && step.inputs.length) fed.add(step.name);
  });
  const first = steps.filter((step) => !fed.has(step.name));
  const found = [];
  const seen = new Set();
  for (const step of first) {
    const pinned = (deployment.packages || []).find((p) => p.name === step.package);
    if (!pinned) continue;
    const info = await api(path("packages", pinned.name, pinned.version));
    const fn = (info.functions || []).find((f) => f.name === step.function);
    for (const parameter of (fn && fn.parameters) || []) {
      if (seen.has(parameter.name)) continue;
      seen.add(parameter.name);
      found.push({ ...parameter, step: step.name });
    }
  }
  return found;
}

function resultView(result, devices) {
  const rows = (result.steps || []).map((step) => h("tr", { "data-step": step.step, "data-success": String(step.success) },
    h("td", {}, step.step),
    h("td", {}, step.device ? h("a", { href: link("devices", step.device), title: step.device }, devices[step.device] ? devices[step.device].name : step.device) : "–"),
    h("td", {}, step.success ? [h("code", {}, value(step.value)), step.label ? ` (${step.label})` : ""] : h("span", { class: "error-text" }, step.error || "failed")),
    h("td", { class: "num" }, step.durationMs !== undefined ? `${step.durationMs.toFixed(1)} ms` : "–")));
  return h("div", { class: "result " + (result.success ? "ok" : "failed"), id: "run-result", "data-success": String(result.success) },
    h("p", { class: "outcome" },
      result.success ? "Result " : "Failed ",
      result.success ? h("code", { id: "run-value" }, value(result.result)) : h("span", { class: "error-text", id: "run-error" }, result.error || ""),
      result.resultStep ? ` from step ${result.resultStep}` : "",
      ` in ${result.durationMs.toFixed(1)} ms (generation ${result.generation})`),
    h("div", { class: "scroll" }, h("table", { class: "rows" },
      h("thead", {}, h("tr", {}, h("th", {}, "Step"), h("th", {}, "Device"), h("th", {}, "Value"), h("th", { class: "num" }, "Time"))),
      h("tbody", {}, rows))),
    (result.retries || []).length ? h("ul", { class: "retries" }, result.retries.map((retry) =>
      h("li", {}, `${retry.step} on ${retry.device || "?"} failed (${retry.error})`, retry.movedTo ? `, moved to ${retry.movedTo}` : "", `, waited ${retry.waitedMs.toFixed(0)} ms`))) : null);
}

export function mount(main, [name], { guard }) {
  const top = h("div");
  const steps = h("div");
  const form = h("form", { id: "run-form", class: "card run" }, h("p", { class: "muted" }, "Loading the inputs…"));
  const output = h("div", { id: "run-output" });
  const log = h("div");
  fill(main, top, steps, h("h2", {}, "Run"), form, output, h("h2", {}, "Events"), log);
  let formFor = null;  // the generation the form was built for
  let formInputs = null; // the inputs it asks for: a new generation with the same keeps what was typed
  let names = {};        // device id -> device, for names

  async function buildForm(deployment) {
    const inputs = await parameters(deployment);
    const key = JSON.stringify(inputs.map((parameter) => [parameter.name, parameter.type, parameter.step]));
    if (key === formInputs) return;
    formInputs = key;
    const typed = Object.fromEntries([...form.querySelectorAll('input[type="text"]')].map((input) => [input.name, input.value]));
    const fields = inputs.map((parameter) => {
      const bytesParameter = parameter.type === "bytes";
      return h("label", { class: "field" },
        h("span", {}, parameter.name, " ", h("span", { class: "muted" }, `${parameter.type}, step ${parameter.step}`)),
        bytesParameter
          ? h("input", { type: "file", name: parameter.name, required: true })
          : h("input", { type: "text", name: parameter.name, inputmode: "decimal", required: true, placeholder: "a number, e.g. 10", autocomplete: "off", value: typed[parameter.name] || "" }));
    });
    const button = h("button", { type: "submit", id: "run-button" }, "Run");
    fill(form, inputs.length ? fields : h("p", { class: "muted" }, "The first steps take no inputs."), button);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    guard(async () => {
      const data = new FormData(form);
      const button = form.querySelector("button");
      if (button) button.disabled = true;
      fill(output, h("p", { class: "muted" }, "Running…"));
      try {
        const hasInputs = [...data.keys()].length > 0;
        const result = await api(path("deployments", name, "run"), { method: "POST", body: hasInputs ? data : undefined });
        fill(output, resultView(result, names));
      } catch (error) {
        fill(output, h("p", { class: "error", id: "run-error" }, error.message));
        if (error instanceof AuthError) throw error;
      } finally {
        if (button) button.disabled = false;
      }
    });
  });

  return {
    async refresh() {
      const [deployment, devices, events] = await Promise.all([
        api(path("deployments", name)), devicesByID(), api("events?tail=500"),
      ]);
      fill(top,
        h("p", { class: "crumbs" }, h("a", { href: "#/deployments" }, "Deployments"), " / ", deployment.name),
        h("div", { class: "heading" }, h("h1", {}, deployment.name), badge(deployment.status), h("span", { class: "muted", id: "generation" }, `generation ${deployment.generation}`),
          h("span", { class: "muted" }, "since ", since(deployment.statusSince || deployment.updatedAt))),
        deployment.reason ? h("p", { class: "error-text" }, deployment.reason) : null,
        h("p", { class: "muted" }, (deployment.packages || []).map((p) => `${p.name}@${p.version}`).join(", ")));
      fill(steps, h("div", { class: "split" }, stepTable(deployment, devices), h("div", { class: "graph-box" }, graph(deployment, devices))));
      const mine = events.events.filter((event) => event.details && event.details.deployment === name).reverse();
      names = devices;
      fill(log, eventTable(mine, "deployment-events", devices));
      if (formFor !== deployment.generation) {
        formFor = deployment.generation;
        await buildForm(deployment);
      }
    },
    touches: (event) => (event.details && event.details.deployment === name) || event.kind === "device.status",
  };
}
