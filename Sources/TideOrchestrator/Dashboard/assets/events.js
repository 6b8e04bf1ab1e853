// The event log: the newest events first; new ones arrive through the live loop and are
// added on top without asking again.

import { api } from "./api.js";
import { devicesByID } from "./deployments.js";
import { fill, h } from "./dom.js";
import { eventRow } from "./device.js";

const KEEP = 500;

export function mount(main) {
  const filter = h("input", { type: "search", id: "events-filter", placeholder: "filter by kind, device or text", "aria-label": "filter events" });
  const body = h("tbody");
  const table = h("table", { class: "rows events", id: "events" },
    h("thead", {}, h("tr", {}, h("th", {}, "Time"), h("th", {}, "Kind"), h("th", { class: "wide" }, "Device"), h("th", {}, "Message"))),
    body);
  fill(main, h("div", { class: "heading" }, h("h1", {}, "Events")), filter, h("div", { class: "scroll" }, table));

  function visible(row) {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    const text = row.textContent.toLowerCase();
    row.hidden = !words.every((word) => text.includes(word));
  }
  filter.addEventListener("input", () => { for (const row of body.rows) visible(row); });

  let devices = {};
  return {
    async refresh() {
      const [page, known] = await Promise.all([api(`events?tail=${KEEP}`), devicesByID()]);
      devices = known;
      const rows = document.createDocumentFragment();
      for (const event of page.events.slice().reverse()) rows.appendChild(eventRow(event, devices));
      body.replaceChildren(rows);
      for (const row of body.rows) visible(row);
    },
    onEvents(events) {
      for (const event of events) {
        if (body.querySelector(`tr[data-event="${Number(event.id)}"]`)) continue;
        const row = eventRow(event, devices);
        visible(row);
        body.prepend(row);
      }
      while (body.rows.length > KEEP) body.deleteRow(-1);
    },
  };
}
