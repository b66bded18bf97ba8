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
    flat: null,           // unclustered markers of a still image (showUnclustered)
    full: null,           // cluster group of every located event, clustered once (see applyWindow)
    part: null,           // cluster group of the events of a narrow time window
    cluster: null,        // whichever of the two is on the map
    extents: null,        // layer group of "near"/"area" circles
    lines: null,          // layer group of conflict lines
    markers: {},          // event id -> L.circleMarker of the full group (every located event)
    circles: {},          // event id -> L.circle
    events: {},           // event id -> event record
    shown: {},            // event id -> true when the event is in the time window (and located)
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

  /**
   * The uncertainty of a place.  Several sources naming the same place ("Syria")
   * share one circle: stacked translucent fills turned a country into an opaque
   * blob that hid the markers and borders.  Wide areas get a dashed outline only.
   */
  function makeExtent(ev) {
    var colour = sourceOf(ev).colour, wide = ev.radius_km > 50;
    return L.circle([ev.lat, ev.lon], {
      radius: ev.radius_km * 1000, color: colour, weight: wide ? 1.5 : 1, opacity: 0.7,
      dashArray: wide ? "6 5" : null, fillColor: colour, fillOpacity: wide ? 0.04 : 0.12,
      interactive: false,
    });
  }

  function extentKey(ev) {
    return ev.lat.toFixed(4) + "," + ev.lon.toFixed(4) + "," + ev.radius_km;
  }

  function inWindow(ev) {
    var lo = state.window[0], hi = state.window[1];
    if (lo === null && hi === null) return true;
    if (ev.lo === null || ev.hi === null) return false; // undated: not in any window
    return (hi === null || ev.lo < hi) && (lo === null || lo < ev.hi);
  }

  /*
   * Time windows and clustering.
   *
   * Adding or removing a marker costs markercluster one pass per zoom level, so
   * re-adding 10,000 markers when the window opens back to "all" took most of a
   * second.  Two cluster groups keep that off the interactive path: `full` holds
   * every located event and is clustered once, at load; `part` holds the events
   * of a window.  A window change updates whichever group needs the fewest
   * additions and removals (or rebuilds `part` from scratch when that is fewer)
   * and shows that group; the other keeps its clusters off the map, so switching
   * back costs only drawing what is in view.  Each group has its own marker
   * objects, because markercluster stores its tree inside each marker (__parent).
   */

  function makeGroup() {
    return {
      cluster: L.markerClusterGroup({
        maxClusterRadius: 40, chunkedLoading: false,
        spiderfyOnMaxZoom: true, showCoverageOnHover: false,
      }),
      markers: {},  // event id -> this group's marker
      content: {},  // event id -> true when in the group
      size: 0,
    };
  }

  function markerIn(group, id) {
    if (group === state.full) return state.markers[id];
    if (!group.markers[id]) group.markers[id] = makeMarker(state.events[id]);
    return group.markers[id];
  }

  /** Additions and removals that would make the group hold exactly `wanted`. */
  function delta(group, wanted, wantedIds) {
    var add = [], remove = [];
    wantedIds.forEach(function (id) { if (!group.content[id]) add.push(id); });
    Object.keys(group.content).forEach(function (id) { if (!wanted[id]) remove.push(id); });
    return { add: add, remove: remove, cost: add.length + remove.length };
  }

  function applyDelta(group, change) {
    if (change.remove.length) {
      group.cluster.removeLayers(change.remove.map(function (id) { return markerIn(group, id); }));
      change.remove.forEach(function (id) { delete group.content[id]; });
    }
    if (change.add.length) {
      group.cluster.addLayers(change.add.map(function (id) { return markerIn(group, id); }));
      change.add.forEach(function (id) { group.content[id] = true; });
    }
    group.size += change.add.length - change.remove.length;
  }

  function rebuild(group, wantedIds) {
    group.cluster.clearLayers();
    group.content = {};
    group.size = 0;
    applyDelta(group, { add: wantedIds, remove: [] });
  }

  function showGroup(group) {
    if (state.flat) { state.map.removeLayer(state.flat); state.flat = null; }  // back from a still image
    if (state.cluster === group.cluster) return;
    if (state.cluster) state.map.removeLayer(state.cluster);
    state.cluster = group.cluster;
    state.map.addLayer(group.cluster);
  }

  function selectedMarkersToFront() {
    Object.keys(state.selected).forEach(function (id) {
      var marker = shownMarker(id);
      if (marker && marker._map) marker.bringToFront();
    });
  }

  /** Show exactly the markers in the time window, with the fewest cluster updates. */
  function applyWindow() {
    var wanted = {}, wantedIds = [];
    Object.keys(state.markers).forEach(function (id) {
      if (inWindow(state.events[id])) { wanted[id] = true; wantedIds.push(id); }
    });
    state.shown = wanted;
    var full = delta(state.full, wanted, wantedIds), part = delta(state.part, wanted, wantedIds);
    if (full.cost <= Math.min(part.cost, wantedIds.length)) {
      applyDelta(state.full, full);
      showGroup(state.full);
    } else {
      if (part.cost <= wantedIds.length) applyDelta(state.part, part);
      else rebuild(state.part, wantedIds);
      showGroup(state.part);
    }
    var circleWanted = new Map();  // a shared circle stays while any of its events is shown
    Object.keys(state.circles).forEach(function (id) {
      var circle = state.circles[id];
      circleWanted.set(circle, circleWanted.get(circle) || !!wanted[id]);
    });
    circleWanted.forEach(function (want, circle) {
      if (want && !state.extents.hasLayer(circle)) state.extents.addLayer(circle);
      else if (!want && state.extents.hasLayer(circle)) state.extents.removeLayer(circle);
    });
    selectedMarkersToFront();
  }

  /** The marker drawn for an event now (from the group on the map), or null. */
  function shownMarker(id) {
    if (!state.shown[id]) return null;
    return state.cluster === state.full.cluster ? state.markers[id] : (state.part.markers[id] || null);
  }

  /** Every marker object of an event (one per group that has made one). */
  function markersOf(id) {
    return [state.markers[id], state.part.markers[id]].filter(function (m) { return m; });
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
      if (!state.events[id]) return;
      var style = markerStyle(state.events[id]);
      markersOf(id).forEach(function (marker) {
        marker.setStyle(style);
        marker.setRadius(style.radius);
        if (state.selected[id] && marker._map) marker.bringToFront();
      });
    });
  }

  function panToSelection() {
    state.autoFit = false;
    var points = Object.keys(state.selected)
      .filter(function (id) { return state.markers[id]; })
      .map(function (id) { return state.markers[id].getLatLng(); });
    // Keep the region in view (zoom 7 shows a valley and its towns): a selection is
    // read against its surroundings, not as a lone dot on a blank background.
    var bounds = L.latLngBounds(points);
    if (points.length && bounds.getNorthEast().distanceTo(bounds.getSouthWest()) < 1000) {
      state.map.setView(points[0], Math.min(Math.max(state.map.getZoom(), 6), 8), { animate: false });
    } else if (points.length > 1) {
      state.map.fitBounds(bounds, { padding: [60, 60], maxZoom: 7, animate: false });
    }
  }

  // --------------------------------------------------------------- data load

  function clearLayers() {
    [state.full, state.part].forEach(function (group) {
      group.cluster.clearLayers();
      group.markers = {}; group.content = {}; group.size = 0;
    });
    state.extents.clearLayers();
    state.markers = {}; state.circles = {}; state.events = {}; state.shown = {};
  }

  function load(data) {
    state.data = data;
    document.documentElement.style.setProperty("--cc-conflict", data.style.conflict);
    clearLayers();
    var extents = {};  // one circle per place and radius
    data.events.forEach(function (ev) {
      state.events[ev.id] = ev;
      if (ev.lat === null || ev.lon === null) return;
      state.markers[ev.id] = makeMarker(ev);
      if (ev.radius_km) {
        var key = extentKey(ev);
        state.circles[ev.id] = extents[key] || (extents[key] = makeExtent(ev));
      }
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
      state.full = makeGroup();
      state.part = makeGroup();
      showGroup(state.full);
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
    markerCount: function () {
      if (!state.cluster) return JSON.stringify(state.flat ? state.flat.getLayers().length : 0);
      return JSON.stringify(state.cluster === state.full.cluster ? state.full.size : state.part.size);
    },
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
      var marker = shownMarker(id);
      // markercluster puts a marker on the map itself only when it is unclustered and in view
      // (its getVisibleParent() expects icon markers, not circle markers).
      if (!marker || !state.map.hasLayer(marker)) return JSON.stringify(null);
      var p = state.map.latLngToContainerPoint(marker.getLatLng());
      var size = state.map.getSize();
      if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) return JSON.stringify(null);
      var r = state.map.getContainer().getBoundingClientRect();
      return JSON.stringify({ x: p.x + r.left, y: p.y + r.top });
    },
    /** The marker drawn for the event now (hidden events: the full group's marker), or null. */
    markerFor: function (id) { return shownMarker(id) || state.markers[id] || null; },
    /** What the page can reach of Python: the bridge's member names (tests check it stays small). */
    bridgeMembers: function () { return JSON.stringify(state.bridge ? Object.keys(state.bridge).sort() : null); },
    fitAll: function () { fitAll(); return JSON.stringify(true); },
    /**
     * For still images: every shown marker in its source colour, no clusters
     * (a cluster bubble hides which sources are where), and markers sharing a
     * spot spread on a small ring at the current zoom so none hides another.
     * Interactive use keeps clustering; call after fitAll().
     */
    showUnclustered: function () {
      if (state.flat) state.map.removeLayer(state.flat);
      if (state.cluster) state.map.removeLayer(state.cluster);
      state.cluster = null;
      state.flat = L.featureGroup().addTo(state.map);
      var spots = {};
      Object.keys(state.shown).forEach(function (id) {
        var ev = state.events[id], key = ev.lat.toFixed(4) + "," + ev.lon.toFixed(4);
        (spots[key] = spots[key] || []).push(ev);
      });
      Object.keys(spots).forEach(function (key) {
        var evs = spots[key], ring = evs.length > 1 ? 9 + 2 * evs.length : 0;
        evs.forEach(function (ev, i) {
          var marker = makeMarker(ev), angle = 2 * Math.PI * i / evs.length - Math.PI / 2;
          if (ring) {
            var p = state.map.latLngToLayerPoint([ev.lat, ev.lon]).add(
              L.point(ring * Math.cos(angle), ring * Math.sin(angle)));
            marker.setLatLng(state.map.layerPointToLatLng(p));
          }
          state.flat.addLayer(marker);
        });
      });
      return JSON.stringify(state.flat.getLayers().length);
    },
    get map() { return state.map; },
  };

  window.crosscheck = api;
})();
