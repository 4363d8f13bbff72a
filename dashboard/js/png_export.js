
(function (map) {
  function svgImage(svg) {
    var r = svg.getBoundingClientRect();
    var copy = svg.cloneNode(true);
    copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    copy.setAttribute('width', r.width); copy.setAttribute('height', r.height);
    copy.style.transform = '';
    var src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(copy));
    return new Promise(function (ok) {
      var img = new Image();
      img.onload = function () { ok({img: img, rect: r}); };
      img.onerror = function () { ok(null); };
      img.src = src;
    });
  }
  function render() {
    var box = map.getContainer(), base = box.getBoundingClientRect();
    var scale = 2, cv = document.createElement('canvas');
    cv.width = base.width * scale; cv.height = base.height * scale;
    var g = cv.getContext('2d');
    g.scale(scale, scale);
    g.fillStyle = getComputedStyle(box).backgroundColor || '#c9dbe6';
    g.fillRect(0, 0, base.width, base.height);
    function z(el) { var pane = el.closest('.leaflet-pane'); return parseInt(getComputedStyle(pane).zIndex, 10) || 0; }
    var svgs = Array.prototype.slice.call(box.querySelectorAll('.leaflet-map-pane svg'));
    svgs.sort(function (a, b) { return z(a) - z(b); });  // the basemap under the routes, as on screen
    return Promise.all(svgs.map(svgImage)).then(function (imgs) {
      imgs.forEach(function (it) { if (it) { g.drawImage(it.img, it.rect.left - base.left, it.rect.top - base.top, it.rect.width, it.rect.height); } });
      box.querySelectorAll('.leaflet-map-pane canvas').forEach(function (c) {
        var r = c.getBoundingClientRect(); g.drawImage(c, r.left - base.left, r.top - base.top, r.width, r.height);
      });
      g.textAlign = 'center'; g.textBaseline = 'middle';
      box.querySelectorAll('.ca-label, .ca-arrow span, .ca-badge span').forEach(function (el) {
        var r = el.getBoundingClientRect(), cs = getComputedStyle(el);
        var x = r.left - base.left + r.width / 2, y = r.top - base.top + r.height / 2;
        if (el.parentNode.classList.contains('ca-badge')) {
          g.beginPath(); g.arc(x, y, r.width / 2, 0, 2 * Math.PI);
          g.fillStyle = cs.backgroundColor; g.fill(); g.lineWidth = 2; g.strokeStyle = cs.borderColor || '#fff'; g.stroke();
        }
        g.font = cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
        g.fillStyle = cs.color;
        if (el.classList.contains('ca-label')) { g.lineWidth = 3; g.strokeStyle = 'rgba(255,255,255,.85)'; g.strokeText(el.textContent, x, y); }
        g.fillText(el.textContent, x, y);
      });
      var credit = (box.querySelector('.leaflet-control-attribution') || {}).textContent || '';
      g.font = '10px sans-serif'; g.textAlign = 'right'; g.textBaseline = 'bottom';
      var w = Math.min(base.width - 8, g.measureText(credit).width + 8);
      g.fillStyle = 'rgba(255,255,255,.8)'; g.fillRect(base.width - w - 4, base.height - 16, w + 4, 16);
      g.fillStyle = '#333'; g.fillText(credit, base.width - 6, base.height - 3, base.width - 12);
      return cv;
    });
  }
  var Ctl = L.Control.extend({options: {position: 'topleft'}, onAdd: function () {
    var div = L.DomUtil.create('div', 'leaflet-bar ca-png');
    var a = L.DomUtil.create('a', '', div);
    a.href = '#'; a.innerHTML = '&#8681;'; a.title = 'Download map as PNG';
    a.setAttribute('role', 'button'); a.setAttribute('aria-label', 'Download map as PNG');
    L.DomEvent.on(a, 'click', function (e) {
      L.DomEvent.preventDefault(e); L.DomEvent.stopPropagation(e);
      render().then(function (cv) {
        cv.toBlob(function (blob) {
          var link = document.createElement('a');
          link.href = URL.createObjectURL(blob); link.download = 'caravan-atlas-map.png';
          document.body.appendChild(link); link.click();
          setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
        }, 'image/png');
      });
    });
    return div;
  }});
  new Ctl().addTo(map);
  window.caMapPng = render;
})({{ this._parent.get_name() }});
