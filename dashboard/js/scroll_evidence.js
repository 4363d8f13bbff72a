(function () {
  function go() {
    document.querySelectorAll('.ca-article[data-mark]').forEach(function (box) {
      var m = box.querySelector('mark');
      var key = m ? m.textContent.length + ':' + box.textContent.indexOf(m.textContent) : '';
      if (!m || box.dataset.scrolled === key) { return; }
      box.scrollTop = Math.max(0, m.offsetTop - box.offsetTop - box.clientHeight / 3);
      box.dataset.scrolled = key;
    });
  }
  // On a phone the evidence sits under the map: a newly opened stop brings it into view.
  function reveal() {
    var head = document.querySelector('.ca-panel .ca-stop-head');
    if (!head || window.innerWidth > 700) { return; }
    var key = head.textContent;
    if (window.caShownStop === key) { return; }
    window.caShownStop = key;
    head.closest('.ca-panel').scrollIntoView({block: 'start'});
  }
  [0, 150, 500, 1200].forEach(function (t) { setTimeout(go, t); });
  setTimeout(reveal, 200);
})();
