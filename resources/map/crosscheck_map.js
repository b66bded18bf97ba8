/*
 * Crosscheck map module: draws the events of a story on a folium/Leaflet map.
 *
 * Why hand-written: folium would bake every marker into the page as its own
 * script statement (10,000 events -> megabytes of JS and seconds of parsing);
 * here the events arrive as one JSON blob and are drawn by this module, and
 * later changes (selection, time window, new data) go through the small API on
 * `window.crosscheck` without rebuilding the page.
 *
 * Security: every string in the data comes from untrusted article text.  It is
 * only ever inserted with textContent / createTextNode (never innerHTML), and
 * popups/tooltips receive DOM elements, never HTML strings.
 *
 * Python calls (through QWebEnginePage.runJavaScript) return JSON strings,
 * because Qt hands JS arrays back to Python as ''.
 */
(function () {
  "use strict";

  var state = {
    map: null,
    data: null,
    bridge: null,
    ready: false,
    cluster: null,        // L.markerClusterGroup of event markers
    extents: null,        // layer group of "near"/"area" circles
    lines: null,          // layer group of conflict lines
    markers: {},          // event id -> L.circleMarker
    circles: {},          // event id -> L.circle
    events: {},           // event id -> event record
    shown: {},            // event id -> true when the marker is in the cluster group
    selected: {},         // event id -> true
    window: [null, null], // time window in fractional days
    pinning: null,        // name of the place waiting for a click
    autoFit: true,        // refit on resize until the user moves the map himself
    handle: null,         // draggable marker correcting the selected event's place
    panel: null,
    legend: null,
    banner: null,
  };

  // ----------------------------------------------------------------- DOM helpers

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function field(parent, label, value) {
    var row = el("div", "cc-field");
    row.appendChild(el("span", "cc-label", label + ": "));
    row.appendChild(document.createTextNode(value === null || value === undefined ? "unknown" : String(value)));
    parent.appendChild(row);
  }

  function sourceOf(ev) {
    return state.data.sources[ev.source] || { name: ev.source, colour: state.data.style.neutral };
  }

  function popupFor(ev) {
    var box = el("div", "cc-popup");
    box.appendChild(el("div", "cc-what", ev.what));
    field(box, "When", ev.when);
    field(box, "Where", ev.where);
    field(box, "Source", sourceOf(ev).name);
    if (ev.sentence) box.appendChild(el("blockquote", "cc-evidence", ev.sentence));
    return box;
  }

  // ------------------------------------------------------------------- markers

  function markerStyle(ev) {
    var selected = !!state.selected[ev.id];
    return {
      radius: selected ? 10 : 7,
      color: selected ? state.data.style.selection : "#222222",
      weight: selected ? 3 : 1,
      fillColor: sourceOf(ev).colour,
      fillOpacity: 0.9,
    };
  }

  function makeMarker(ev) {
    var marker = L.circleMarker([ev.lat, ev.lon], markerStyle(ev));
    marker.eventId = ev.id;
    marker.bindPopup(function () { return popupFor(ev); }, { maxWidth: 360 });
    marker.bindTooltip(function () { return el("span", null, ev.what); });
    marker.on("click", function () {
      if (state.bridge) state.bridge.markerClicked(ev.id);
    });
    return marker;
  }

  function makeExtent(ev) {
    var colour = sourceOf(ev).colour;
    return L.circle([ev.lat, ev.lon], {
      radius: ev.radius_km * 1000, color: colour, weight: 1, opacity: 0.6,
      fillColor: colour, fillOpacity: 0.12, interactive: false,
    });
  }

  function inWindow(ev) {
    var lo = state.window[0], hi = state.window[1];
    if (lo === null && hi === null) return true;
    if (ev.lo === null || ev.hi === null) return false; // undated: not in any window
    return (hi === null || ev.lo < hi) && (lo === null || lo < ev.hi);
  }

  /** Show exactly the markers in the time window, touching only those that change. */
  function applyWindow() {
    var add = [], remove = [];
    Object.keys(state.markers).forEach(function (id) {
      var want = inWindow(state.events[id]);
      if (want && !state.shown[id]) { add.push(state.markers[id]); state.shown[id] = true; }
      else if (!want && state.shown[id]) { remove.push(state.markers[id]); delete state.shown[id]; }
      var circle = state.circles[id];
      if (circle) {
        if (want && !state.extents.hasLayer(circle)) state.extents.addLayer(circle);
        else if (!want && state.extents.hasLayer(circle)) state.extents.removeLayer(circle);
      }
    });
    var kept = Object.keys(state.shown).length - add.length;
    if (remove.length > 2 * kept + 100) {
      // Removing most markers one by one costs more than re-clustering the few that stay.
      state.cluster.clearLayers();
      state.cluster.addLayers(Object.keys(state.shown).map(function (id) { return state.markers[id]; }));
      return;
    }
    if (remove.length) state.cluster.removeLayers(remove);
    if (add.length) state.cluster.addLayers(add);
  }

  // --------------------------------------------------------------- conflicts

  function drawConflictLines() {
    state.lines.clearLayers();
    state.data.conflict_lines.forEach(function (line) {
      var path = L.polyline([[line.a.lat, line.a.lon], [line.b.lat, line.b.lon]], {
        color: state.data.style.conflict, weight: 3, dashArray: "8 6", opacity: 0.95,
      });
      path.conflictId = line.id;
      path.bindTooltip(el("span", "cc-distance", line.label), {
        permanent: true, direction: "right", offset: [14, 0], className: "cc-conflict-label",
      });
      path.bindPopup(function () {
        var box = el("div", "cc-popup");
        box.appendChild(el("div", "cc-what", "Place conflict: " + line.label));
        field(box, line.a.sources, line.a.name);
        field(box, line.b.sources, line.b.name);
        if (line.explanation) box.appendChild(el("div", "cc-explanation", line.explanation));
        return box;
      });
      state.lines.addLayer(path);
    });
  }

  // ------------------------------------------------------------------ panels

  var Panel = L.Control.extend({
    onAdd: function () {
      var div = el("div", this.options.className + " leaflet-bar");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    },
  });

  function pinButton(name) {
    var button = el("button", "cc-pin", "Place on map");
    button.type = "button";
    button.addEventListener("click", function () { api.startPinning(name); });
    return button;
  }

  function fillPanel() {
    var div = state.panel.getContainer();
    div.textContent = "";
    var conflicts = state.data.conflict_lines, open = state.data.unresolved_conflicts;
    if (conflicts.length || open.length) {
      div.appendChild(el("div", "cc-heading", "Place conflicts"));
      conflicts.forEach(function (line) {
        var row = el("div", "cc-conflict");
        row.appendChild(el("span", "cc-swatch cc-swatch-conflict"));
        row.appendChild(document.createTextNode(line.a.name + " \u2194 " + line.b.name + ": " + line.label));
        div.appendChild(row);
      });
      open.forEach(function (item) {
        var row = el("div", "cc-conflict cc-unresolved-conflict");
        row.appendChild(el("span", "cc-swatch cc-swatch-conflict"));
        row.appendChild(document.createTextNode(item.sides.map(function (s) {
          return s.name + (s.resolved ? "" : " (unresolved)");
        }).join(" \u2194 ")));
        div.appendChild(row);
      });
    }
    if (state.data.unresolved.length) {
      div.appendChild(el("div", "cc-heading", "Unresolved places"));
      state.data.unresolved.forEach(function (item) {
        var row = el("div", "cc-unresolved");
        row.appendChild(document.createTextNode(item.name + " (" + item.events + ") "));
        row.appendChild(pinButton(item.name));
        div.appendChild(row);
      });
    }
    div.style.display = div.childNodes.length ? "" : "none";
  }

  function fillLegend() {
    var div = state.legend.getContainer();
    div.textContent = "";
    Object.keys(state.data.sources).forEach(function (id) {
      var source = state.data.sources[id];
      var row = el("div", "cc-source");
      var swatch = el("span", "cc-swatch");
      swatch.style.background = source.colour;
      row.appendChild(swatch);
      row.appendChild(document.createTextNode(source.name));
      div.appendChild(row);
    });
    div.style.display = div.childNodes.length ? "" : "none";
  }

  // ------------------------------------------------------------------ pinning

  function showBanner(text) {
    state.banner.textContent = text;
    state.banner.style.display = text ? "" : "none";
  }

  function finishPinning(latlng) {
    var name = state.pinning;
    state.pinning = null;
    L.DomUtil.removeClass(state.map.getContainer(), "cc-pinning");
    showBanner("");
    if (name !== null && latlng) sendPin(name, latlng);
  }

  function sendPin(name, latlng) {
    var lng = L.Util.wrapNum(latlng.lng, [-180, 180], true);
    if (state.bridge) state.bridge.placePinned(name, latlng.lat, lng);
  }

  /** A draggable pin on the single selected event: dropping it corrects the place. */
  function updateHandle() {
    if (state.handle) { state.map.removeLayer(state.handle); state.handle = null; }
    var ids = Object.keys(state.selected).filter(function (id) { return state.markers[id]; });
    if (ids.length !== 1) return;
    var ev = state.events[ids[0]];
    state.handle = L.marker([ev.lat, ev.lon], { draggable: true, title: "Drag to correct the place", zIndexOffset: 1000 });
    state.handle.on("dragend", function () { sendPin(ev.place_name, state.handle.getLatLng()); });
    state.handle.addTo(state.map);
  }

  // ---------------------------------------------------------------- selection

  function restyle(ids) {
    ids.forEach(function (id) {
      var marker = state.markers[id];
      if (!marker) return;
      marker.setStyle(markerStyle(state.events[id]));
      marker.setRadius(markerStyle(state.events[id]).radius);
      if (state.selected[id] && marker._map) marker.bringToFront();
    });
  }

  function panToSelection() {
    state.autoFit = false;
    var points = Object.keys(state.selected)
      .filter(function (id) { return state.markers[id]; })
      .map(function (id) { return state.markers[id].getLatLng(); });
    if (points.length === 1) {
      state.map.setView(points[0], Math.max(state.map.getZoom(), 8), { animate: false });
    } else if (points.length > 1) {
      state.map.fitBounds(L.latLngBounds(points), { padding: [40, 40], maxZoom: 9, animate: false });
    }
  }

  // --------------------------------------------------------------- data load

  function clearLayers() {
    state.cluster.clearLayers();
    state.extents.clearLayers();
    state.markers = {}; state.circles = {}; state.events = {}; state.shown = {};
  }

  function load(data) {
    state.data = data;
    document.documentElement.style.setProperty("--cc-conflict", data.style.conflict);
    clearLayers();
    data.events.forEach(function (ev) {
      state.events[ev.id] = ev;
      if (ev.lat === null || ev.lon === null) return;
      state.markers[ev.id] = makeMarker(ev);
      if (ev.radius_km) state.circles[ev.id] = makeExtent(ev);
    });
    Object.keys(state.selected).forEach(function (id) { if (!state.events[id]) delete state.selected[id]; });
    applyWindow();
    drawConflictLines();
    fillPanel();
    fillLegend();
    updateHandle();
  }

  function fitAll() {
    var bounds = L.latLngBounds([]);
    Object.keys(state.shown).forEach(function (id) { bounds.extend(state.markers[id].getLatLng()); });
    state.lines.eachLayer(function (line) { bounds.extend(line.getBounds()); });
    if (bounds.isValid()) state.map.fitBounds(bounds.pad(0.15), { maxZoom: 7, animate: false });
    else state.map.setView([20, 0], 2, { animate: false });
  }

  function connectBridge(done) {
    if (typeof QWebChannel === "undefined" || !window.qt || !qt.webChannelTransport) { done(); return; }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      state.bridge = channel.objects.bridge || null;
      done();
    });
  }

  // --------------------------------------------------------------------- API

  var api = {
    /** Called once by the folium page: the Leaflet map and the id of the JSON data element. */
    init: function (map, dataElementId) {
      state.map = map;
      // No tile layer offline, so the map has no zoom range of its own; markercluster needs one.
      // 12 is finer than the 1:110m borders, and every extra level costs markercluster
      // another clustering pass (10,000 events: about 300 ms at 12, 740 ms at 18).
      if (map.getMaxZoom() === Infinity) map.setMaxZoom(12);
      if (map.getMinZoom() === 0) map.setMinZoom(2);
      state.extents = L.layerGroup().addTo(map);
      state.lines = L.layerGroup().addTo(map);
      state.cluster = L.markerClusterGroup({
        maxClusterRadius: 40, chunkedLoading: false,
        spiderfyOnMaxZoom: true, showCoverageOnHover: false,
      }).addTo(map);
      state.panel = new Panel({ position: "topright", className: "cc-panel" }).addTo(map);
      state.legend = new Panel({ position: "bottomleft", className: "cc-legend" }).addTo(map);
      state.banner = el("div", "cc-banner");
      state.banner.style.display = "none";
      map.getContainer().appendChild(state.banner);
      // The page may be laid out before its widget has its final size: keep the
      // events in view until the user takes over the map.
      map.on("resize", function () { if (state.autoFit) fitAll(); });
      ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (type) {
        map.getContainer().addEventListener(type, function () { state.autoFit = false; }, { passive: true });
      });
      map.on("click", function (e) { if (state.pinning !== null) finishPinning(e.latlng); });
      document.addEventListener("keydown", function (e) { if (e.key === "Escape" && state.pinning !== null) finishPinning(null); });
      var blob = document.getElementById(dataElementId);
      load(JSON.parse(blob.textContent));
      fitAll();
      connectBridge(function () {
        state.ready = true;
        if (state.bridge) state.bridge.ready();
      });
    },
    isReady: function () { return JSON.stringify(state.ready); },
    /** Replace the data (a JSON string or an object) keeping view, window and selection. */
    setData: function (json) {
      load(typeof json === "string" ? JSON.parse(json) : json);
      return api.markerCount();
    },
    setSelection: function (ids, pan) {
      var before = Object.keys(state.selected);
      state.selected = {};
      (ids || []).forEach(function (id) { if (state.events[id]) state.selected[id] = true; });
      restyle(before.concat(Object.keys(state.selected)));
      updateHandle();
      if (pan !== false) panToSelection();
      return JSON.stringify(Object.keys(state.selected));
    },
    /** Show only events whose [lo, hi) overlaps the window (fractional days); null/null shows all. */
    setTimeWindow: function (lo, hi) {
      state.window = [lo === undefined ? null : lo, hi === undefined ? null : hi];
      applyWindow();
      return api.markerCount();
    },
    markerCount: function () { return JSON.stringify(state.cluster.getLayers().length); },
    shownIds: function () { return JSON.stringify(Object.keys(state.shown)); },
    selectedIds: function () { return JSON.stringify(Object.keys(state.selected)); },
    conflictLines: function () {
      var out = [];
      state.lines.eachLayer(function (line) {
        var pts = line.getLatLngs();
        out.push({
          id: line.conflictId,
          label: line.getTooltip() ? line.getTooltip().getElement() ? line.getTooltip().getElement().textContent : "" : "",
          from: [pts[0].lat, pts[0].lng], to: [pts[1].lat, pts[1].lng],
        });
      });
      return JSON.stringify(out);
    },
    unresolvedConflicts: function () { return JSON.stringify(state.data.unresolved_conflicts); },
    startPinning: function (name) {
      state.pinning = String(name);
      L.DomUtil.addClass(state.map.getContainer(), "cc-pinning");
      showBanner("Click the map to place \u201c" + state.pinning + "\u201d (Esc cancels)");
      return JSON.stringify(state.pinning);
    },
    /** Pixel position of an event's marker in the map container, or null when clustered/hidden. */
    markerPoint: function (id) {
      var marker = state.markers[id];
      // markercluster puts a marker on the map itself only when it is unclustered and in view
      // (its getVisibleParent() expects icon markers, not circle markers).
      if (!marker || !state.shown[id] || !state.map.hasLayer(marker)) return JSON.stringify(null);
      var p = state.map.latLngToContainerPoint(marker.getLatLng());
      var size = state.map.getSize();
      if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) return JSON.stringify(null);
      var r = state.map.getContainer().getBoundingClientRect();
      return JSON.stringify({ x: p.x + r.left, y: p.y + r.top });
    },
    markerFor: function (id) { return state.markers[id] || null; },
    /** What the page can reach of Python: the bridge's member names (tests check it stays small). */
    bridgeMembers: function () { return JSON.stringify(state.bridge ? Object.keys(state.bridge).sort() : null); },
    fitAll: function () { fitAll(); return JSON.stringify(true); },
    get map() { return state.map; },
  };

  window.crosscheck = api;
})();
