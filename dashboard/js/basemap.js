// The offline basemap (built by dashboard/basemap.py, served by the app under /app/static/geo/):
// low-resolution country outlines below zoom 6; Natural Earth 10m coasts and borders, fetched per
// country in view, from zoom 6; approximate state lines from zoom 5; place names whose density
// follows the zoom, placed so that none overlaps another.
(function (map, base, outlinesUrl) {
  var STYLE_LAND = {color: '#8a8275', weight: 0.8, fillColor: '#f3efe6', fillOpacity: 1};
  ['ca-basemap', 'ca-states', 'ca-labels'].forEach(function (name, k) {
    map.createPane(name);
    map.getPane(name).style.zIndex = [150, 160, 390][k];
    map.getPane(name).style.pointerEvents = 'none';
  });
  var container = map.getContainer();
  var low = null, manifest = null, detail = {}, states = {}, cells = {}, loading = {};
  var majors = [], labelLayer = L.layerGroup().addTo(map);
  function get(url) { return fetch(url).then(function (r) { if (!r.ok) { throw new Error(url); } return r.json(); }); }
  function inView(bbox, b) {  // bbox: [w, s, e, n]
    return !(bbox[0] > b.getEast() || bbox[2] < b.getWest() || bbox[1] > b.getNorth() || bbox[3] < b.getSouth());
  }
  get(outlinesUrl).then(function (gj) {
    low = L.geoJSON(gj, {pane: 'ca-basemap', interactive: false, style: function () { return STYLE_LAND; }});
    low.addTo(map);
    container.setAttribute('data-basemap', 'loaded');
    refresh();
  }).catch(function (e) { console.warn('country outlines not loaded', e); });
  get(base + '/basemap.json').then(function (m) {
    manifest = m;
    return get(base + '/' + m.labels);
  }).then(function (rows) { majors = rows; refresh(); })
    .catch(function (e) { console.warn('basemap details not loaded', e); });

  function load(store, kind, code, style, pane) {
    var key = kind + code;
    if (store[code] || loading[key]) { return; }
    loading[key] = true;
    get(base + '/' + kind + '/' + code + '.json').then(function (gj) {
      store[code] = L.geoJSON(gj, {pane: pane, interactive: false, style: function () { return style; }});
      refresh();
    }).catch(function () { loading[key] = false; });
  }
  function show(layer, on) {
    if (on && !map.hasLayer(layer)) { layer.addTo(map); }
    if (!on && map.hasLayer(layer)) { map.removeLayer(layer); }
  }
  function refresh() {
    if (!manifest) { return; }
    var z = map.getZoom(), b = map.getBounds().pad(0.2), fine = z >= 6;
    if (low) { show(low, !fine); }
    manifest.detail.forEach(function (row) {
      var want = fine && inView(row.slice(1), b);
      if (want) { load(detail, 'detail', row[0], STYLE_LAND, 'ca-basemap'); }
      if (detail[row[0]]) { show(detail[row[0]], want); }
    });
    manifest.states.forEach(function (row) {
      var want = z >= 5 && inView(row.slice(1), b);
      if (want) { load(states, 'states', row[0], {color: '#9d8f7c', weight: 1, opacity: 0.9, dashArray: '4 3', fill: false}, 'ca-states'); }
      if (states[row[0]]) { show(states[row[0]], want); }
    });
    if (fine) { container.setAttribute('data-basemap-detail', Object.keys(detail).length); }
    if (z >= 6) {  // towns come in cells of `manifest.cell` degrees
      var c = manifest.cell, have = {};
      manifest.cells.forEach(function (k) { have[k] = true; });
      for (var x = Math.floor(b.getWest() / c); x <= Math.floor(b.getEast() / c); x++) {
        for (var y = Math.floor(b.getSouth() / c); y <= Math.floor(b.getNorth() / c); y++) {
          var k = x + '_' + y;
          if (have[k] && !cells[k] && !loading['cell' + k]) {
            loading['cell' + k] = true;
            (function (k) { get(base + '/labels/' + k + '.json').then(function (rows) { cells[k] = rows; placeLabels(); }); })(k);
          }
        }
      }
    }
    placeLabels();
  }
  function placeLabels() {
    var z = map.getZoom(), b = map.getBounds(), size = map.getSize();
    var pool = majors.slice();
    if (z >= 6) { Object.keys(cells).forEach(function (k) { pool = pool.concat(cells[k]); }); }
    pool = pool.filter(function (r) { return r[3] <= z && b.contains([r[1], r[2]]); });
    pool.sort(function (a, c) { return (a[3] - c[3]) || (c[5] - a[5]); });  // bigger places first
    var boxes = [], shown = 0;
    labelLayer.clearLayers();
    for (var i = 0; i < pool.length && shown < 300; i++) {
      var r = pool[i], p = map.latLngToContainerPoint([r[1], r[2]]);
      var w = r[0].length * (r[4] ? 7.2 : 6.4) + 10, h = 15;
      var bx = [p.x - 3, p.y - h / 2, p.x + w, p.y + h / 2];
      if (bx[2] > size.x || bx[1] < 0 || bx[3] > size.y) { continue; }
      var clash = boxes.some(function (o) { return !(bx[0] > o[2] || bx[2] < o[0] || bx[1] > o[3] || bx[3] < o[1]); });
      if (clash) { continue; }
      boxes.push(bx);
      shown++;
      var el = document.createElement('span');
      el.className = 'ca-label' + (r[4] ? ' ca-capital' : '');
      el.textContent = r[0];  // GeoNames text: never parsed as markup
      L.marker([r[1], r[2]], {pane: 'ca-labels', interactive: false, keyboard: false,
        icon: L.divIcon({className: 'ca-label-icon', html: el, iconSize: null, iconAnchor: [3, 8]})}).addTo(labelLayer);
    }
    container.setAttribute('data-labels', shown);
  }
  map.on('moveend zoomend', refresh);
})({{ this._parent.get_name() }}, {{ this.base|tojson }}, {{ this.url|tojson }});
