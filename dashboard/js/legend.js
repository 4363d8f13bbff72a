(function (map) {
  var legend = L.control({position: 'bottomleft'});
  legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'ca-legend');
    div.innerHTML = {{ this.html|tojson }};
    div.setAttribute('role', 'note');
    if (window.innerWidth < 560) {  // a phone: the legend starts folded, the map stays visible
      var d = div.querySelector('details');
      if (d) { d.removeAttribute('open'); }
    }
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  legend.addTo(map);
})({{ this._parent.get_name() }});