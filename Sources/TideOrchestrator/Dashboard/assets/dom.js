// Building the DOM from API data. Every string from the server becomes a text node
// (never HTML): h() and svg() take text children and attribute values only.

const SVG_NS = "http://www.w3.org/2000/svg";

function build(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else if (child instanceof Node) element.appendChild(child);
    else element.appendChild(document.createTextNode(String(child)));
  }
}

/** An HTML element: h("td", {class: "x"}, "text", otherNode). */
export function h(tag, attributes, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** An SVG element, as h(). */
export function svg(tag, attributes, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attributes, children);
}

/** Replaces everything inside element with children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** "#/devices/<id>" with the id encoded. */
export function link(...parts) {
  return "#/" + parts.map(encodeURIComponent).join("/");
}

export function bytes(count) {
  if (count === undefined || count === null) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = count, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return (unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)) + " " + units[unit];
}

export function percent(fraction) {
  if (fraction === undefined || fraction === null) return "–";
  return Math.round(fraction * 100) + " %";
}

export function hertz(hz) {
  if (!hz) return "";
  return hz >= 1e9 ? (hz / 1e9).toFixed(1) + " GHz" : Math.round(hz / 1e6) + " MHz";
}

/** "12 s ago" / "3 min ago", with the exact time as a tooltip. */
export function since(iso) {
  if (!iso) return h("span", {}, "–");
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  let text;
  if (seconds < 60) text = Math.floor(seconds) + " s ago";
  else if (seconds < 3600) text = Math.floor(seconds / 60) + " min ago";
  else if (seconds < 86400) text = Math.floor(seconds / 3600) + " h ago";
  else text = Math.floor(seconds / 86400) + " d ago";
  return h("time", { datetime: iso, title: iso }, text);
}

/** A time of day for the event log: 23:52:13.389 (the full time as a tooltip). */
export function clock(iso) {
  const date = new Date(iso);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  const text = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  return h("time", { datetime: iso, title: iso }, text);
}

/** A coloured status word: alive, suspect, dead, active, degraded, running... */
export function badge(status) {
  return h("span", { class: "badge " + String(status || "unknown").replace(/[^a-z-]/g, ""), "data-status": status }, status || "unknown");
}

export function labels(map) {
  const entries = Object.entries(map || {});
  if (entries.length === 0) return h("span", { class: "muted" }, "–");
  return entries.map(([key, value]) => h("span", { class: "label" }, `${key}=${value}`));
}

/** A JSON value as one line of text. */
export function value(json) {
  if (json === undefined) return "";
  if (typeof json === "string") return json;
  if (typeof json === "bigint") return json.toString();
  return JSON.stringify(json, (key, item) => (typeof item === "bigint" ? JSON.rawJSON(item.toString()) : item));
}
