
window.caRender = function (group, d) {
  function tip(layer, html, opts) { if (html) { layer.bindTooltip(html, opts); } }
  // A circle reachable by Tab, opened by Enter, named for screen readers (SVG only).
  // `tab`: its place in journey order (Tab goes A1, A2, ... B1 ...), not the drawing order.
  function pressable(c, words, attr, value, tab) {
    c.on('add', function () {
      var el = c.getElement();
      if (!el || el.getAttribute('role')) { return; }
      el.setAttribute('tabindex', tab ? String(tab) : '0');
      el.setAttribute('role', 'button');
      var t = document.createElement('div');
      t.innerHTML = words.join(' — ');  // escaped markup → plain text
      el.setAttribute('aria-label', t.textContent);
      el.setAttribute(attr, value);
      el.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          window.caKeepFocus = {attr: attr, value: String(value), at: Date.now()};  // back on it after the redraw
          c.fire('click', {latlng: c.getLatLng()});
        }
      });
      el.addEventListener('focus', function () { c.openTooltip(); });
      el.addEventListener('blur', function () { c.closeTooltip(); });
    });
  }
  // streamlit-folium sends a click to Python 250 ms late (its sends are debounced for pans and
  // zooms). A click on a stop or place is sent at once instead: the same value, built the way
  // the component builds it, so its own late send finds nothing new and sends nothing.
  function sendNow() {
    setTimeout(function () {  // after the component's own click handler has recorded the click
      var g = window.__GLOBAL_DATA__, map = window.map;
      if (!g || !map || !window.Streamlit) { return; }
      var all = {last_clicked: g.lat_lng_clicked, last_object_clicked: g.last_object_clicked,
        last_object_clicked_count: g.last_object_clicked_count,
        last_object_clicked_tooltip: g.last_object_clicked_tooltip,
        last_object_clicked_popup: g.last_object_clicked_popup, all_drawings: g.all_drawings,
        last_active_drawing: g.last_active_drawing, last_geocoder_result: g.last_geocoder_result,
        bounds: map.getBounds(), zoom: map.getZoom(), last_circle_radius: g.last_circle_radius,
        last_circle_polygon: g.last_circle_polygon, center: map.getCenter(),
        selected_layers: Object.values(g.selected_layers || {}), selected_tags: g.selected_tags};
      var data = {};
      Object.keys(all).forEach(function (k) { if (!g.returned_objects || g.returned_objects.indexOf(k) >= 0) { data[k] = all[k]; } });
      if (JSON.stringify(g.previous_data) !== JSON.stringify(data)) {
        g.previous_data = data;
        window.Streamlit.setComponentValue(data);
      }
    }, 0);
  }
  var S = d.strings, T = d.styles;
  window.caStopLayers = {};
  // What each caravan drew, by its letter (lower case), for choice.js: choosing caravans in
  // the sidebar hides the others at once, before the page's rerun brings this layer anew.
  var drawn = window.caDrawn = {group: group, canvas: !!d.canvas, byLetter: {}, colors: {}, arrows: []};
  function mine(cls, layer) {
    var m = / ca-caravan-([a-z]+)/.exec(' ' + cls);
    if (m) { (drawn.byLetter[m[1]] = drawn.byLetter[m[1]] || []).push(layer); }
    return m ? m[1] : null;
  }
  if (d.fitKey !== undefined && d.fitKey !== window.caFitKey) {  // the filters changed: show what they show
    window.caFitKey = d.fitKey;
    if (d.fit) {
      setTimeout(function () {
        var map = group._map || window.map;
        if (map) { map.fitBounds(d.fit, {padding: [40, 40], maxZoom: 9}); }
      }, 0);
    }
  }
  var R = d.canvas ? L.canvas({padding: 0.5}) : undefined;  // thousands of stops: one canvas
  d.lines.forEach(function (l) {
    var pl = L.polyline(l.coords, {color: l.color, weight: l.weight, opacity: l.opacity,
      dashArray: l.dash, className: l.cls, lineCap: 'round', lineJoin: 'round', renderer: R});
    tip(pl, l.tip, {sticky: true, opacity: 0.95});
    pl.addTo(group);
    var who = mine(l.cls || '', pl);
    if (who) { drawn.colors[l.color] = (drawn.colors[l.color] || []).concat([who]); }
  });
  d.stops.forEach(function (row) {
    var st = T[row[2]], lines = row[4].map(function (i) { return S[i]; });
    var s = {ref: row[5]};
    var html = ['<b>Stop ' + s.ref + ':</b>'].concat(lines).join('<br>');
    var c = L.circleMarker([row[0], row[1]], {radius: st.radius, color: st.color, weight: st.weight,
      dashArray: st.dash, fill: true, fillColor: st.fill, fillOpacity: st.fillOpacity,
      className: row[3].map(function (i) { return S[i]; }).join(' '), renderer: R});
    tip(c, html, {direction: 'top', offset: [0, -st.radius], opacity: 0.97, className: 'ca-tip'});
    pressable(c, ['Stop ' + s.ref].concat(lines), 'data-stop', s.ref, row[6]);
    c.on('click', sendNow);
    c.addTo(group);
    window.caStopLayers[s.ref] = c;
    mine(c.options.className, c);
  });
  var keep = window.caKeepFocus;
  if (keep && Date.now() - keep.at < 15000) {  // Enter opened a stop: focus stays on it through the redraw
    setTimeout(function () {
      var el = document.querySelector('[' + keep.attr + '="' + keep.value.replace(/[^A-Za-z0-9.,-]/g, '') + '"]');
      if (el && group._map) { el.focus(); window.caKeepFocus = null; }
    }, 0);
  }
  if (d.timeline) {
    (d.timeline.ghosts || []).forEach(function (g) {  // facts not drawn: a click on their tick still opens them
      var m = L.circleMarker([g[1], g[2]], {radius: 1, opacity: 0, fillOpacity: 0, interactive: false, caGhost: true});
      m.bindTooltip('<b>Stop ' + g[0] + ':</b>');
      m.on('click', sendNow);
      m.addTo(group);
      window.caStopLayers[g[0]] = m;
    });
    window.caTimeline(d.timeline);  // first: the map's height is final before it fits
  }
  (d.places || []).forEach(function (row) {  // a large view: one circle per place
    var head = 'Place ' + row[5] + ':', lines = row[6];
    var c = L.circleMarker([row[0], row[1]], {radius: row[2], color: row[3], weight: 2,
      dashArray: row[4] ? '5 5' : null, fill: true, fillColor: row[3], fillOpacity: row[4] ? 0.15 : 0.45,
      className: 'ca-place'});
    tip(c, ['<b>' + head + '</b>'].concat(lines).join('<br>'),
        {direction: 'top', offset: [0, -row[2]], opacity: 0.97, className: 'ca-tip ca-tip-place'});
    pressable(c, [head].concat(lines), 'data-place', row[5]);
    c.on('click', sendNow);
    c.addTo(group);
  });
  d.rings.forEach(function (r) {
    L.circleMarker([r.lat, r.lon], {radius: r.radius, color: '#111', weight: 3, fill: false,
      interactive: false, className: 'ca-ring'}).addTo(group);
  });
  d.arrows.forEach(function (row) {
    var st = T[row[3]];
    drawn.arrows.push([st.color, L.marker([row[0], row[1]], {interactive: false, keyboard: false, icon: L.divIcon({
      className: 'ca-arrow', iconSize: [18, 18], iconAnchor: [9, 9],
      html: '<span style="color:' + st.color + ';opacity:' + st.opacity + ';transform:rotate(' + row[2] +
            'deg)">&#9654;</span>'})}).addTo(group)]);
  });
  d.badges.forEach(function (b) {
    var badge = L.marker([b.lat, b.lon], {interactive: false, keyboard: false, zIndexOffset: 1000, icon: L.divIcon({
      className: 'ca-badge', iconSize: [22, 22], iconAnchor: [b.ax, b.ay],
      html: b.hollow ? '<span class="ca-hollow" style="color:' + b.color + ';border-color:' + b.color + '">' + b.text + '</span>'
                     : '<span style="background:' + b.color + '">' + b.text + '</span>'})}).addTo(group);
    mine('ca-caravan-' + String(b.text).toLowerCase(), badge);
  });
};
