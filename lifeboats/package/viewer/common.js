/*
 * Data Lifeboat viewer: what index.html and photo.html share.
 *
 * Plain classic script (no modules, no build step), so the viewer opens from file:// in any
 * browser, with no network. The metadata files in ../metadata/ are classic scripts too; each
 * declares one global constant (`const photoIndex = {...};`), read here by name.
 *
 * Safety rule for everything in this folder: text that came from Flickr or from the people who
 * made the lifeboat (titles, descriptions, comments, tags, names) is only ever put into the page
 * as text (textContent, createTextNode, attribute values), never parsed as this page's HTML.
 * Links are built from numeric ids and fixed addresses, or from addresses checked to be
 * http(s); nothing from the data becomes a script, a style or an event handler.
 */
"use strict";

var LifeboatViewer = (function () {
  const PAGE_SIZE = 100;
  const PHOTO_ID = /^[0-9]{1,20}$/;
  const NSID = /^[0-9]{1,20}@N[0-9]{2}$/;
  const MEDIA_PATH = /^media\/(originals|thumbnails)\/[0-9]{1,20}\.[A-Za-z0-9]{1,8}$/;
  const MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
  ];

  // --- the metadata files ---------------------------------------------------------------------

  /* The global constants the metadata scripts declared (empty when a file is missing). */
  function loadedData() {
    /* global lifeboat, photoIndex, contributorIndex, licenseIndex, tagIndex, albumIndex,
       galleryIndex, groupIndex */
    return {
      lifeboat: typeof lifeboat === "undefined" ? null : lifeboat,
      photoIndex: typeof photoIndex === "undefined" ? null : photoIndex,
      contributors: typeof contributorIndex === "undefined" ? {} : contributorIndex,
      licenses: typeof licenseIndex === "undefined" ? {} : licenseIndex,
      tags: typeof tagIndex === "undefined" ? {} : tagIndex,
      albums: typeof albumIndex === "undefined" ? {} : albumIndex,
      galleries: typeof galleryIndex === "undefined" ? {} : galleryIndex,
      groups: typeof groupIndex === "undefined" ? {} : groupIndex,
    };
  }

  function own(object, key) {
    return object !== null && typeof object === "object" &&
      Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  function text(value) {
    return typeof value === "string" ? value : (typeof value === "number" ? String(value) : "");
  }

  function isPhotoId(value) {
    return typeof value === "string" && PHOTO_ID.test(value);
  }

  /* A path inside the package, relative to data/, usable from viewer/: only media files named
     by numeric ids pass; anything else (../, absolute, javascript:) gives null. */
  function mediaUrl(path) {
    return typeof path === "string" && MEDIA_PATH.test(path) ? "../" + path : null;
  }

  /* An address from the data, kept only if it is http(s). */
  function safeWebUrl(value) {
    if (typeof value !== "string" || value.length > 2048) {
      return null;
    }
    try {
      const url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function flickrPhotoUrl(photoId, uploaderId) {
    if (!isPhotoId(photoId)) {
      return null;
    }
    if (typeof uploaderId === "string" && NSID.test(uploaderId)) {
      return "https://www.flickr.com/photos/" + uploaderId + "/" + photoId + "/";
    }
    return "https://www.flickr.com/photo.gne?id=" + photoId;
  }

  function flickrPersonUrl(nsid) {
    return typeof nsid === "string" && NSID.test(nsid)
      ? "https://www.flickr.com/people/" + nsid + "/" : null;
  }

  // --- people, licences, dates ----------------------------------------------------------------

  function contributorName(data, nsid) {
    const person = own(data.contributors, nsid);
    if (person) {
      const name = text(person.realname) || text(person.username) || text(person.pathAlias);
      if (name) {
        return name;
      }
    }
    return text(nsid) || "someone unknown";
  }

  function licenseLabel(data, licenseId) {
    const licence = own(data.licenses, licenseId);
    return (licence && text(licence.label)) || text(licenseId) || "Unknown licence";
  }

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  /* "2017-02-17T09:05:00" or "...Z" -> its parts, without time-zone arithmetic: Flickr's date
     taken is the camera's wall clock, and upload dates are written in UTC. */
  function dateParts(value) {
    const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text(value));
    if (!match) {
      return null;
    }
    return {
      year: Number(match[1]), month: Number(match[2]), day: Number(match[3]),
      hour: match[4] === undefined ? null : Number(match[4]),
      minute: match[5] === undefined ? null : Number(match[5]),
      utc: /Z$|\+00:?00$/.test(text(value)),
    };
  }

  function monthName(month) {
    return MONTHS[month - 1] || "";
  }

  /* "24 March 2017" (with ", 21:27 UTC" when asked for the time). */
  function formatDate(value, withTime) {
    const parts = dateParts(value);
    if (!parts) {
      return text(value);
    }
    let out = parts.day + " " + monthName(parts.month) + " " + parts.year;
    if (withTime && parts.hour !== null) {
      out += ", " + pad(parts.hour) + ":" + pad(parts.minute) + (parts.utc ? " UTC" : "");
    }
    return out;
  }

  /* The date a photo was taken, as precisely as its owner knew it. */
  function takenValue(dateTaken) {
    if (dateTaken && typeof dateTaken === "object") {
      return text(dateTaken.value);
    }
    return text(dateTaken);
  }

  function formatDateTaken(dateTaken) {
    const value = takenValue(dateTaken);
    const parts = dateParts(value);
    if (!parts) {
      return "Date unknown";
    }
    const granularity = dateTaken && typeof dateTaken === "object" ? dateTaken.granularity : "second";
    if (granularity === "circa") {
      return "circa " + parts.year;
    }
    if (granularity === "year") {
      return "in " + parts.year;
    }
    if (granularity === "month") {
      return "in " + monthName(parts.month) + " " + parts.year;
    }
    const day = parts.day + " " + monthName(parts.month) + " " + parts.year;
    const midnight = parts.hour === 0 && parts.minute === 0;
    return parts.hour === null || midnight ? day : day + ", " + pad(parts.hour) + ":" + pad(parts.minute);
  }

  function yearTaken(dateTaken) {
    const parts = dateParts(takenValue(dateTaken));
    return parts ? String(parts.year) : "";
  }

  function formatNumber(number) {
    const value = Number(number) || 0;
    return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function plural(count, one, many) {
    return formatNumber(count) + " " + (Number(count) === 1 ? one : many);
  }

  function formatBytes(size) {
    const bytes = Number(size) || 0;
    if (bytes >= 1048576) {
      return (bytes / 1048576).toFixed(1) + " MB";
    }
    if (bytes >= 1024) {
      return Math.round(bytes / 1024) + " KB";
    }
    return plural(bytes, "byte", "bytes");
  }

  // --- building the page ----------------------------------------------------------------------

  /* h("a", {href: url, class: "x"}, "text", child, [more]) -> an element. Strings become text
     nodes; attribute names only ever come from this code, values are set as plain attributes. */
  function h(tag, attributes) {
    const node = document.createElement(tag);
    const props = attributes || {};
    Object.keys(props).forEach(function (name) {
      const value = props[name];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (/^on/i.test(name)) {
        throw new Error("Event handlers are never set from attributes: " + name);
      }
      if (name === "class") {
        node.className = value;
      } else if (name === "text") {
        node.textContent = value;
      } else {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    });
    appendAll(node, Array.prototype.slice.call(arguments, 2));
    return node;
  }

  function appendAll(node, children) {
    children.forEach(function (child) {
      if (child === null || child === undefined || child === false) {
        return;
      }
      if (Array.isArray(child)) {
        appendAll(node, child);
      } else if (typeof child === "string" || typeof child === "number") {
        node.appendChild(document.createTextNode(String(child)));
      } else {
        node.appendChild(child);
      }
    });
  }

  /* A link to an outside address (checked to be http(s)), or plain text when it is not. */
  function externalLink(url, label) {
    const safe = safeWebUrl(url);
    if (!safe) {
      return h("span", {}, label);
    }
    return h("a", { href: safe, rel: "noopener noreferrer nofollow", class: "external" }, label);
  }

  /* Flickr descriptions, comments and notes are written in a small subset of HTML. They are
     never handed to the browser's HTML parser: this reads the text itself, keeps links
     (http(s) only), emphasis and line breaks as new elements holding text nodes, and shows
     any other markup as the plain text it is. Nothing in the data can become a script, an
     event handler, a style or a request. */
  const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^<>]*)?)\/?>/g;
  const KEPT = { a: "a", b: "strong", strong: "strong", i: "em", em: "em" };
  const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
  const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" };

  function decodeEntities(value) {
    return value.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, function (whole, code) {
      if (code[0] === "#") {
        const number = code[1] === "x" || code[1] === "X"
          ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
        return number > 0 && number <= 0x10ffff ? String.fromCodePoint(number) : whole;
      }
      return Object.prototype.hasOwnProperty.call(ENTITIES, code.toLowerCase())
        ? ENTITIES[code.toLowerCase()] : whole;
    });
  }

  function richText(value) {
    const container = h("div", { class: "rich-text" });
    const source = text(value);
    const open = [container];
    let last = 0;
    let match;
    function current() {
      return open[open.length - 1];
    }
    function addText(raw) {
      if (raw) {
        current().appendChild(document.createTextNode(decodeEntities(raw)));
      }
    }
    TAG.lastIndex = 0;
    while ((match = TAG.exec(source)) !== null) {
      const closing = match[1] === "/";
      const name = match[2].toLowerCase();
      const kept = KEPT[name];
      let handled = false;
      if (name === "br" && !closing) {
        addText(source.slice(last, match.index));
        current().appendChild(document.createElement("br"));
        handled = true;
      } else if (kept && closing) {
        const top = current();
        if (open.length > 1 && top.getAttribute("data-tag") === name) {
          addText(source.slice(last, match.index));
          open.pop();
          handled = true;
        }
      } else if (kept && open.length < 10) {
        let element = null;
        if (name === "a") {
          const href = HREF.exec(match[3] || "");
          const url = href ? safeWebUrl(decodeEntities(href[1] || href[2] || href[3] || "")) : null;
          if (url) {
            element = h("a", { href: url, rel: "noopener noreferrer nofollow", class: "external" });
          }
        } else {
          element = document.createElement(kept);
        }
        if (element) {
          addText(source.slice(last, match.index));
          element.setAttribute("data-tag", name);
          current().appendChild(element);
          open.push(element);
          handled = true;
        }
      }
      if (handled) {
        last = TAG.lastIndex;
      }
    }
    addText(source.slice(last));
    return container;
  }

  function setText(id, value) {
    const node = document.getElementById(id);
    if (node) {
      node.textContent = value;
    }
  }

  // --- the list: filters, search, sort --------------------------------------------------------

  const SORTS = {
    "taken": "Date taken, oldest first",
    "-taken": "Date taken, newest first",
    "uploaded": "Date uploaded, oldest first",
    "-uploaded": "Date uploaded, newest first",
    "title": "Title, A to Z",
    "-views": "Most viewed first",
  };
  const STATE_KEYS = ["q", "tag", "license", "contributor", "set", "year", "sort", "page"];

  /* The list's state lives in the address (#tag=harbour&sort=-views&page=2), so the back
     button, bookmarks and the photo page's previous/next all see the same list. */
  function readState(hash) {
    const params = new URLSearchParams(text(hash).replace(/^#/, ""));
    const state = {};
    STATE_KEYS.forEach(function (key) {
      state[key] = params.get(key) || "";
    });
    if (!Object.prototype.hasOwnProperty.call(SORTS, state.sort)) {
      state.sort = "taken";
    }
    state.page = Math.max(1, parseInt(state.page, 10) || 1);
    return state;
  }

  function stateHash(state, overrides) {
    const merged = Object.assign({}, state, overrides || {});
    const params = new URLSearchParams();
    STATE_KEYS.forEach(function (key) {
      const value = merged[key];
      if (value && !(key === "sort" && value === "taken") && !(key === "page" && Number(value) === 1)) {
        params.set(key, String(value));
      }
    });
    const encoded = params.toString();
    return encoded ? "#" + encoded : "";
  }

  /* Everything the filters need, computed once: one record per photo. */
  function buildCatalogue(data) {
    const index = data.photoIndex || {};
    const membership = {};
    function addSet(kind, collection) {
      Object.keys(collection).forEach(function (setId) {
        const ids = own(collection[setId], "photoIds");
        (Array.isArray(ids) ? ids : []).forEach(function (photoId) {
          const key = String(photoId);
          (membership[key] = membership[key] || []).push(kind + ":" + setId);
        });
      });
    }
    addSet("album", data.albums);
    addSet("gallery", data.galleries);
    addSet("group", data.groups);

    return Object.keys(index).filter(isPhotoId).map(function (photoId) {
      const entry = index[photoId] || {};
      const tags = Array.isArray(entry.tags) ? entry.tags.map(text) : [];
      return {
        id: photoId,
        entry: entry,
        title: text(entry.title),
        tags: tags,
        license: text(entry.licenseId),
        contributor: text(entry.uploaderId),
        year: yearTaken(entry.dateTaken),
        taken: takenValue(entry.dateTaken),
        uploaded: text(entry.dateUploaded),
        views: Number(entry.countViews) || 0,
        sets: membership[photoId] || [],
        searchText: null,
      };
    });
  }

  function searchTextOf(record) {
    if (record.searchText === null) {
      record.searchText = [record.title, text(record.entry.description), record.tags.join(" ")]
        .join("\n").toLowerCase();
    }
    return record.searchText;
  }

  function matches(record, state, words) {
    if (state.tag && record.tags.indexOf(state.tag) === -1) return false;
    if (state.license && record.license !== state.license) return false;
    if (state.contributor && record.contributor !== state.contributor) return false;
    if (state.year && record.year !== state.year) return false;
    if (state.set && record.sets.indexOf(state.set) === -1) return false;
    if (words.length) {
      const haystack = searchTextOf(record);
      return words.every(function (word) { return haystack.indexOf(word) !== -1; });
    }
    return true;
  }

  function compareText(a, b) {
    return a < b ? -1 : (a > b ? 1 : 0);
  }

  /* Missing dates sort last either way; ties keep the photo id order. */
  function byDate(field, direction) {
    return function (a, b) {
      if (!a[field] !== !b[field]) return a[field] ? -1 : 1;
      return direction * compareText(a[field], b[field]) || compareText(a.id, b.id);
    };
  }

  const COMPARATORS = {
    "taken": byDate("taken", 1),
    "-taken": byDate("taken", -1),
    "uploaded": byDate("uploaded", 1),
    "-uploaded": byDate("uploaded", -1),
    "title": function (a, b) {
      if (!a.title !== !b.title) return a.title ? -1 : 1;
      return a.title.localeCompare(b.title) || compareText(a.id, b.id);
    },
    "-views": function (a, b) {
      return b.views - a.views || compareText(a.id, b.id);
    },
  };

  /* The photos the state selects, in its order. */
  function selectPhotos(catalogue, state) {
    const words = text(state.q).toLowerCase().split(/\s+/).filter(Boolean);
    const selected = catalogue.filter(function (record) {
      return matches(record, state, words);
    });
    return selected.sort(COMPARATORS[state.sort] || COMPARATORS.taken);
  }

  function setLabel(data, key) {
    const colon = key.indexOf(":");
    const kind = key.slice(0, colon);
    const setId = key.slice(colon + 1);
    if (kind === "album") {
      const album = own(data.albums, setId);
      return "Album: " + ((album && text(album.title)) || setId);
    }
    if (kind === "gallery") {
      const gallery = own(data.galleries, setId);
      return "Gallery: " + ((gallery && text(gallery.title)) || setId);
    }
    const group = own(data.groups, setId);
    return "Group: " + ((group && text(group.name)) || setId);
  }

  // Printed pages show what is folded away on screen (faves, EXIF).
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (details) {
      details.open = true;
    });
  });

  return {
    PAGE_SIZE: PAGE_SIZE,
    SORTS: SORTS,
    loadedData: loadedData,
    own: own,
    text: text,
    isPhotoId: isPhotoId,
    mediaUrl: mediaUrl,
    safeWebUrl: safeWebUrl,
    flickrPhotoUrl: flickrPhotoUrl,
    flickrPersonUrl: flickrPersonUrl,
    contributorName: contributorName,
    licenseLabel: licenseLabel,
    formatDate: formatDate,
    formatDateTaken: formatDateTaken,
    formatNumber: formatNumber,
    formatBytes: formatBytes,
    plural: plural,
    h: h,
    externalLink: externalLink,
    richText: richText,
    setText: setText,
    readState: readState,
    stateHash: stateHash,
    buildCatalogue: buildCatalogue,
    selectPhotos: selectPhotos,
    setLabel: setLabel,
  };
})();
