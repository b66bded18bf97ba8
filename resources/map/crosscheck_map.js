/*
 * Crosscheck map module: draws the events of a story on a folium/Leaflet map.
 *
 * Why hand-written: folium would bake every marker into the page as its own
 * script statement (10,000 events -> megabytes of JS and seconds of parsing);
 * here the events arrive as one JSON blob and are drawn by this module, and
 * later changes (selection, time window, new data) go through the small API on
 * `window.crosscheck` without rebuilding the page.
 *
 * Clustering and drawing (why not Leaflet.markercluster): markercluster keeps a
 * tree of live marker objects, so showing another time window meant adding or
 * removing thousands of markers one by one (170-250 ms for half of 10,000
 * events).  Here Supercluster (mapbox, ISC) indexes plain points: a time window
 * filters the array and indexes the subset (10,000 points: a few tens of ms,
 * every zoom level at once; the all-events index is kept), and only what the
 * view shows becomes Leaflet layers: single events as circle markers on one
 * canvas (restyling is a repaint, not DOM work), clusters as a few DOM bubbles.
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

  var CLUSTER_RADIUS_PX = 40;
  /** Events listed in the popup of a cluster that no zoom level splits (same spot). */
  var LIST_LIMIT = 40;

  var state = {
    map: null,
    data: null,
    bridge: null,
    ready: false,
    renderer: null,       // the one canvas the single-event markers are drawn on
    drawnLayer: null,     // layer group: what the view shows now (markers and cluster bubbles)
    flat: null,           // unclustered markers of a still image (showUnclustered)
    extents: null,        // layer group of "near"/"area" circles
    lines: null,          // layer group of conflict lines
    points: [],           // GeoJSON points of every located event (Supercluster input)
    indexAll: null,       // Supercluster of every located event (built once per data load)
    index: null,          // the index drawn now: indexAll or the time window's
    shownPoints: [],      // the points in the time window
    shown: {},            // event id -> true when the event is in the time window (and located)
    drawn: {},            // event id -> its marker, for single events drawn now
    renderZoom: null,     // the zoom level the bubbles were drawn for
    bubbleOf: null,       // event id -> drawn bubble holding it (built when first needed)
    clusters: [],         // cluster bubbles drawn now: {marker, id, count, selected}
    circles: {},          // event id -> L.circle
    events: {},           // event id -> event record
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

  function clicked(id) {
    if (state.bridge) state.bridge.markerClicked(id);
  }

  function makeMarker(ev) {
    var style = markerStyle(ev);
    style.renderer = state.renderer;
    var marker = L.circleMarker([ev.lat, ev.lon], style);
    marker.eventId = ev.id;
    marker.bindPopup(function () { return popupFor(ev); }, { maxWidth: 360 });
    marker.bindTooltip(function () { return el("span", null, ev.what); });
    marker.on("click", function () { clicked(ev.id); });
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
      interactive: false, renderer: state.renderer,
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

  // ---------------------------------------------------------------- clusters

  function newIndex(points) {
    var index = new Supercluster({
      radius: CLUSTER_RADIUS_PX, extent: 256,  // Leaflet tiles are 256 px: the radius is in screen pixels
      minZoom: state.map.getMinZoom(), maxZoom: state.map.getMaxZoom(),
      // A bubble of one source's events takes that source's colour.
      map: function (props) { return { source: props.source }; },
      reduce: function (acc, props) { if (acc.source !== props.source) acc.source = null; },
    }).load(points);
    index.ccPoints = points;  // the input, in the order of Supercluster's point numbers
    return index;
  }

  /** Index the events of the time window (the all-events index is kept for "no window"). */
  function applyWindow() {
    if (state.flat) { state.map.removeLayer(state.flat); state.flat = null; }  // back from a still image
    var all = state.window[0] === null && state.window[1] === null;
    var points = all ? state.points : state.points.filter(function (p) { return inWindow(p.properties.ev); });
    if (all) state.index = state.indexAll || (state.indexAll = newIndex(points));
    else state.index = newIndex(points);
    state.shownPoints = points;
    var shown = {};
    points.forEach(function (p) { shown[p.properties.ev.id] = true; });
    state.shown = shown;
    applyExtents();
    render();
  }

  function applyExtents() {
    var circleWanted = new Map();  // a shared circle stays while any of its events is shown
    Object.keys(state.circles).forEach(function (id) {
      var circle = state.circles[id];
      circleWanted.set(circle, circleWanted.get(circle) || !!state.shown[id]);
    });
    circleWanted.forEach(function (want, circle) {
      if (want && !state.extents.hasLayer(circle)) state.extents.addLayer(circle);
      else if (!want && state.extents.hasLayer(circle)) state.extents.removeLayer(circle);
    });
  }

  function viewBox() {
    var b = state.map.getBounds().pad(0.25);
    if (b.getEast() - b.getWest() >= 360) return [-180, Math.max(b.getSouth(), -85), 180, Math.min(b.getNorth(), 85)];
    // Supercluster wraps longitudes itself (and splits a box that crosses the antimeridian).
    return [b.getWest(), Math.max(b.getSouth(), -85), b.getEast(), Math.min(b.getNorth(), 85)];
  }

  /**
   * Draw what the current index shows in the view.  Markers of events still
   * drawn single are kept (an open popup survives), the rest is replaced; the
   * bubbles are few (one per 40 px at most), so they are simply rebuilt.
   */
  function render() {
    if (!state.index || state.flat) return;
    state.renderZoom = Math.round(state.map.getZoom());
    state.bubbleOf = null;
    var features = state.index.getClusters(viewBox(), state.renderZoom);
    var keep = {}, layer = state.drawnLayer;
    state.clusters.forEach(function (c) { layer.removeLayer(c.marker); });
    state.clusters = [];
    features.forEach(function (f) {
      var ev = f.properties.ev;  // clusters have no `ev` (an event's own `cluster` field is its match group)
      if (!ev) { state.clusters.push(makeCluster(f)); return; }
      keep[ev.id] = true;
      if (!state.drawn[ev.id]) {
        state.drawn[ev.id] = makeMarker(ev);
        layer.addLayer(state.drawn[ev.id]);
      }
    });
    Object.keys(state.drawn).forEach(function (id) {
      if (!keep[id]) { layer.removeLayer(state.drawn[id]); delete state.drawn[id]; }
    });
    state.clusters.forEach(function (c) {
      c.point = state.map.latLngToContainerPoint(c.marker.getLatLng());
      layer.addLayer(c.marker);
    });
    highlightClusters();
    selectedMarkersToFront();
    showHandle();
  }

  function clusterIcon(count, source) {
    var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 48;
    var bubble = el("div", "cc-cluster-bubble", count >= 10000 ? Math.round(count / 1000) + "k" : count);
    var colour = source ? (state.data.sources[source] || {}).colour : null;
    if (colour) bubble.style.background = colour;
    else bubble.classList.add("cc-cluster-mixed");
    return L.divIcon({ html: bubble, className: "cc-cluster", iconSize: [size, size] });
  }

  function makeCluster(feature) {
    var props = feature.properties, c = feature.geometry.coordinates;
    var entry = { id: props.cluster_id, count: props.point_count, selected: 0, marker: null };
    entry.marker = L.marker([c[1], c[0]], { icon: clusterIcon(props.point_count, props.source), keyboard: false });
    entry.marker.bindTooltip(function () {
      return el("span", null, entry.count + " events" + (entry.selected ? " (" + entry.selected + " selected)" : ""));
    });
    entry.marker.on("click", function (e) { openCluster(entry, e.latlng); });
    return entry;
  }

  /** Zoom in until the cluster splits; at the last zoom level list its events instead. */
  function openCluster(entry, latlng) {
    var index = state.index, zoom = index.getClusterExpansionZoom(entry.id);
    if (zoom <= state.map.getMaxZoom()) {
      state.autoFit = false;
      state.map.setView(entry.marker.getLatLng(), zoom, { animate: false });
      return;
    }
    var box = el("div", "cc-popup cc-cluster-list");
    box.appendChild(el("div", "cc-what", entry.count + " events here"));
    index.getLeaves(entry.id, LIST_LIMIT).forEach(function (leaf) {
      var ev = leaf.properties.ev, button = el("button", "cc-list-item" + (state.selected[ev.id] ? " cc-list-selected" : ""));
      button.type = "button";
      var swatch = el("span", "cc-swatch");
      swatch.style.background = sourceOf(ev).colour;
      button.appendChild(swatch);
      button.appendChild(document.createTextNode(ev.what + " \u2014 " + sourceOf(ev).name));
      button.addEventListener("click", function () { clicked(ev.id); });
      box.appendChild(button);
    });
    if (entry.count > LIST_LIMIT) box.appendChild(el("div", "cc-label", "\u2026 and " + (entry.count - LIST_LIMIT) + " more"));
    L.popup({ maxWidth: 360, maxHeight: 300 }).setLatLng(latlng).setContent(box).openOn(state.map);
  }

  /**
   * For every point of the index, the id of the item (bubble or the point itself)
   * standing for it at `zoom`; cached per index and zoom.  Why not getLeaves():
   * it walks each bubble's sub-tree with a spatial query per node (70 ms for
   * 10,000 events), too slow for a selection of many events.  This follows the
   * parent links Supercluster 9 keeps in its per-zoom trees (`trees[z].data`,
   * `stride`; pinned version in resources/map/supercluster): a few typed-array
   * passes.  A test checks it against getLeaves().
   */
  function itemsAtZoom(index, zoom) {
    var cache = index.ccItems || (index.ccItems = {});
    if (cache[zoom]) return cache[zoom];
    var n = index.ccPoints.length, rep = new Int32Array(n), trees = index.trees, stride = index.stride;
    var parent = new Int32Array(index.ccPoints.length * 33 + 64).fill(-1);  // cluster ids < 32 n + n + 32
    for (var i = 0; i < n; i++) rep[i] = i;
    for (var level = index.options.maxZoom + 1; level > zoom; level--) {
      var tree = trees[level];
      if (tree === trees[level - 1]) continue;  // nothing merged at this level: same items
      var data = tree.data, count = tree.numItems, touched = [];
      for (var q = 0; q < count; q++) {
        var par = data[q * stride + 4];
        if (par !== -1) { parent[data[q * stride + 3]] = par; touched.push(data[q * stride + 3]); }
      }
      for (i = 0; i < n; i++) if (parent[rep[i]] !== -1) rep[i] = parent[rep[i]];
      touched.forEach(function (id) { parent[id] = -1; });
    }
    return (cache[zoom] = rep);
  }

  /** Event id -> drawn bubble holding it, for the bubbles drawn now (built when first needed). */
  function bubbleByEvent() {
    if (state.bubbleOf) return state.bubbleOf;
    var index = state.index, zoom = state.renderZoom, out = {}, byId = new Map();
    state.clusters.forEach(function (c) { byId.set(c.id, c); });
    if (state.clusters.length) {
      var rep = itemsAtZoom(index, Math.max(zoom, index.options.minZoom));
      for (var i = 0; i < rep.length; i++) {
        var c = byId.get(rep[i]);
        if (c) out[index.ccPoints[i].properties.ev.id] = c;
      }
    }
    return (state.bubbleOf = out);
  }

  /** The drawn bubble holding an event, or null. */
  function clusterOf(id) {
    if (!state.shown[id] || state.drawn[id] || !state.clusters.length) return null;
    return bubbleByEvent()[id] || null;
  }

  /** A bubble holding a selected event is drawn in the selection colour. */
  function highlightClusters() {
    var counts = new Map();
    if (state.clusters.length) {
      Object.keys(state.selected).forEach(function (id) {
        var c = clusterOf(id);
        if (c) counts.set(c, (counts.get(c) || 0) + 1);
      });
    }
    state.clusters.forEach(function (c) {
      var n = counts.get(c) || 0;
      if ((n > 0) !== (c.selected > 0)) {
        var icon = c.marker.getElement();
        if (icon) icon.classList.toggle("cc-cluster-selected", n > 0);
        c.marker.setZIndexOffset(n > 0 ? 500 : 0);
      }
      c.selected = n;
    });
  }

  function selectedMarkersToFront() {
    Object.keys(state.selected).forEach(function (id) {
      if (state.drawn[id]) state.drawn[id].bringToFront();
    });
  }

  /** The marker drawn for an event now (single, in the window and in view), or null. */
  function shownMarker(id) {
    return (state.shown[id] && state.drawn[id]) || null;
  }

  // --------------------------------------------------------------- conflicts

  function drawConflictLines() {
    state.lines.clearLayers();
    state.data.conflict_lines.forEach(function (line) {
      var path = L.polyline([[line.a.lat, line.a.lon], [line.b.lat, line.b.lon]], {
        color: state.data.style.conflict, weight: 3, dashArray: "8 6", opacity: 0.95, pane: state.linesPane,
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
    var ids = Object.keys(state.selected).filter(function (id) { return state.events[id].lat !== null; });
    if (ids.length !== 1) return;
    var ev = state.events[ids[0]];
    state.handle = L.marker([ev.lat, ev.lon], { draggable: true, title: "Drag to correct the place", zIndexOffset: 1000 });
    state.handle.eventId = ev.id;
    state.handle.on("dragend", function () { sendPin(ev.place_name, state.handle.getLatLng()); });
    showHandle();
  }

  /** The pin stands only on an event drawn on its own: over a bubble it would hide the count. */
  function showHandle() {
    if (!state.handle) return;
    var wanted = !!shownMarker(state.handle.eventId), shown = state.map.hasLayer(state.handle);
    if (wanted && !shown) state.handle.addTo(state.map);
    else if (!wanted && shown) state.map.removeLayer(state.handle);
  }

  // ---------------------------------------------------------------- selection

  /** Restyle only the events whose selection changed, then the bubbles holding selected events. */
  function restyle(ids) {
    ids.forEach(function (id) {
      var marker = state.drawn[id];
      if (!marker || !state.events[id]) return;
      var style = markerStyle(state.events[id]);
      marker.setStyle(style);
      marker.setRadius(style.radius);
      if (state.selected[id]) marker.bringToFront();
    });
    highlightClusters();
  }

  function panToSelection() {
    state.autoFit = false;
    var points = Object.keys(state.selected)
      .filter(function (id) { return state.events[id].lat !== null; })
      .map(function (id) { return L.latLng(state.events[id].lat, state.events[id].lon); });
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
    state.drawnLayer.clearLayers();
    state.extents.clearLayers();
    state.drawn = {}; state.clusters = []; state.bubbleOf = null;
    state.points = []; state.indexAll = null; state.index = null;
    state.circles = {}; state.events = {}; state.shown = {}; state.shownPoints = [];
  }

  function load(data) {
    state.data = data;
    document.documentElement.style.setProperty("--cc-conflict", data.style.conflict);
    document.documentElement.style.setProperty("--cc-selection", data.style.selection);
    clearLayers();
    var extents = {};  // one circle per place and radius
    data.events.forEach(function (ev) {
      state.events[ev.id] = ev;
      if (ev.lat === null || ev.lon === null) return;
      state.points.push({ type: "Feature", properties: { ev: ev, source: ev.source }, geometry: { type: "Point", coordinates: [ev.lon, ev.lat] } });
      if (ev.radius_km) {
        var key = extentKey(ev);
        state.circles[ev.id] = extents[key] || (extents[key] = makeExtent(ev));
      }
    });
    Object.keys(state.selected).forEach(function (id) { if (!state.events[id]) delete state.selected[id]; });
    applyWindow();
    // Under a time window, index all events once the page is idle, so that going
    // back to "all" after a reload costs no clustering on the interactive path.
    var points = state.points;
    if (!state.indexAll) setTimeout(function () {
      if (!state.indexAll && state.points === points) state.indexAll = newIndex(points);
    }, 0);
    drawConflictLines();
    fillPanel();
    fillLegend();
    updateHandle();
  }

  function fitAll() {
    var bounds = L.latLngBounds([]);
    state.shownPoints.forEach(function (p) { bounds.extend([p.properties.ev.lat, p.properties.ev.lon]); });
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

  /** Conflict lines above the bubbles (a pane over the marker pane that lets clicks through). */
  function linesPane(map) {
    var pane = map.createPane("ccLines");
    pane.style.zIndex = 620;
    pane.style.pointerEvents = "none";
    return "ccLines";
  }

  // --------------------------------------------------------------------- API

  var api = {
    /** Called once by the folium page: the Leaflet map and the id of the JSON data element. */
    init: function (map, dataElementId) {
      state.map = map;
      // No tile layer offline, so the map has no zoom range of its own; clustering needs one.
      // 12 is finer than the 1:110m borders.
      if (map.getMaxZoom() === Infinity) map.setMaxZoom(12);
      if (map.getMinZoom() === 0) map.setMinZoom(2);
      // One canvas for every single-event marker and extent circle, in its own pane:
      // above the borders (which fill the land), below the bubbles and conflict lines.
      map.createPane("ccPoints").style.zIndex = 450;
      state.renderer = L.canvas({ padding: 0.25, pane: "ccPoints" });
      state.extents = L.layerGroup().addTo(map);
      state.drawnLayer = L.layerGroup().addTo(map);
      state.lines = L.layerGroup().addTo(map);
      state.linesPane = linesPane(map);
      state.panel = new Panel({ position: "topright", className: "cc-panel" }).addTo(map);
      state.legend = new Panel({ position: "bottomleft", className: "cc-legend" }).addTo(map);
      state.banner = el("div", "cc-banner");
      state.banner.style.display = "none";
      map.getContainer().appendChild(state.banner);
      // The page may be laid out before its widget has its final size: keep the
      // events in view until the user takes over the map.
      map.on("resize", function () { if (state.autoFit) fitAll(); });
      map.on("moveend", render);
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
      var before = state.selected, after = {}, changed = [];
      (ids || []).forEach(function (id) { if (state.events[id]) after[id] = true; });
      Object.keys(before).forEach(function (id) { if (!after[id]) changed.push(id); });
      Object.keys(after).forEach(function (id) { if (!before[id]) changed.push(id); });
      state.selected = after;
      restyle(changed);
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
    /** How many located events the time window shows (single or inside a bubble). */
    markerCount: function () {
      if (state.flat) return JSON.stringify(state.flat.getLayers().length);
      return JSON.stringify(state.shownPoints.length);
    },
    shownIds: function () { return JSON.stringify(Object.keys(state.shown)); },
    selectedIds: function () { return JSON.stringify(Object.keys(state.selected)); },
    /** What the view draws now: single markers and bubbles (with how many selected events they hold). */
    drawnSummary: function () {
      return JSON.stringify({
        markers: Object.keys(state.drawn).length,
        clusters: state.clusters.map(function (c) { return { count: c.count, selected: c.selected }; }),
      });
    },
    /**
     * The events of each drawn bubble, sorted: found by following the index's
     * parent links (what the selection uses), or with `slow` by Supercluster's getLeaves().
     */
    bubbleMembers: function (slow) {
      var fast = bubbleByEvent(), out = state.clusters.map(function () { return []; });
      state.clusters.forEach(function (c, k) {
        if (slow) state.index.getLeaves(c.id, Infinity).forEach(function (leaf) { out[k].push(leaf.properties.ev.id); });
      });
      if (!slow) Object.keys(fast).forEach(function (id) { out[state.clusters.indexOf(fast[id])].push(id); });
      return JSON.stringify(out.map(function (ids) { return ids.sort(); }));
    },
    /** The bubble holding an event in the current view: {count, selected, highlighted, x, y}, or null. */
    clusterOf: function (id) {
      var c = clusterOf(id);
      if (!c) return JSON.stringify(null);
      var p = state.map.latLngToContainerPoint(c.marker.getLatLng()), icon = c.marker.getElement();
      return JSON.stringify({ count: c.count, selected: c.selected, x: p.x, y: p.y,
        highlighted: !!(icon && icon.classList.contains("cc-cluster-selected")) });
    },
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
      if (!marker) return JSON.stringify(null);
      var p = state.map.latLngToContainerPoint(marker.getLatLng());
      var size = state.map.getSize();
      if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) return JSON.stringify(null);
      var r = state.map.getContainer().getBoundingClientRect();
      return JSON.stringify({ x: p.x + r.left, y: p.y + r.top });
    },
    /**
     * The marker drawn for the event now; for an event inside a bubble, out of
     * view or out of the window, a stand-alone marker styled and wired the same way.
     */
    markerFor: function (id) {
      if (shownMarker(id)) return shownMarker(id);
      var ev = state.events[id];
      return ev && ev.lat !== null ? makeMarker(ev) : null;
    },
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
      state.drawnLayer.clearLayers();
      state.drawn = {}; state.clusters = []; state.bubbleOf = null;
      state.flat = L.featureGroup().addTo(state.map);
      var spots = {};
      state.shownPoints.forEach(function (p) {
        var ev = p.properties.ev, key = ev.lat.toFixed(4) + "," + ev.lon.toFixed(4);
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
