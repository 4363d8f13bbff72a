setTimeout(function () {  // the layers button gets a name screen readers read out
  document.querySelectorAll('.leaflet-control-layers-toggle').forEach(function (a) {
    a.setAttribute('aria-label', 'Map layers: switch on online map tiles');
    a.setAttribute('title', 'Map layers');
  });
}, 0);