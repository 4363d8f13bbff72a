// The timeline strip under the map: each caravan a row, each dated fact a tick, the "as of"
// date a line. A tick is a button (pointer and keyboard): it opens its fact as a click on its
// stop would. Text comes from the spec as plain text and is only ever set as text.
window.caTimeline = function (t) {
  var H = {{ this.height|tojson }}, NS = 'http://www.w3.org/2000/svg';
  var map = window.map, box = map.getContainer();
  var el = document.getElementById('ca-timeline');
  if (!el) {
    el = document.createElement('div');
    el.id = 'ca-timeline';
    el.setAttribute('role', 'group');
    el.setAttribute('aria-label', 'Timeline: a row per caravan, a tick per dated fact');
    box.parentNode.insertBefore(el, box.nextSibling);
  }
  var want = {{ this.map_height|tojson }} + 'px';  // the frame is this plus the strip
  if (box.style.height !== want) { box.style.height = want; map.invalidateSize(); }
  el.style.cssText = 'height:' + H + 'px;overflow-y:auto;background:#fbfaf7;border-top:1px solid #ccc;' +
                     'font:11px system-ui,sans-serif;color:#333;box-sizing:border-box';
  while (el.firstChild) { el.removeChild(el.firstChild); }
  if (!t.rows.length) { el.textContent = 'No dated facts in this view.'; return; }
  var W = el.clientWidth || box.clientWidth, L0 = 26, R0 = 14, rowH = 16, top = 16;
  var bottom = top + t.rows.length * rowH + 14, h = Math.max(H - 4, bottom + 2);
  function x(day) { return L0 + (W - L0 - R0) * (day / t.span); }
  function node(tag, attrs, parent) {
    var n = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    (parent || svg).appendChild(n);
    return n;
  }
  function open(ref) {
    var layer = (window.caStopLayers || {})[ref];
    if (layer) {
      layer.fire('click', {latlng: layer.getLatLng()});
      if (layer.options.caGhost) { layer.closeTooltip(); }  // a stand-in for a fact not drawn: no label
    }
  }
  var svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('width', W); svg.setAttribute('height', h);
  svg.setAttribute('class', 'ca-timeline');
  var a = node('text', {x: L0, y: bottom, fill: '#666'}); a.textContent = t.startText;
  var b = node('text', {x: W - R0, y: bottom, fill: '#666', 'text-anchor': 'end'}); b.textContent = t.endText;
  if (t.more) { var m = node('text', {x: W / 2, y: bottom, fill: '#666', 'text-anchor': 'middle'}); m.textContent = t.more; }
  t.rows.forEach(function (row, i) {
    var y = top + i * rowH + rowH / 2;
    node('line', {x1: L0, x2: W - R0, y1: y, y2: y, stroke: '#ddd'});
    var lab = node('text', {x: 4, y: y + 4, fill: row.color, 'font-weight': 700});
    lab.textContent = row.letter;
    var same = {};  // facts of one day side by side, never one under another
    row.ticks.forEach(function (k) {
      var later = t.asof !== null && k[0] > t.asof, nth = same[k[0]] = (same[k[0]] || 0) + 1;
      var r = node('rect', {x: x(k[0]) - 3 + (nth - 1) * 7 * (x(k[0]) > W / 2 ? -1 : 1), y: y - 6, width: 6, height: 12, rx: 1.5, fill: row.color,
                            'fill-opacity': later ? 0.3 : 1, class: 'ca-tick', 'data-stop': k[1],
                            tabindex: 0, role: 'button', 'aria-label': k[2]});
      var title = node('title', {}, r); title.textContent = k[2];
      r.addEventListener('click', function () { open(k[1]); });
      r.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(k[1]); }
      });
    });
  });
  if (t.asof !== null) {
    var ax = x(t.asof);
    node('line', {x1: ax, x2: ax, y1: 13, y2: bottom - 10, stroke: '#c0392b', 'stroke-width': 2, class: 'ca-asof-line',
                  'data-day': t.asof});
    var lt = node('text', {x: ax, y: 11, 'text-anchor': ax > W / 2 ? 'end' : 'start', fill: '#c0392b', 'font-weight': 700});
    lt.textContent = t.asofText;
  }
  el.appendChild(svg);
};
