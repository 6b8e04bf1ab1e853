// Packages: every package with its versions (yanked ones struck through), and a page per
// package: each version's functions, dependencies, host capabilities and files.

import { api, path } from "./api.js";
import { bytes, fill, h, link, since } from "./dom.js";

function versionChip(version, yanked) {
  return h("span", { class: "chip" + (yanked ? " yanked" : ""), title: yanked ? "yanked" : "" }, version);
}

function listView(main) {
  const body = h("div");
  fill(main, h("div", { class: "heading" }, h("h1", {}, "Packages")), body);
  return {
    async refresh() {
      const answer = await api("packages");
      fill(body, h("div", { class: "scroll" }, h("table", { class: "rows", id: "packages" },
        h("thead", {}, h("tr", {}, h("th", {}, "Package"), h("th", {}, "Latest"), h("th", {}, "Versions"), h("th", { class: "wide" }, "Description"))),
        h("tbody", {}, answer.packages.map((p) => {
          const yanked = new Set(p.yanked || []);
          return h("tr", { "data-package": p.name },
            h("td", {}, h("a", { href: link("packages", p.name) }, p.name)),
            h("td", {}, p.latest || "–"),
            h("td", {}, h("div", { class: "chips" }, p.versions.map((v) => versionChip(v, yanked.has(v))))),
            h("td", { class: "wide" }, p.description));
        })))));
    },
    touches: (event) => event.kind.startsWith("package."),
  };
}

function signature(fn) {
  const parameters = (fn.parameters || []).map((p) => `${p.name}: ${p.type}`).join(", ");
  return `${fn.name}(${parameters}) -> ${fn.result}`;
}

function detailView(main, name) {
  const body = h("div");
  fill(main, h("p", { class: "crumbs" }, h("a", { href: "#/packages" }, "Packages"), " / ", name), h("div", { class: "heading" }, h("h1", {}, name)), body);
  return {
    async refresh() {
      const detail = await api(path("packages", name));
      const versions = detail.versions.slice().reverse();
      fill(body, versions.map((v) => h("section", { class: "card version", "data-version": v.version },
        h("div", { class: "heading" }, h("h2", {}, v.version), v.yanked ? h("span", { class: "badge dead" }, "yanked") : null,
          h("span", { class: "muted" }, "published ", since(v.publishedAt)),
          v.signing ? h("span", { class: "badge active" }, "signed") : null),
        h("p", {}, v.description),
        h("h3", {}, "Functions"),
        h("ul", { class: "plain" }, (v.functions || []).map((fn) => h("li", {}, h("code", {}, signature(fn)), " ", h("span", { class: "muted" }, fn.method.toUpperCase()),
          fn.description ? h("div", { class: "sub" }, fn.description) : null))),
        h("h3", {}, "Dependencies"),
        Object.keys(v.dependencies || {}).length
          ? h("ul", { class: "plain" }, Object.entries(v.dependencies).map(([dep, range]) => h("li", {}, h("a", { href: link("packages", dep) }, dep), " ", h("code", {}, range))))
          : h("p", { class: "muted" }, "none"),
        h("h3", {}, "Needs from the device"),
        (v.hostCapabilities || []).length ? h("div", { class: "chips" }, v.hostCapabilities.map((c) => h("code", { class: "chip" }, c))) : h("p", { class: "muted" }, "nothing beyond Wasm"),
        h("h3", {}, "Files"),
        h("ul", { class: "plain" }, [v.module, ...(v.files || [])].filter(Boolean).map((f) => h("li", {}, h("code", {}, f.file || f.path), ` ${bytes(f.size)} `, h("span", { class: "muted" }, f.role || "")))))));
    },
    touches: (event) => event.kind.startsWith("package."),
  };
}

export function mount(main, [name]) {
  return name ? detailView(main, name) : listView(main);
}
