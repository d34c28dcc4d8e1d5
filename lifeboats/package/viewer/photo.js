/*
 * Data Lifeboat viewer: one photo with all of its metadata (photo.html?id=<photo id>).
 *
 * Every metadata/photos/<id>.js declares the same `const photo`, so exactly one is loaded per
 * page, by a script element whose address is built from the id only after the id is checked
 * to be a number. The photo index (megabytes for a large lifeboat) is only needed for the
 * previous / next links, so it is loaded after the photo is shown.
 */
"use strict";

(function () {
  const V = LifeboatViewer;
  const h = V.h;
  const data = V.loadedData();
  const MEDIUM_LONG_SIDE = 500; // Flickr places notes on its 500-pixel "Medium" size.
  const params = new URLSearchParams(location.search);
  const requestedId = params.get("id") || "";
  const listState = V.readState(location.hash);

  function start() {
    const backLink = document.getElementById("back-to-grid");
    backLink.href = "index.html" + V.stateHash(listState);
    if (data.lifeboat && V.text(data.lifeboat.name)) {
      V.setText("lifeboat-name", "All photos in " + V.text(data.lifeboat.name));
    }
    if (!V.isPhotoId(requestedId)) {
      fail("“" + requestedId.slice(0, 80) + "” is not a photo id. Photo ids are numbers, as in " +
        "photo.html?id=12345; choose a photo from the list instead.");
      return;
    }
    loadScript("../metadata/photos/" + requestedId + ".js", function () {
      /* global photo */
      const record = typeof photo === "undefined" ? null : photo;
      if (!record || String(record.id) !== requestedId) {
        fail("The metadata file of photo " + requestedId + " does not describe that photo.");
        return;
      }
      show(record);
      loadScript("../metadata/photoIndex.js", function () {
        showNeighbours();
        markReady();
      }, markReady);
    }, function () {
      fail("Photo " + requestedId + " is not in this lifeboat (there is no metadata/photos/" +
        requestedId + ".js). It may have been excluded when the lifeboat was made: " +
        "README.html lists what was left out and why.");
    });
  }

  /* Load a classic script from inside the package; `source` is built only from fixed names
     and a checked numeric id. */
  function loadScript(source, onLoad, onError) {
    const script = document.createElement("script");
    script.src = source;
    script.addEventListener("load", onLoad);
    script.addEventListener("error", onError);
    document.body.appendChild(script);
  }

  function fail(message) {
    V.setText("photo-status", message);
    document.title = "Photo not found: Data Lifeboat";
  }

  // --- the page -------------------------------------------------------------------------------

  function show(record) {
    const title = V.text(record.title) || "Untitled";
    document.title = title + ": a photo in this Data Lifeboat";
    V.setText("photo-title", title);
    document.getElementById("photo-status").hidden = true;
    document.getElementById("photo").hidden = false;
    showMedia(record);
    const sections = [
      descriptionSection(record),
      factsSection(record),
      originalSection(record),
      tagsSection(record),
      notesSection(record),
      peopleSection(record),
      setsSection(record),
      commentsSection(record),
      favoritesSection(record),
      licenceSection(record),
      consentSection(record),
      exifSection(record),
      filesSection(record),
    ].filter(Boolean);
    document.getElementById("details").replaceChildren.apply(
      document.getElementById("details"), sections);
    performance.mark("viewer:photo-shown");
  }

  /* Everything is on the page, previous / next included (tests and the benchmark wait for it). */
  function markReady() {
    document.documentElement.setAttribute("data-viewer-ready", "true");
  }

  function section(id, heading, children) {
    return h("section", { class: "detail-section", id: id, "aria-labelledby": id + "-heading" },
      h("h2", { id: id + "-heading" }, heading), children);
  }

  function emptyNote(message) {
    return h("p", { class: "muted" }, message);
  }

  function person(nsid) {
    return h("span", { class: "person" }, V.contributorName(data, nsid));
  }

  // --- previous / next within the list the reader came from ----------------------------------

  function showNeighbours() {
    data.photoIndex = V.loadedData().photoIndex;
    if (!data.photoIndex) {
      return;
    }
    const list = V.selectPhotos(V.buildCatalogue(data), listState);
    const position = list.findIndex(function (item) { return item.id === requestedId; });
    if (position === -1) {
      return;
    }
    V.setText("position", "Photo " + V.formatNumber(position + 1) + " of " +
      V.formatNumber(list.length));
    const pageState = Object.assign({}, listState, { page: Math.floor(position / V.PAGE_SIZE) + 1 });
    document.getElementById("back-to-grid").href = "index.html" + V.stateHash(pageState);
    linkNeighbour("previous-photo", list[position - 1], "Previous: ");
    linkNeighbour("next-photo", list[position + 1], "Next: ");
    document.addEventListener("keydown", function (event) {
      const target = event.target;
      const typing = target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.nodeName);
      if (typing || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
        return;
      }
      const link = document.getElementById(
        event.key === "ArrowLeft" ? "previous-photo" : (event.key === "ArrowRight" ? "next-photo" : ""));
      if (link && !link.hidden) {
        location.href = link.href;
      }
    });
  }

  function linkNeighbour(id, neighbour, prefix) {
    if (!neighbour) {
      return;
    }
    const link = document.getElementById(id);
    link.href = "photo.html?id=" + neighbour.id + V.stateHash(listState, { page: 1 });
    link.setAttribute("title", prefix + (neighbour.title || "Untitled"));
    link.hidden = false;
  }

  // --- the image (or video) with its notes -------------------------------------------------

  function showMedia(record) {
    const figure = document.getElementById("media");
    const files = record.files || {};
    const original = files.original || {};
    const thumbnail = files.thumbnail || {};
    const source = V.mediaUrl(original.path);
    const title = V.text(record.title);
    const isVideo = record.mediaType === "video" || /^video\//.test(V.text(original.contentType));
    let frame;
    if (!source) {
      frame = h("p", { class: "empty-state" }, "The file of this photo is not in the lifeboat.");
    } else if (isVideo) {
      frame = h("div", { class: "media-frame" },
        h("video", {
          src: source, controls: true, preload: "metadata", poster: V.mediaUrl(thumbnail.path),
          "aria-label": title ? "Video: " + title : "Untitled video " + record.id,
        }));
    } else {
      const image = h("img", {
        id: "photo-image",
        src: source,
        alt: title ? title : "Untitled photo " + record.id,
        width: Number(original.width) || null,
        height: Number(original.height) || null,
      });
      frame = h("div", { class: "media-frame" }, image, noteBoxes(record, original));
    }
    const caption = [];
    if (Number(original.width) && Number(original.height)) {
      caption.push(original.width + " × " + original.height + " pixels");
    }
    if (V.text(original.contentType)) {
      caption.push(V.text(original.contentType));
    }
    if (original.size) {
      caption.push(V.formatBytes(original.size));
    }
    figure.replaceChildren(frame, h("figcaption", {},
      caption.join(" · "), caption.length ? " · " : "",
      source ? h("a", { href: source }, "Open the original file") : null,
      Array.isArray(record.notes) && record.notes.length && !isVideo
        ? h("label", { class: "toggle-notes" },
            h("input", { type: "checkbox", id: "show-notes", checked: true }), " Show notes")
        : null));
    const toggle = document.getElementById("show-notes");
    if (toggle) {
      toggle.addEventListener("change", function () {
        figure.classList.toggle("notes-hidden", !toggle.checked);
      });
    }
  }

  /* Notes are boxes in the coordinates of Flickr's 500-pixel "Medium" size; they are placed
     as percentages of that size, so they follow the image whatever size it is shown at. */
  function noteBoxes(record, original) {
    const notes = Array.isArray(record.notes) ? record.notes : [];
    if (!notes.length) {
      return null;
    }
    const medium = mediumSize(Number(original.width), Number(original.height));
    const layer = h("div", { class: "notes-layer" });
    notes.forEach(function (note, position) {
      const box = h("div", {
        class: "note-box",
        tabindex: "0",
        role: "note",
        "aria-label": "Note " + (position + 1) + " by " + V.contributorName(data, note.authorId) +
          ": " + plainText(note.text),
      }, h("span", { class: "note-number", "aria-hidden": "true" }, String(position + 1)),
        h("span", { class: "note-text", "aria-hidden": "true" }, plainText(note.text)));
      box.style.left = percent(note.x, medium.width);
      box.style.top = percent(note.y, medium.height);
      box.style.width = percent(note.width, medium.width);
      box.style.height = percent(note.height, medium.height);
      layer.appendChild(box);
    });
    return layer;
  }

  function mediumSize(width, height) {
    if (!width || !height) {
      return { width: MEDIUM_LONG_SIDE, height: MEDIUM_LONG_SIDE };
    }
    const scale = Math.min(1, MEDIUM_LONG_SIDE / Math.max(width, height));
    return { width: Math.round(width * scale), height: Math.round(height * scale) };
  }

  function percent(value, whole) {
    const share = Math.max(0, Math.min(100, (Number(value) || 0) / whole * 100));
    return share.toFixed(3) + "%";
  }

  /* The text of a note or comment with any markup removed (for labels and tooltips). */
  function plainText(value) {
    return V.richText(value).textContent.replace(/\s+/g, " ").trim();
  }

  // --- sections -------------------------------------------------------------------------------

  function descriptionSection(record) {
    const description = V.richText(record.description);
    return section("description", "Description",
      description.textContent.trim() ? description : emptyNote("No description."));
  }

  function fact(label, value) {
    if (value === null || value === undefined || value === "") {
      return null;
    }
    return [h("dt", {}, label), h("dd", {}, value)];
  }

  function factsSection(record) {
    const uploader = V.text(record.uploaderId);
    return section("facts", "About this photo", h("dl", { class: "facts" },
      fact("Taken", record.dateTaken ? V.formatDateTaken(record.dateTaken) : "Date unknown"),
      fact("Uploaded to Flickr", record.dateUploaded ? V.formatDate(record.dateUploaded) : ""),
      fact("Uploaded by", [person(uploader), uploader ? " (" + uploader + ")" : ""]),
      fact("Licence", V.licenseLabel(data, record.licenseId)),
      fact("Location", locationText(record.location)),
      fact("Views", V.formatNumber(record.countViews)),
      fact("Faves", V.formatNumber(record.countFaves)),
      fact("Comments", V.formatNumber(record.countComments)),
      fact("Visibility", V.text(record.visibility)),
      fact("Safety level", V.text(record.safetyLevel)),
      fact("Media type", [V.text(record.mediaType),
        record.originalFormat ? " (original format: " + V.text(record.originalFormat) + ")" : ""]),
      fact("Photo id", V.text(record.id)),
      fact("Metadata retrieved", record.retrievedAt ? V.formatDate(record.retrievedAt, true) : "")));
  }

  function locationText(location) {
    if (!location || typeof location !== "object") {
      return null;
    }
    const places = [location.locality, location.region, location.country].map(V.text).filter(Boolean);
    const latitude = Number(location.latitude);
    const longitude = Number(location.longitude);
    const parts = [];
    if (places.length) {
      parts.push(places.join(", "));
    }
    if (isFinite(latitude) && isFinite(longitude)) {
      parts.push(latitude.toFixed(5) + ", " + longitude.toFixed(5));
    }
    if (location.accuracy) {
      parts.push("accuracy level " + V.text(location.accuracy) + " (1 = world, 16 = street)");
    }
    return parts.join(" · ");
  }

  function originalSection(record) {
    const url = V.flickrPhotoUrl(V.text(record.id), V.text(record.uploaderId));
    return section("on-flickr", "On Flickr", [
      h("p", {}, url ? V.externalLink(url, url) : "Unknown address."),
      h("p", { class: "muted" }, "The page where this photo was published when the lifeboat " +
        "was made. It may have changed or no longer exist; this lifeboat keeps what it showed."),
    ]);
  }

  function tagsSection(record) {
    const tags = Array.isArray(record.tags) ? record.tags : [];
    if (!tags.length) {
      return section("tags", "Tags", emptyNote("No tags."));
    }
    return section("tags", "Tags (" + tags.length + ")", h("ul", { class: "tag-list" },
      tags.map(function (tag) {
        const normalized = V.text(tag.normalizedValue);
        return h("li", {},
          h("a", { class: "tag", href: "index.html" + V.stateHash({ tag: normalized }) },
            V.text(tag.rawValue) || normalized),
          tag.isMachineTag ? h("span", { class: "muted" }, " machine tag") : null,
          h("span", { class: "muted" }, " added by "), person(tag.authorId));
      })));
  }

  function notesSection(record) {
    const notes = Array.isArray(record.notes) ? record.notes : [];
    if (!notes.length) {
      return null;
    }
    return section("notes", "Notes on the photo (" + notes.length + ")", h("ol", { class: "notes-list" },
      notes.map(function (note) {
        return h("li", {}, V.richText(note.text),
          h("p", { class: "muted" }, "by ", person(note.authorId)));
      })));
  }

  function peopleSection(record) {
    const people = Array.isArray(record.people) ? record.people : [];
    if (!people.length) {
      return null;
    }
    return section("people", "People in this photo", h("ul", {},
      people.map(function (someone) { return h("li", {}, person(someone.userId)); })));
  }

  function setsSection(record) {
    const items = [];
    function add(kind, ids) {
      (Array.isArray(ids) ? ids : []).forEach(function (setId) {
        const key = kind + ":" + V.text(setId);
        items.push(h("li", {}, h("a", { href: "index.html" + V.stateHash({ set: key }) },
          V.setLabel(data, key))));
      });
    }
    add("album", record.albumIds);
    add("gallery", record.galleryIds);
    add("group", record.groupIds);
    return section("sets", "Albums, galleries and groups",
      items.length ? h("ul", {}, items) : emptyNote("Not in any album, gallery or group."));
  }

  function commentsSection(record) {
    const comments = Array.isArray(record.comments) ? record.comments : [];
    if (!comments.length) {
      return section("comments", "Comments", emptyNote("No comments."));
    }
    return section("comments", "Comments (" + comments.length + ")", h("ol", { class: "comments" },
      comments.map(function (comment) {
        return h("li", { class: "comment" },
          h("p", { class: "comment-meta" }, person(comment.authorId),
            comment.date ? [" · ", h("time", { datetime: V.text(comment.date) },
              V.formatDate(comment.date, true))] : null),
          V.richText(comment.text));
      })));
  }

  function favoritesSection(record) {
    const faves = Array.isArray(record.favorites) ? record.favorites : [];
    if (!faves.length) {
      return section("faves", "Faves", emptyNote("Nobody had faved this photo."));
    }
    return section("faves", "Faves (" + V.formatNumber(faves.length) + ")",
      h("details", {}, h("summary", {}, "Who faved this photo, and when"),
        h("ul", { class: "faves" }, faves.map(function (fave) {
          return h("li", {}, person(fave.userId),
            fave.date ? h("span", { class: "muted" }, " · " + V.formatDate(fave.date)) : null);
        }))));
  }

  function licenceSection(record) {
    const licence = V.own(data.licenses, record.licenseId) || {};
    const history = Array.isArray(record.licenseHistory) ? record.licenseHistory : [];
    return section("licence", "Licence", [
      h("p", {}, V.externalLink(licence.url, V.licenseLabel(data, record.licenseId))),
      history.length
        ? h("div", { class: "table-wrap" }, h("table", {},
            h("caption", {}, "Licence history"),
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Date"),
              h("th", { scope: "col" }, "From"), h("th", { scope: "col" }, "To"))),
            h("tbody", {}, history.map(function (change) {
              return h("tr", {}, h("td", {}, V.formatDate(change.date)),
                h("td", {}, V.licenseLabel(data, change.oldLicenseId)),
                h("td", {}, V.licenseLabel(data, change.newLicenseId)));
            }))))
        : emptyNote("The licence had not changed since upload."),
    ]);
  }

  const CONSENT_TEXT = {
    "not_required": "The photographer's consent was not needed for this photo (its licence " +
      "allows it, or it belongs to the organisation that made the lifeboat).",
    "granted": "The photographer consented to this photo being kept in this lifeboat.",
  };

  function consentSection(record) {
    const consent = record.consent || {};
    const status = V.text(consent.status);
    let message = CONSENT_TEXT[status];
    if (!message) {
      message = consent.required
        ? "Consent was asked for; recorded status: " + (status || "unknown") + "."
        : "Consent was not needed for this photo.";
    }
    return section("consent", "Consent", [
      h("p", {}, message),
      consent.decidedAt ? h("p", { class: "muted" }, "Decided on " + V.formatDate(consent.decidedAt)) : null,
    ]);
  }

  function exifSection(record) {
    const exif = Array.isArray(record.exif) ? record.exif : [];
    if (!exif.length) {
      return section("exif", "Camera data (EXIF)", emptyNote("No EXIF data (none was recorded, " +
        "or its owner chose to hide it)."));
    }
    return section("exif", "Camera data (EXIF)", h("details", {},
      h("summary", {}, V.plural(exif.length, "value", "values")),
      h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Tag"),
          h("th", { scope: "col" }, "Value"), h("th", { scope: "col" }, "Group"))),
        h("tbody", {}, exif.map(function (tag) {
          return h("tr", {}, h("td", {}, V.text(tag.label) || V.text(tag.tag)),
            h("td", {}, V.text(tag.clean) || V.text(tag.raw)), h("td", {}, V.text(tag.tagspace)));
        }))))));
  }

  function filesSection(record) {
    const files = record.files || {};
    const rows = ["original", "thumbnail"].map(function (name) {
      const file = files[name];
      if (!file || !V.mediaUrl(file.path)) {
        return null;
      }
      return h("li", {}, h("a", { href: V.mediaUrl(file.path) }, V.text(file.path)),
        file.size ? " · " + V.formatBytes(file.size) : "",
        file.sha512 ? h("p", { class: "checksum" }, "SHA-512 " + V.text(file.sha512)) : null);
    });
    return section("files", "Files", h("ul", { class: "files" }, rows));
  }

  start();
})();
