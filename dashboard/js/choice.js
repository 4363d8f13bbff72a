// Choosing caravans in the sidebar: the map hides the caravans not chosen at once, in the
// browser, instead of waiting for the page's rerun (the server's run, then Streamlit redrawing
// the whole page, then this frame's new layer: 0.3-0.7 s). The rerun's layer then replaces
// this one as always, fitted to the choice; it alone decides what is shown. Only hiding is
// done here: a caravan not drawn yet (the list emptied, one added) waits for the rerun.
// The page is the app's own (same origin); elsewhere (a saved map) there is nothing to watch.
(function () {
  if (window.caChoiceWatch) { return; }
  window.caChoiceWatch = true;
  var doc;
  try { doc = window.parent.document; if (!doc || doc === document) { return; } } catch (e) { return; }
  function chosen() {  // the chosen caravans' letters, from the multiselect's tags ("D · title")
    var input = doc.querySelector('[data-testid="stSidebar"] input[aria-label="Caravans"]');
    var box = input && input.closest('[data-testid="stMultiSelect"]');
    if (!box) { return null; }
    return Array.prototype.map.call(box.querySelectorAll('[data-tag][aria-label]'), function (t) {
      return t.getAttribute('aria-label').split(' \u00b7 ')[0].trim().toLowerCase();
    });
  }
  function hide(letters) {
    var d = window.caDrawn, keep = {}, canvas = null;
    if (!d || !letters.length) { return; }
    letters.forEach(function (l) { keep[l] = true; });
    Object.keys(d.byLetter).forEach(function (l) {
      if (keep[l]) { return; }
      d.byLetter[l].forEach(function (layer) {
        if (d.canvas && layer instanceof L.Path && layer._renderer instanceof L.Canvas) {
          // thousands of stops on one canvas: removing each costs ~30 us (0.3 s for 10,000);
          // made invisible and inert instead, then the canvas painted once
          layer.options.interactive = layer.options.stroke = layer.options.fill = false;
          canvas = layer._renderer;
        } else if (layer instanceof L.Marker) {
          // a badge: its element taken out of the page (removing the marker from Leaflet costs
          // ~1 ms each, every marker's zoom handler searched); the rerun removes the marker
          var el = layer.getElement();
          if (el) { el.remove(); }
        } else {
          d.group.removeLayer(layer);
        }
      });
      delete d.byLetter[l];
    });
    if (canvas && canvas._map) { canvas._redrawBounds = null; canvas._redraw(); }
    d.arrows = d.arrows.filter(function (a) {  // arrows know their colour only (as badges: the element)
      var mineToo = (d.colors[a[0]] || []).some(function (l) { return keep[l]; });
      var el = mineToo ? null : a[1].getElement();
      if (el) { el.remove(); }
      return mineToo;
    });
  }
  var last = null;
  function check() {
    var letters = chosen();
    if (letters === null) { return; }
    var key = letters.join(' ');
    if (last !== null && key !== last) { hide(letters); }
    last = key;
  }
  new MutationObserver(check).observe(doc.body, {subtree: true, childList: true});
  check();
})();
