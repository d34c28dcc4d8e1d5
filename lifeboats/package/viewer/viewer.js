/*
 * Data Lifeboat viewer: the grid of photos (index.html).
 *
 * Reads the indexes the metadata scripts declared, fills the filters (with counts), and shows
 * one page of PAGE_SIZE thumbnails at a time, so ten thousand photos stay quick. The filters,
 * search, sort and page live in the address after "#", so a photo page can offer previous /
 * next within the same list, and the back button returns to it.
 *
 * Performance marks (read by bench/viewer_first_render.py):
 *   "viewer:scripts-loaded" the metadata scripts and this one are loaded and parsed
 *   "viewer:data-ready"    the indexes are read and the catalogue built
 *   "viewer:grid-rendered" the first page of the grid is in the document
 *   "viewer:first-paint"   the frame after that has been painted
 */
"use strict";

(function () {
  const V = LifeboatViewer;
  const h = V.h;
  const data = V.loadedData();
  const form = document.getElementById("filters");
  const grid = document.getElementById("grid");
  let catalogue = [];
  let state = V.readState(location.hash);
  let searchTimer = null;

  function start() {
    performance.mark("viewer:scripts-loaded");
    if (!data.photoIndex) {
      V.setText("result-count", "The photo index (metadata/photoIndex.js) could not be read, " +
        "so the photos cannot be listed here. The files are still in media/originals/.");
      return;
    }
    describeLifeboat();
    catalogue = V.buildCatalogue(data);
    if (catalogue.some(function (record) { return typeof record.entry.description === "string"; })) {
      V.setText("q-label", "Search titles, descriptions and tags");
    }
    fillFilters();
    performance.mark("viewer:data-ready");
    render({ focusResults: false });
    performance.mark("viewer:grid-rendered");
    requestAnimationFrame(function () {
      setTimeout(function () {
        performance.mark("viewer:first-paint");
        document.documentElement.setAttribute("data-viewer-ready", "true");
      }, 0);
    });
    wireControls();
  }

  function describeLifeboat() {
    const boat = data.lifeboat;
    if (!boat) {
      return;
    }
    const name = V.text(boat.name);
    if (name) {
      V.setText("lifeboat-name", name);
      document.title = name + ": photos in this Data Lifeboat";
    }
    V.setText("lifeboat-purpose", V.text(boat.purpose));
    const creator = boat.creator || {};
    const facts = [];
    facts.push(V.plural(boat.photoCount || Object.keys(data.photoIndex).length, "photo", "photos"));
    if (V.text(creator.organisation)) {
      facts.push("made by " + V.text(creator.organisation));
    }
    if (boat.createdAt) {
      facts.push("on " + V.formatDate(boat.createdAt));
    }
    V.setText("lifeboat-facts", facts.join(" · "));
  }

  // --- filters --------------------------------------------------------------------------------

  function countBy(key) {
    const counts = {};
    catalogue.forEach(function (record) {
      const values = Array.isArray(record[key]) ? record[key] : [record[key]];
      values.forEach(function (value) {
        if (value) {
          counts[value] = (counts[value] || 0) + 1;
        }
      });
    });
    return counts;
  }

  /* Options sorted by `order`, each labelled "name (count)". */
  function fillSelect(id, counts, label, order) {
    const select = document.getElementById(id);
    const values = Object.keys(counts);
    values.sort(order || function (a, b) {
      return counts[b] - counts[a] || label(a).localeCompare(label(b));
    });
    const fragment = document.createDocumentFragment();
    values.forEach(function (value) {
      fragment.appendChild(h("option", { value: value },
        label(value) + " (" + V.formatNumber(counts[value]) + ")"));
    });
    select.appendChild(fragment);
    // A value from the address that no photo has is still shown, so the state stays visible.
    if (state[id] && !Object.prototype.hasOwnProperty.call(counts, state[id])) {
      select.appendChild(h("option", { value: state[id] }, label(state[id]) + " (0)"));
    }
  }

  function fillFilters() {
    fillSelect("tag", countBy("tags"), function (tag) { return tag; });
    fillSelect("license", countBy("license"), function (id) { return V.licenseLabel(data, id); });
    fillSelect("contributor", countBy("contributor"),
      function (nsid) { return V.contributorName(data, nsid); });
    fillSelect("set", countBy("sets"), function (key) { return V.setLabel(data, key); },
      function (a, b) { return V.setLabel(data, a).localeCompare(V.setLabel(data, b)); });
    fillSelect("year", countBy("year"), function (year) { return year; },
      function (a, b) { return Number(a) - Number(b); });
    const sort = document.getElementById("sort");
    Object.keys(V.SORTS).forEach(function (key) {
      sort.appendChild(h("option", { value: key }, V.SORTS[key]));
    });
    showStateInForm();
  }

  function showStateInForm() {
    ["q", "tag", "license", "contributor", "set", "year", "sort"].forEach(function (key) {
      form.elements[key].value = state[key];
    });
  }

  function stateFromForm() {
    const next = { page: 1 };
    ["q", "tag", "license", "contributor", "set", "year", "sort"].forEach(function (key) {
      next[key] = form.elements[key].value;
    });
    return next;
  }

  // --- the grid -------------------------------------------------------------------------------

  function render(options) {
    const selected = V.selectPhotos(catalogue, state);
    const pages = Math.max(1, Math.ceil(selected.length / V.PAGE_SIZE));
    state.page = Math.min(state.page, pages);
    const first = (state.page - 1) * V.PAGE_SIZE;
    const shown = selected.slice(first, first + V.PAGE_SIZE);
    const link = V.stateHash(state);

    const fragment = document.createDocumentFragment();
    shown.forEach(function (record) {
      fragment.appendChild(cell(record, link));
    });
    grid.replaceChildren(fragment);

    describeCount(selected.length, first, shown.length);
    document.getElementById("empty").hidden = selected.length > 0;
    const pager = document.getElementById("pager");
    pager.hidden = pages <= 1;
    document.getElementById("page-previous").disabled = state.page <= 1;
    document.getElementById("page-next").disabled = state.page >= pages;
    V.setText("page-status", "Page " + state.page + " of " + V.formatNumber(pages));
    if (options.focusResults) {
      document.getElementById("results").focus();
    }
  }

  function describeCount(matching, first, shown) {
    const total = catalogue.length;
    let message;
    if (matching === 0) {
      message = "No photos match, out of " + V.plural(total, "photo", "photos") + ".";
    } else if (matching === total && shown === total) {
      message = "Showing all " + V.plural(total, "photo", "photos") + ".";
    } else {
      const range = shown === matching ? "all " : (first + 1) + "–" + (first + shown) + " of ";
      message = "Showing " + range + V.plural(matching, "photo", "photos") +
        (matching === total ? "." : " that match, out of " + V.formatNumber(total) + ".");
    }
    V.setText("result-count", message);
    document.getElementById("result-count").setAttribute("data-matching", String(matching));
  }

  function cell(record, link) {
    const entry = record.entry;
    const thumbnail = entry.thumbnail || {};
    const source = V.mediaUrl(thumbnail.path);
    const title = record.title || "Untitled";
    const picture = source
      ? h("img", {
          src: source,
          alt: record.title ? record.title : "Untitled photo " + record.id,
          width: Number(thumbnail.width) || null,
          height: Number(thumbnail.height) || null,
          loading: "lazy",
          decoding: "async",
        })
      : h("span", { class: "no-thumbnail", role: "img", "aria-label": "No thumbnail" }, "No thumbnail");
    const meta = [V.formatDateTaken(entry.dateTaken), V.contributorName(data, record.contributor)];
    return h("li", { class: "cell", "data-photo-id": record.id },
      h("a", { href: "photo.html?id=" + record.id + link },
        h("span", { class: "frame" }, picture,
          entry.visibility && entry.visibility !== "public"
            ? h("span", { class: "tag-badge" }, V.text(entry.visibility)) : null),
        h("span", { class: "cell-title" }, title),
        h("span", { class: "cell-meta" }, meta.join(" · ")),
        h("span", { class: "cell-counts" },
          V.plural(entry.countViews || 0, "view", "views") + " · " +
          V.plural(entry.countComments || 0, "comment", "comments") + " · " +
          V.plural(entry.countFaves || 0, "fave", "faves"))));
  }

  // --- controls -------------------------------------------------------------------------------

  function go(next, options) {
    state = Object.assign({}, state, next);
    const hash = V.stateHash(state);
    if (hash !== location.hash && !(hash === "" && location.hash === "")) {
      history.replaceState(null, "", hash || location.pathname + location.search);
    }
    render(options || { focusResults: false });
  }

  function wireControls() {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      go(stateFromForm(), { focusResults: true });
    });
    form.addEventListener("change", function (event) {
      if (event.target.name !== "q") {
        go(stateFromForm());
      }
    });
    form.elements.q.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { go(stateFromForm()); }, 200);
    });
    form.addEventListener("reset", function (event) {
      event.preventDefault();
      clearAll();
    });
    document.getElementById("empty-clear").addEventListener("click", clearAll);
    document.getElementById("page-previous").addEventListener("click", function () {
      go({ page: state.page - 1 }, { focusResults: true });
    });
    document.getElementById("page-next").addEventListener("click", function () {
      go({ page: state.page + 1 }, { focusResults: true });
    });
    window.addEventListener("hashchange", function () {
      state = V.readState(location.hash);
      showStateInForm();
      render({ focusResults: false });
    });
  }

  function clearAll() {
    state = V.readState("");
    showStateInForm();
    go({}, { focusResults: false });
    form.elements.q.focus();
  }

  start();
})();
